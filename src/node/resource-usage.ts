// The real ResourceSampler: chooses how to measure a step's process tree on this platform. On
// Linux /proc is read directly (it alone sees disk I/O and the CPU time of ended children, and a
// tick costs less: bench/sampler.bench.mjs); elsewhere pidusage measures each member of the tree.
import type { ResourceSampler } from '../ports/sampler.js';
import { unreachable } from '../unreachable.js';
import { createPidusageSampler } from './pidusage-sampler.js';
import type { HostPlatform } from './platform.js';
import { processTableSource } from './platform.js';
import { createProcSampler } from './proc-sampler.js';

/** How a tree is measured: `/proc` files (Linux only) or pidusage (every platform, no disk I/O). */
export type SamplerMethod = 'proc' | 'pidusage';

/** Options of `createResourceSampler`. */
export interface ResourceSamplerOptions {
  /**
   * How to measure. `pidusage` on Linux is for comparison: it is slower and cannot see disk I/O,
   * so disk limits are refused with it.
   * @default 'proc' on Linux, 'pidusage' elsewhere
   * @example createResourceSampler({ method: 'pidusage' })
   */
  readonly method?: SamplerMethod;
}

/** The method a platform measures with unless told otherwise: /proc wherever there is one. */
export const defaultSamplerMethod = (platform: HostPlatform): SamplerMethod =>
  processTableSource(platform) === 'proc' ? 'proc' : 'pidusage';

/** Creates the sampler the Node host measures step process trees with. */
export const createResourceSampler = (options: ResourceSamplerOptions = {}): ResourceSampler => {
  const platform = process.platform;
  const method = options.method ?? defaultSamplerMethod(platform);
  switch (method) {
    case 'proc':
      if (processTableSource(platform) !== 'proc')
        throw new TypeError(
          `the 'proc' resource sampler needs /proc, which ${platform} does not have; use method 'pidusage'`,
        );
      return createProcSampler(platform);
    case 'pidusage':
      return createPidusageSampler(platform);
    default:
      return unreachable(method);
  }
};
