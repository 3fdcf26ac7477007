// A worker that starts kills what an earlier worker on this host left: every process whose tree
// marker names a worker (`<prefix><pid>.`) whose pid is no longer alive. Its reaper normally did
// this already; this catches a reaper that was killed too.
import { platform } from 'node:process';
import { readProcessTable, treeMarkersOf } from './process-tree.js';
import type { HostPlatform } from './platform.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
};

/** Kills processes left by dead workers; resolves with how many were found. */
export const killLeftoverTrees = async (prefix: string): Promise<number> => {
  const table = await readProcessTable(platform as HostPlatform, { _tag: 'all' });
  let found = 0;
  for (const entry of table) {
    if (entry.zombie || entry.pid === process.pid) continue;
    for (const marker of treeMarkersOf(entry)) {
      if (!marker.startsWith(prefix)) continue;
      const owner = Number(marker.slice(prefix.length).split('.')[0]);
      if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || alive(owner)) continue;
      found += 1;
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
      break;
    }
  }
  return found;
};
