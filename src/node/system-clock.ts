// The real clock: monotonic epoch milliseconds and real timers. The global `performance`, as in
// every file of src/node: importing node:perf_hooks loads its observers and histograms too (~1 ms
// of a command's start).
import type { Clock, TimerHandle } from '../ports/clock.js';

// Fixed for the life of the process: read once, not through its getter twice per step.
const origin = performance.timeOrigin;

/** The system clock; `now()` never goes back even if the wall clock is changed during a run. */
export const systemClock: Clock = {
  now: () => origin + performance.now(),
  setTimer: (ms: number, fn: () => void): TimerHandle => {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};
