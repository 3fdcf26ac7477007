// How the kill sweeps pace themselves, for the process-group tree (kill-tree.ts) and the
// control-group tree (cgroup-tree.ts) alike: short pauses at first, as a killed process is
// usually gone within a few ms, growing to the configured sweep interval.

import { monotonicMs } from '../system-clock.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Pauses between checks: short at first (a killed process is usually gone within a few ms), then `max`. */
export const backoff = (max: number): (() => number) => {
  let next = 1;
  return () => {
    const ms = Math.min(next, max);
    next *= 2;
    return ms;
  };
};

/** Checks `done` until it holds (resolves true) or `ms` passed (false), pausing at most `maxPauseMs`. */
export const pollUntil = async (
  done: () => boolean | Promise<boolean>,
  ms: number,
  maxPauseMs: number,
): Promise<boolean> => {
  const deadline = monotonicMs() + ms;
  const pause = backoff(maxPauseMs);
  for (;;) {
    if (await done()) return true;
    const left = deadline - monotonicMs();
    if (left <= 0) return false;
    await sleep(Math.min(pause(), left));
  }
};
