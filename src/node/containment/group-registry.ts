// Which spawned roots have a control group, so the resource sampler (told only the roots' pids)
// reads the group's own counters instead of walking the process table.
import type { GroupUsage } from './containment.js';

const groups = new Map<number, () => GroupUsage | undefined>();

/** Records the group of a live root, from its start until its container is disposed. */
export const registerGroup = (pid: number, usage: () => GroupUsage | undefined): void => {
  groups.set(pid, usage);
};

/** Forgets a root's group (its container was disposed: the pid may be reused). */
export const forgetGroup = (pid: number, usage: () => GroupUsage | undefined): void => {
  if (groups.get(pid) === usage) groups.delete(pid);
};

/** The groups' counters of every root, or undefined unless every one of them has a group. */
export const groupUsageOf = (rootPids: ReadonlyArray<number>): ReadonlyArray<GroupUsage> | undefined => {
  const out: GroupUsage[] = [];
  for (const pid of new Set(rootPids)) {
    const usage = groups.get(pid)?.();
    if (usage === undefined) return undefined;
    out.push(usage);
  }
  return out;
};
