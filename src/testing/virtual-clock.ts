// A Clock whose time moves only when the test says so (xstate's SimulatedClock, Effect's
// TestClock): a one-hour mission's timeouts, progress ticks and stall checks run in milliseconds,
// and the same test gives the same timestamps on every machine.
import type { Clock, TimerHandle } from '../ports/clock.js';
import { TimerQueue, type QueuedTimer } from './timer-queue.js';

/** Where a VirtualClock starts unless told otherwise: 2025-01-01T00:00:00.000Z, so reports are deterministic. */
export const DEFAULT_VIRTUAL_START_MS = Date.UTC(2025, 0, 1);

/** How many timers one advance or run may fire before it gives up, unless told otherwise. */
export const DEFAULT_MAX_TIMERS = 100_000;

/** Options for `new VirtualClock(...)`. */
export interface VirtualClockOptions {
  /**
   * The virtual time the clock starts at, in milliseconds since the Unix epoch.
   * @default DEFAULT_VIRTUAL_START_MS (`Date.UTC(2025, 0, 1)`)
   * @example new VirtualClock({ startAt: Date.UTC(2030, 5, 15, 12, 0, 0) })
   */
  readonly startAt?: number;
}

/** Options for the methods that move virtual time. */
export interface DriveOptions {
  /**
   * The most timers this call may fire. Exceeding it throws instead of spinning forever, which is
   * what a periodic timer that re-arms itself would otherwise make `runUntilIdle()` do.
   * @default DEFAULT_MAX_TIMERS (100,000)
   * @example await clock.runUntilIdle({ maxTimers: 1_000_000 })
   */
  readonly maxTimers?: number;
}

/** A timer waiting to fire, as `pendingTimers()` shows it. */
export interface PendingTimer {
  /** Virtual time it fires at, in epoch ms. */
  readonly dueAt: number;
  /** Milliseconds from `now()` until it fires. */
  readonly inMs: number;
  /** Virtual time it was armed at. */
  readonly armedAt: number;
}

// Lets everything that is already in motion settle before the clock moves on. A macrotask turn
// (setImmediate) rather than `await Promise.resolve()`: Node drains the whole microtask queue and
// the nextTick queue, including everything those queue in turn, before it runs an immediate, so
// one turn settles a promise chain of any depth, where a microtask yield settles one link only.
// setImmediate rather than setTimeout(0), which costs a real millisecond per turn. Two turns
// rather than one: code that itself yields with setImmediate (some stream and queue libraries
// do) gets its continuation run too. Work waiting on real I/O (a real file read, a real socket)
// is NOT waited for: it completes in real time, which the virtual clock knows nothing about.
// Note: jest's fake timers replace setImmediate; do not combine them with a VirtualClock.
const SETTLE_TURNS = 2;

