// Following the kernel's pid counter (Linux), so that a scan for a tree's new members can read only
// the pids handed out since the tree started instead of the whole process table. Two readings of
// the counter taken within a second of each other cannot be a whole round of the pid space apart,
// so readings taken often enough (at every spawn, exit and sample) count every pid handed out; a
// longer gap starts a new count, and a tree started before it is scanned in full.
import * as fs from 'node:fs';
import { lastAssignedPid } from './process-tree.js';
import { monotonicMs } from './system-clock.js';

/** One reading of the pid counter. */
export interface PidMark {
  /** Changes whenever the readings were too far apart to count what was handed out in between. */
  readonly epoch: number;
  /** Pids handed out since the epoch began. */
  readonly count: number;
  /** The pid the kernel handed out last. */
  readonly last: number;
}

// The counter cannot go round within this long (kill-tree.ts and sampled-trees.ts rely on the same).
const CONTINUITY_MS = 1000;

let pidRange: number | null | undefined;
/** The size of the pid space (Linux `pid_max`), read once; null when unknown. */
export const pidMax = (): number | null => {
  if (pidRange === undefined) {
    try {
      const n = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim());
      pidRange = Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      pidRange = null;
    }
  }
  return pidRange;
};

/** Pids handed out from `from` to `to` in a pid space of `range`, going round it once at most. */
export const pidsHandedOut = (from: number, to: number, range: number): number =>
  to >= from ? to - from : to + range - from;

let previous: { last: number; at: number } | undefined;
let epoch = 0;
let count = 0;

/** Reads the counter now; undefined where there is none to read (no /proc). */
export const pidMark = (): PidMark | undefined => {
  const range = pidMax();
  const last = range === null ? undefined : lastAssignedPid();
  if (range === null || last === undefined) return undefined;
  const at = monotonicMs();
  if (previous === undefined || at - previous.at > CONTINUITY_MS) {
    epoch += 1;
    count = 0;
  } else count += pidsHandedOut(previous.last, last, range);
  previous = { last, at };
  return { epoch, count, last };
};

/** Pids handed out between two marks, or undefined when the counter may have gone round meanwhile. */
export const handedOutBetween = (from: PidMark, to: PidMark): number | undefined => {
  const range = pidMax();
  if (range === null || from.epoch !== to.epoch || to.count - from.count >= range / 2) return undefined;
  return to.count - from.count;
};

/** When a root process started: on the wall clock and on the pid counter. */
export interface RootStart {
  readonly at: number;
  readonly mark: PidMark | undefined;
}

// The roots this host started that have not exited yet. A root is never anyone's descendant, so a
// scan after another root's exit need not read the roots started after it (with steps running side
// by side, they are most of the pids handed out meanwhile). A root is forgotten as soon as it
// exited, so a later process given its pid is never skipped.
const roots = new Map<number, RootStart>();

/** Notes that this host started `pid` just now. */
export const rootStarted = (pid: number): RootStart => {
  const start = { at: monotonicMs(), mark: pidMark() };
  roots.set(pid, start);
  return start;
};

/** Notes that the root `pid` exited (and was reaped): its pid may now be given to anyone. */
export const rootExited = (pid: number): void => {
  roots.delete(pid);
};

/** When the live root `pid` started, if this host started it. */
export const rootStart = (pid: number): RootStart | undefined => roots.get(pid);
