// The real clock: monotonic epoch milliseconds and real timers.
import { performance } from 'node:perf_hooks';
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