const settle = async (): Promise<void> => {
  for (let turn = 0; turn < SETTLE_TURNS; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
};

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/** A Clock for tests: time stands still until `advance`, `advanceTo`, `runUntilIdle` or `runUntilSettled` moves it. */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers = new TimerQueue();
  /** The drive method currently running, to refuse a second one started alongside it. */
  private driving: string | undefined;

  constructor(options: VirtualClockOptions = {}) {
    const startAt = options.startAt ?? DEFAULT_VIRTUAL_START_MS;
    if (!Number.isFinite(startAt)) {
      throw new RangeError(
        `new VirtualClock({ startAt: ${startAt} }): startAt must be a finite number of epoch milliseconds, e.g. Date.UTC(2025, 0, 1)`,
      );
    }
    this.current = startAt;
  }

  /** The current virtual time in epoch milliseconds; it only changes while time is being moved. */
  now(): number {
    return this.current;
  }

  /** Arms a timer on virtual time; it fires only when the clock is moved to or past its due time. */
  setTimer(ms: number, fn: () => void): TimerHandle {
    if (Number.isNaN(ms)) {
      throw new RangeError(
        'VirtualClock.setTimer(NaN): the delay must be a number of milliseconds (0 or less fires as soon as time is moved)',
      );
    }
    // Infinity is allowed: such a timer never fires, and runUntilIdle() reports it instead of jumping to it.
    const timer = this.timers.add(this.current, this.current + Math.max(0, ms), fn);
    return { cancel: () => this.timers.cancel(timer) };
  }

  /** Moves time forward by `ms`, firing every timer due meanwhile in due order and letting promises settle between them. */
  async advance(ms: number, options: DriveOptions = {}): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `VirtualClock.advance(${ms}): time cannot go back or jump to infinity; pass a finite number of milliseconds ≥ 0 (now is ${iso(this.current)})`,
      );
    }
    await this.drive(`advance(${ms})`, () => this.moveTo(this.current + ms, `advance(${ms})`, options));
  }

  /** Moves time forward to the epoch time `t`, like `advance(t - now())`. */
  async advanceTo(t: number, options: DriveOptions = {}): Promise<void> {
    if (!Number.isFinite(t) || t < this.current) {
      throw new RangeError(
        `VirtualClock.advanceTo(${iso(t)}): time cannot go back; the clock is already at ${iso(this.current)} (${t - this.current} ms)`,
      );
    }
    await this.drive(`advanceTo(${t})`, () => this.moveTo(t, `advanceTo(${iso(t)})`, options));
  }

  /**
   * Lets pending promises settle and, whenever nothing else is going on, jumps to the next timer
   * and fires it, until no timer is left. Throws once `maxTimers` have fired (a timer that keeps
   * re-arming itself never leaves the clock idle).
   */
  async runUntilIdle(options: DriveOptions = {}): Promise<void> {
    await this.drive('runUntilIdle()', async () => {
      const max = options.maxTimers ?? DEFAULT_MAX_TIMERS;
      let fired = 0;
      for (;;) {
        await settle();
        const next = this.timers.peek();
        if (next === undefined || next.dueAt === Infinity) return;
        if (fired >= max) throw this.overrun('runUntilIdle()', max, 'the clock never became idle');
        this.fire(next);
        fired += 1;
      }
    });
  }

  /**
   * Moves time, timer by timer, until `promise` settles, then resolves or rejects as it does.
   * Throws if it is still pending when no timer is left (nothing on this clock can settle it).
   * @example const report = await clock.runUntilSettled(runMission(text, { clock, executor }));
   */
  async runUntilSettled<T>(promise: Promise<T>, options: DriveOptions = {}): Promise<T> {
    let settled = false;
    const mark = (): void => {
      settled = true;
    };
    promise.then(mark, mark);
    await this.drive('runUntilSettled()', async () => {
      const max = options.maxTimers ?? DEFAULT_MAX_TIMERS;
      let fired = 0;
      for (;;) {
        await settle();
        if (settled) return;
        const next = this.timers.peek();
        if (next === undefined || next.dueAt === Infinity) {
          throw new Error(
            `VirtualClock.runUntilSettled(): the promise is still pending at ${iso(this.current)} and no timer is armed, ` +
              'so moving virtual time cannot settle it. It waits on something outside this clock: a process nobody kills, ' +
              'a script with `hang: true`, real I/O, or a timer armed on another clock.',
          );
        }
        if (fired >= max) throw this.overrun('runUntilSettled()', max, 'the promise is still pending');
        this.fire(next);
        fired += 1;
      }
    });
    return promise;
  }

  /** The timers still waiting, in the order they will fire; for debugging a test that hangs or ends early. */
  pendingTimers(): ReadonlyArray<PendingTimer> {
    return this.timers
      .list()
      .map((t) => ({ dueAt: t.dueAt, inMs: t.dueAt - this.current, armedAt: t.armedAt }));
  }

  private async moveTo(target: number, call: string, options: DriveOptions): Promise<void> {
    const max = options.maxTimers ?? DEFAULT_MAX_TIMERS;
    let fired = 0;
    for (;;) {
      await settle();
      const next = this.timers.peek();
      if (next !== undefined && next.dueAt <= target) {
        if (fired >= max) throw this.overrun(call, max, `virtual time is only at ${iso(this.current)}`);
        this.fire(next);
        fired += 1;
      } else if (this.current < target) {
        // Arrive at the target, then settle once more: work started there may arm a timer due at once.
        this.current = target;
      } else {
        return;
      }
    }
  }

  private fire(next: QueuedTimer): void {
    const timer = this.timers.take();
    // peek() and take() agree unless a timer callback ran in between, which cannot happen here.
    if (timer !== next) throw new Error('VirtualClock: timer queue changed between peek and take');
    this.current = Math.max(this.current, timer.dueAt);
    // A throwing callback rejects the drive call: a test should see it, as Node would crash on it.
    timer.fn();
  }

  private async drive(call: string, body: () => Promise<void>): Promise<void> {
    if (this.driving !== undefined) {
      throw new Error(
        `VirtualClock.${call} was called while ${this.driving} is still running; await the first one before moving time again`,
      );
    }
    this.driving = call;
    try {
      await body();
    } finally {
      this.driving = undefined;
    }
  }

  private overrun(call: string, max: number, state: string): Error {
    const next = this.pendingTimers()
      .slice(0, 5)
      .map((t) => `${iso(t.dueAt)} (armed at ${iso(t.armedAt)})`)
      .join(', ');
    return new Error(
      `VirtualClock.${call} fired ${max} timers and ${state}; a timer that re-arms itself forever? ` +
        `Pass { maxTimers } to allow more, or move time in bounded steps with advance(ms). Next timers: ${next || 'none'}`,
    );
  }
}
