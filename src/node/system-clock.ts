// The real clock: monotonic epoch milliseconds and real timers. Read from `process.hrtime`, not the
// global `performance`: the first use of `performance` loads Node's perf_hooks modules (its
// observers, histograms and timing entries, ~1 ms of a command's start), and reading it costs the
// same per call.
import type { Clock, TimerHandle } from '../ports/clock.js';

const hrtime = process.hrtime;
// The wall clock once, when this module loads; from then on only the monotonic clock moves it.
const start = hrtime();
const origin = Date.now() - (start[0] * 1000 + start[1] / 1e6);

/** The system clock; `now()` never goes back even if the wall clock is changed during a run. */
export const systemClock: Clock = {
  now: () => {
    const t = hrtime();
    return origin + (t[0] * 1000 + t[1] / 1e6);
  },
  setTimer: (ms: number, fn: () => void): TimerHandle => {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};
