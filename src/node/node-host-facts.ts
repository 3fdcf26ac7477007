// The real HostFacts: the OS Node runs on, PATH lookups as the executor makes them, sizes measured
// by GNU find or a Node walk, and file listings for chunked steps.
import type { HostFacts } from '../ports/host-facts.js';
import { listFiles, measurePaths } from './dir-size.js';
import { which } from './which.js';

/** Host facts from the machine Node runs on. */
export const nodeHostFacts: HostFacts = {
  platform: process.platform,
  arch: process.arch,
  which: (command, env, cwd) => which(command, env, cwd),
  measure: (paths, options) => measurePaths(paths, options),
  listFiles: (paths, options) => listFiles(paths, options),
};
