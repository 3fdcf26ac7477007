// Containment in cgroup v1 groups, one per spawned process in each hierarchy used, below the
// host's own group there (`<hierarchy>/<own group>/missionkit/<host pid>.<n>-<step>`). The freezer
// hierarchy holds the tree and kills it (freeze, SIGKILL every member, thaw, until empty); pids,
// cpuacct and memory, where mounted and writable, add their counters. Needs root (or write access
// to those hierarchies), as v1 has no delegation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KillTreeOptions } from '../kill-tree.js';
import {
  groupName,
  groupPids,
  keyedValue,
  readCgroupFile,
  releaseMembers,
  removeGroup,
  removeStaleGroups,
  writeCgroupFile,
} from './cgroup-files.js';
import { cgroupContainment } from './cgroup-container.js';
import type { GroupOps } from './cgroup-tree.js';
import type { Containment, GroupUsage } from './containment.js';
import { canEnter } from './enter-group.js';

/** The controllers used, the first required. */
const CONTROLLERS = ['freezer', 'pids', 'cpuacct', 'memory'] as const;
type Controller = (typeof CONTROLLERS)[number];
const REQUIRED: ReadonlyArray<Controller> = ['freezer', 'pids'];

/** One hierarchy in use: the host's own group in it, and the parent of the step groups. */
interface Hierarchy {
  readonly controller: Controller;
  readonly home: string;
  readonly base: string;
}

/** What the probe found. */
export interface CgroupV1Host {
  readonly hierarchies: ReadonlyArray<Hierarchy>;
}

/** Finds whether the host may contain steps in cgroup v1 groups; `ownGroup` names its group per controller. */
export const probeCgroupV1 = (
  ownGroup: (controller: string) => string | undefined,
): CgroupV1Host | undefined => {
  const hierarchies: Hierarchy[] = [];
  for (const controller of CONTROLLERS) {
    const home = ownGroup(controller);
    // Two controllers mounted together (cpu,cpuacct) share a hierarchy: one group serves both.
    if (home === undefined || hierarchies.some((h) => h.home === home)) continue;
    const base = path.join(home, 'missionkit');
    try {
      fs.mkdirSync(base, { recursive: true });
    } catch {
      continue;
    }
    removeStaleGroups(base);
    hierarchies.push({ controller, home, base });
  }
  if (!REQUIRED.every((c) => hierarchies.some((h) => h.controller === c))) return undefined;
  const entered = canEnter(hierarchies.map((h) => h.base));
  return entered ? { hierarchies } : undefined;
};

const groupOps = (freezer: string): GroupOps => ({
  members: () => groupPids(freezer),
  freeze: () => {
    writeCgroupFile(path.join(freezer, 'freezer.state'), 'FROZEN');
  },
  frozen: () => (readCgroupFile(path.join(freezer, 'freezer.state')) ?? '').trim() !== 'FREEZING',
  thaw: () => {
    writeCgroupFile(path.join(freezer, 'freezer.state'), 'THAWED');
  },
  killAll: () => false,
});

const usageOf = (dirs: ReadonlyMap<Controller, string>): GroupUsage | undefined => {
  const freezer = dirs.get('freezer');
  if (freezer === undefined) return undefined;
  const cpuacct = dirs.get('cpuacct');
  const ns = cpuacct === undefined ? undefined : Number(readCgroupFile(path.join(cpuacct, 'cpuacct.usage')));
  const memoryDir = dirs.get('memory');
  const memory = memoryDir === undefined ? undefined : readCgroupFile(path.join(memoryDir, 'memory.stat'));
  const rss = memory === undefined ? undefined : keyedValue(memory, 'total_rss');
  const mapped = memory === undefined ? undefined : keyedValue(memory, 'total_mapped_file');
  return {
    pids: groupPids(freezer),
    cpuMs: ns === undefined || !Number.isFinite(ns) ? undefined : ns / 1e6,
    memoryBytes: rss === undefined || mapped === undefined ? undefined : rss + mapped,
  };
};

/** The cgroup v1 containment; `fallback` serves a program the wrapper cannot start, or groups that cannot be made. */
export const cgroupV1Containment = (
  host: CgroupV1Host,
  fallback: Containment,
  options: KillTreeOptions,
): Containment =>
  cgroupContainment('cgroup-v1', fallback, options, (program) => {
    const name = groupName(program.label);
    const dirs = new Map<Controller, string>();
    const removeAll = (): boolean => {
      let all = true;
      for (const dir of dirs.values()) all = removeGroup(dir) && all;
      return all;
    };
    try {
      for (const h of host.hierarchies) {
        const dir = path.join(h.base, name);
        fs.mkdirSync(dir);
        dirs.set(h.controller, dir);
      }
    } catch {
      removeAll();
      return undefined;
    }
    const freezer = dirs.get('freezer')!;
    return {
      procsFiles: [...dirs.values()].map((dir) => path.join(dir, 'cgroup.procs')),
      ops: groupOps(freezer),
      usage: () => usageOf(dirs),
      remove: () => {
        if (removeAll()) return;
        // Members left (a detached step's daemons): out of every hierarchy, then the groups go.
        writeCgroupFile(path.join(freezer, 'freezer.state'), 'THAWED');
        for (const h of host.hierarchies) {
          const dir = dirs.get(h.controller);
          if (dir !== undefined) releaseMembers(dir, h.home);
        }
        removeAll();
      },
    };
  });
