// Containment in a cgroup v2 group of its own per spawned process, below the host's own group
// (`<own group>/missionkit/<host pid>.<n>-<step>`). Needs a cgroup2 hierarchy the host may write
// to: root, or a subtree delegated to its user (systemd `Delegate=yes`). Kills with `cgroup.kill`
// (Linux 5.14+), else by freezing (`cgroup.freeze`, 5.2+) and signalling every member.
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

/** What the probe found: where groups go, and what the kernel offers. */
export interface CgroupV2Host {
  /** The host's own group, where members a detached step leaves behind are moved. */
  readonly home: string;
  /** `<home>/missionkit`, the parent of every step group. */
  readonly base: string;
  /** It holds the memory controller: the host's main hierarchy, not a hybrid host's cgroup2 beside v1. */
  readonly isMain: boolean;
  readonly canKill: boolean;
  readonly canFreeze: boolean;
}

/** Finds whether the host may contain steps in cgroup v2 groups; undefined when not. */
export const probeCgroupV2 = (home: string | undefined): CgroupV2Host | undefined => {
  if (home === undefined) return undefined;
  const base = path.join(home, 'missionkit');
  try {
    fs.mkdirSync(base, { recursive: true });
  } catch {
    return undefined;
  }
  removeStaleGroups(base);
  if (!canEnter([base])) return undefined;
  // Memory counters need the memory controller in the groups; best effort (the host's own group
  // must pass it down, and often does not).
  if ((readCgroupFile(path.join(base, 'cgroup.controllers')) ?? '').split(/\s+/).includes('memory'))
    writeCgroupFile(path.join(base, 'cgroup.subtree_control'), '+memory');
  const controllers = (readCgroupFile(path.join(home, 'cgroup.controllers')) ?? '').split(/\s+/);
  return {
    home,
    base,
    isMain: controllers.includes('memory'),
    canKill: fs.existsSync(path.join(base, 'cgroup.kill')),
    canFreeze: fs.existsSync(path.join(base, 'cgroup.freeze')),
  };
};

const groupOps = (host: CgroupV2Host, dir: string): GroupOps => ({
  members: () => groupPids(dir),
  freeze: () => {
    if (host.canFreeze) writeCgroupFile(path.join(dir, 'cgroup.freeze'), '1');
  },
  frozen: () =>
    !host.canFreeze || keyedValue(readCgroupFile(path.join(dir, 'cgroup.events')) ?? '', 'frozen') === 1,
  thaw: () => {
    if (host.canFreeze) writeCgroupFile(path.join(dir, 'cgroup.freeze'), '0');
  },
  killAll: () => host.canKill && writeCgroupFile(path.join(dir, 'cgroup.kill'), '1'),
});

const usageOf = (dir: string): GroupUsage | undefined => {
  const cpu = readCgroupFile(path.join(dir, 'cpu.stat'));
  if (cpu === undefined) return undefined;
  const usec = keyedValue(cpu, 'usage_usec');
  const memory = readCgroupFile(path.join(dir, 'memory.stat'));
  const anon = memory === undefined ? undefined : keyedValue(memory, 'anon');
  const mapped = memory === undefined ? undefined : keyedValue(memory, 'file_mapped');
  return {
    pids: groupPids(dir),
    cpuMs: usec === undefined ? undefined : usec / 1000,
    memoryBytes: anon === undefined || mapped === undefined ? undefined : anon + mapped,
  };
};

/** The cgroup v2 containment; `fallback` serves a program the wrapper cannot start, or a group that cannot be made. */
export const cgroupV2Containment = (
  host: CgroupV2Host,
  fallback: Containment,
  options: KillTreeOptions,
): Containment =>
  cgroupContainment('cgroup-v2', fallback, options, (program) => {
    const dir = path.join(host.base, groupName(program.label));
    try {
      fs.mkdirSync(dir);
    } catch {
      return undefined;
    }
    return {
      procsFiles: [path.join(dir, 'cgroup.procs')],
      ops: groupOps(host, dir),
      usage: () => usageOf(dir),
      remove: () => {
        if (removeGroup(dir)) return;
        releaseMembers(dir, host.home);
        removeGroup(dir);
      },
    };
  });
