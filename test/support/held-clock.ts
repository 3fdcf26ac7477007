// A real clock that stands still until a test lets it go. A run on it measures its timeouts from
// the moment its processes are known to be up, not from when they were asked to start: how long a
// loaded machine takes to start them no longer decides what a timed-out step has managed to do.
import { systemClock } from '../../src/node/system-clock.js';
import type { Clock, TimerHandle } from '../../src/ports/clock.js';

interface Waiting {
  readonly ms: number;
  readonly fn: () => void;
  handle: TimerHandle | undefined;
  cancelled: boolean;
}

export class HeldClock implements Clock {
  private readonly heldAt = systemClock.now();
  /** How long the clock was held; subtracted from the system time once it runs. */
  private lag = 0;
  private held = true;
  private waiting: Waiting[] = [];

  now(): number {
    return this.held ? this.heldAt : systemClock.now() - this.lag;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    if (!this.held) return systemClock.setTimer(ms, fn);
    const w: Waiting = { ms, fn, handle: undefined, cancelled: false };
    this.waiting.push(w);
    return {
      cancel: () => {
        w.cancelled = true;
        w.handle?.cancel();
      },
    };
  }

  /** Starts the clock: from now on time passes, and timers armed while held start counting. */
  release(): void {
    if (!this.held) return;
    this.lag = systemClock.now() - this.heldAt;
    this.held = false;
    for (const w of this.waiting) if (!w.cancelled) w.handle = systemClock.setTimer(w.ms, w.fn);
    this.waiting = [];
  }
}
