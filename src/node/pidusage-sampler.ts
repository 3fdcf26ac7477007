// The portable sampler: pidusage measures each member of the tree (`ps` on macOS and the BSDs,
// WMI on Windows, /proc on Linux). It cannot see disk I/O, so disk limits are refused where it
// is used, and it sees only live processes: a member's CPU time leaves the total when it exits.
import pidusage from 'pidusage';
import type { ResourceSampler, TreeUsage } from '../ports/sampler.js';
import type { HostPlatform } from './platform.js';
import { SampledTrees } from './sampled-trees.js';

const NOTHING: TreeUsage = { processes: 0, rss_bytes: 0, cpu_ms: 0 };

type Stats = Readonly<Record<string, pidusage.Status | undefined>>;

/** pidusage's figures for `pids`; a pid that is gone has none (pidusage rejects a list whose last answer failed). */
const statsOf = async (pids: ReadonlyArray<number>): Promise<Stats> => {
  try {
    return await pidusage([...pids]);
  } catch {
    const one = await Promise.all(
      pids.map((pid) =>
        pidusage(pid).then(
          (s): [string, pidusage.Status | undefined] => [String(pid), s],
          (): [string, pidusage.Status | undefined] => [String(pid), undefined],
        ),
      ),
    );
    return Object.fromEntries(one);
  }
};

/** The pidusage sampler: for platforms without /proc (and to compare with it on Linux). */
export const createPidusageSampler = (platform: HostPlatform = process.platform): ResourceSampler => {
  const trees = new SampledTrees(platform);
  return {
    measuresDiskIo: false,
    sample: async (rootPids) => {
      try {
        const { live } = await trees.members(rootPids);
        if (live.length === 0) return NOTHING;
        const stats = await statsOf(live.map((e) => e.pid));
        let processes = 0;
        let rss = 0;
        let cpuMs = 0;
        for (const e of live) {
          const s = stats[String(e.pid)];
          if (s === undefined || s === null) continue;
          processes += 1;
          rss += s.memory;
          cpuMs += s.ctime;
        }
        return { processes, rss_bytes: rss, cpu_ms: cpuMs };
      } catch {
        return NOTHING;
      }
    },
  };
};
