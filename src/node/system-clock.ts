// The real clock: monotonic epoch milliseconds and real timers. Read from `process.hrtime`, not the
// global `performance`: the first use of `performance` loads Node's perf_hooks modules (its
// observers, histograms and timing entries, ~1 ms of a command's start), and reading it costs the
// same per call.
import type { Clock, TimerHandle } from '../ports/clock.js';

const hrtime = process.hrtime;

/**
 * Milliseconds on the monotonic clock (any origin): what every deadline and pause in src/node is
 * measured with, so that none of them loads perf_hooks either.
 */
export const monotonicMs = (): number => {
  const t = hrtime();
  return t[0] * 1000 + t[1] / 1e6;
};

// The wall clock once, when this module loads; from then on only the monotonic clock moves it.
const origin = Date.now() - monotonicMs();

/** The system clock; `now()` never goes back even if the wall clock is changed during a run. */
export const systemClock: Clock = {
  now: () => origin + monotonicMs(),
  setTimer: (ms: number, fn: () => void): TimerHandle => {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};
