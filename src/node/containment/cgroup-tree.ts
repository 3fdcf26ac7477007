// Killing everything in a control group, for either cgroup version. The group is the tree: a
// member cannot leave it by changing its session, group, title or environment, and a child is
// born inside. Signals are sent with the group frozen, so no member can fork between the listing
// and the kill, and no listed pid can exit and be reused before its signal; cgroup v2's
// `cgroup.kill` does the SIGKILL in the kernel, atomically, where it exists.
import type { KillTreeOptions } from '../kill-tree.js';
import type { ContainedTree, TreeRoot } from './containment.js';
import { backoff, pollUntil, sleep } from './sweep-pace.js';
import { monotonicMs } from '../system-clock.js';

/** What a cgroup version offers for one group. */
export interface GroupOps {
  /** The live members, subgroups included. */
  members(): ReadonlyArray<number>;
  /** Starts freezing the group (members stop where they are, and cannot fork). */
  freeze(): void;
  /** Whether the group is frozen now (true where freezing is not possible: then it is not waited for). */
  frozen(): boolean;
  thaw(): void;
  /** SIGKILLs every member in the kernel (cgroup v2 `cgroup.kill`); false where that is not possible. */
  killAll(): boolean;
}

// A member stuck in the kernel (state D) may keep the group from freezing; signals are then sent
// anyway after this long, and the sweep comes round again.
const FREEZE_WAIT_MS = 200;

const send = (pid: number, signal: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** The contained tree of a root started inside the group `ops` acts on. */
export const cgroupTree = (ops: GroupOps, root: TreeRoot, options: KillTreeOptions): ContainedTree => {
  let rootAlive = true;

  const waitFrozen = async (): Promise<void> => {
    const deadline = monotonicMs() + FREEZE_WAIT_MS;
    const pause = backoff(options.sweepIntervalMs);
    while (!ops.frozen() && monotonicMs() < deadline) await sleep(pause());
  };

  // The root may not be inside yet (the wrapper writes itself in first thing): signal it by its
  // Node handle then, which reaches it wherever it is, and never a pid that was reused.
  const signalRootOutside = (members: ReadonlyArray<number>, signal: NodeJS.Signals): void => {
    if (rootAlive && !members.includes(root.pid)) root.signal(signal);
  };

  const signalFrozen = async (signal: NodeJS.Signals): Promise<void> => {
    ops.freeze();
    try {
      await waitFrozen();
      const members = ops.members();
      signalRootOutside(members, signal);
      for (const pid of members) send(pid, signal);
    } finally {
      ops.thaw();
    }
  };

  const killPass = (): void => {
    if (ops.killAll()) return;
    ops.freeze();
    for (const pid of ops.members()) send(pid, 'SIGKILL');
    ops.thaw();
  };

  const forceKill = async (): Promise<void> => {
    const deadline = monotonicMs() + options.sweepTimeoutMs;
    // The first pass is synchronous, so a host that exits right after `kill('force')` has sent it.
    if (rootAlive) root.signal('SIGKILL');
    killPass();
    const pause = backoff(options.sweepIntervalMs);
    while (monotonicMs() < deadline) {
      await sleep(pause());
      if (ops.members().length === 0) return;
      if (ops.killAll()) continue;
      await signalFrozen('SIGKILL');
    }
  };

  const rootRuns = (): boolean => rootAlive && send(root.pid, 0);

  const waitGone = (ms: number): Promise<boolean> =>
    pollUntil(() => ops.members().length === 0 && !rootRuns(), ms, options.sweepIntervalMs);

  return {
    rootExited: () => {
      rootAlive = false;
    },
    leftovers: () => Promise.resolve(ops.members().filter((pid) => !(rootAlive && pid === root.pid)).length),
    terminate: () => signalFrozen('SIGTERM'),
    forceKill,
    waitGone,
  };
};
