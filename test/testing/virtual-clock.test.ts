import fc from 'fast-check';
import { DEFAULT_VIRTUAL_START_MS, VirtualClock } from '../../src/testing/index.js';

const T0 = Date.UTC(2025, 0, 1);

/** Resolves after `n` links of a promise chain, to prove the clock waits for deep chains. */
const chain = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i += 1) await Promise.resolve();
};

describe('VirtualClock', () => {
  describe('time', () => {
    it('starts at 2025-01-01T00:00:00Z by default, so reports are deterministic', () => {
      expect(DEFAULT_VIRTUAL_START_MS).toBe(T0);
      expect(new VirtualClock().now()).toBe(T0);
    });

    it('starts at the given epoch time', () => {
      expect(new VirtualClock({ startAt: 42 }).now()).toBe(42);
    });

    it('refuses a start that is not a finite number', () => {
      expect(() => new VirtualClock({ startAt: Number.NaN })).toThrow(RangeError);
      expect(() => new VirtualClock({ startAt: Infinity })).toThrow(/startAt must be a finite number/);
    });

    it('stands still until it is moved', async () => {
      const clock = new VirtualClock();
      await chain(10);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(clock.now()).toBe(T0);
      await clock.advance(1_500);
      expect(clock.now()).toBe(T0 + 1_500);
      await clock.advanceTo(T0 + 60_000);
      expect(clock.now()).toBe(T0 + 60_000);
    });
  });

  describe('timers', () => {
    it('fires timers in due order, whatever order they were armed in, at their due time', async () => {
      const clock = new VirtualClock();
      const fired: Array<[string, number]> = [];
      const arm = (name: string, ms: number): void =>
        void clock.setTimer(ms, () => fired.push([name, clock.now() - T0]));
      arm('c', 300);
      arm('a', 100);
      arm('b', 200);
      await clock.advance(1_000);
      expect(fired).toEqual([
        ['a', 100],
        ['b', 200],
        ['c', 300],
      ]);
      expect(clock.now()).toBe(T0 + 1_000);
    });

    it('fires timers due at the same instant in the order they were armed', async () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      for (const name of ['first', 'second', 'third', 'fourth']) clock.setTimer(50, () => fired.push(name));
      clock.setTimer(49, () => fired.push('earlier'));
      await clock.advance(50);
      expect(fired).toEqual(['earlier', 'first', 'second', 'third', 'fourth']);
    });

    it('keeps due order and arming order for any set of timers (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -5, max: 50 }), { maxLength: 40 }), async (delays) => {
          const clock = new VirtualClock({ startAt: 0 });
          const fired: Array<{ index: number; at: number }> = [];
          delays.forEach((ms, index) => clock.setTimer(ms, () => fired.push({ index, at: clock.now() })));
          await clock.runUntilIdle();
          const expected = delays
            .map((ms, index) => ({ index, at: Math.max(0, ms) }))
            .sort((a, b) => a.at - b.at || a.index - b.index);
          expect(fired).toEqual(expected);
        }),
        { numRuns: 50 },
      );
    });

    it('fires a zero or negative delay only once time is moved, never synchronously', async () => {
      const clock = new VirtualClock();
      const fired: number[] = [];
      clock.setTimer(0, () => fired.push(0));
      clock.setTimer(-10, () => fired.push(-10));
      await chain(5);
      expect(fired).toEqual([]);
      await clock.advance(0);
      expect(fired).toEqual([0, -10]);
      expect(clock.now()).toBe(T0);
    });

    it('leaves timers due after the target for later', async () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      clock.setTimer(100, () => fired.push('100'));
      clock.setTimer(101, () => fired.push('101'));
      await clock.advance(100);
      expect(fired).toEqual(['100']);
      await clock.advance(1);
      expect(fired).toEqual(['100', '101']);
    });

    it('does not fire a cancelled timer, and cancelling twice or after firing is harmless', async () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      const kept = clock.setTimer(10, () => fired.push('kept'));
      const dropped = clock.setTimer(5, () => fired.push('dropped'));
      dropped.cancel();
      dropped.cancel();
      await clock.advance(20);
      kept.cancel();
      expect(fired).toEqual(['kept']);
      expect(clock.pendingTimers()).toEqual([]);
    });

    it('stays correct when most timers are cancelled (the queue compacts itself)', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const fired: number[] = [];
      const handles = Array.from({ length: 1_000 }, (_, i) =>
        clock.setTimer(1_000 - i, () => fired.push(1_000 - i)),
      );
      handles.forEach((h, i) => {
        if (i % 250 !== 0) h.cancel();
      });
      expect(clock.pendingTimers().map((t) => t.dueAt)).toEqual([250, 500, 750, 1_000]);
      await clock.runUntilIdle();
      expect(fired).toEqual([250, 500, 750, 1_000]);
    });

    it('refuses a NaN delay', () => {
      const clock = new VirtualClock();
      expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow(RangeError);
    });

    it('lists pending timers in firing order, with how far away each is', async () => {
      const clock = new VirtualClock({ startAt: 1_000 });
      clock.setTimer(300, () => undefined);
      await clock.advance(100);
      clock.setTimer(50, () => undefined);
      expect(clock.pendingTimers()).toEqual([
        { dueAt: 1_150, inMs: 50, armedAt: 1_100 },
        { dueAt: 1_300, inMs: 200, armedAt: 1_000 },
      ]);
    });
  });

  describe('advance with promises', () => {
    it('lets a promise chain started by a timer arm a new timer that fires in the same advance', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: string[] = [];
      const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));
      const job = async (): Promise<void> => {
        await sleep(10);
        log.push(`woke at ${clock.now()}`);
        await chain(50);
        await sleep(5);
        log.push(`woke again at ${clock.now()}`);
      };
      void job();
      clock.setTimer(12, () => log.push('timer at 12'));
      await clock.advance(20);
      expect(log).toEqual(['woke at 10', 'timer at 12', 'woke again at 15']);
      expect(clock.now()).toBe(20);
    });

    it('settles promises between two timers due at the same instant', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: string[] = [];
      clock.setTimer(10, () => {
        void chain(20).then(() => log.push('chain after first timer'));
      });
      clock.setTimer(10, () => log.push('second timer'));
      await clock.advance(10);
      expect(log).toEqual(['chain after first timer', 'second timer']);
    });

    it('fires a timer armed with delay 0 by work that runs at the target instant', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: number[] = [];
      clock.setTimer(100, () => {
        void chain(3).then(() => clock.setTimer(0, () => log.push(clock.now())));
      });
      await clock.advance(100);
      expect(log).toEqual([100]);
    });

    it('waits for code that itself yields with setImmediate once, after a few awaits', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: number[] = [];
      clock.setTimer(1, () => {
        // Queued from a microtask, so after the clock's own first settling turn.
        void chain(2).then(() => setImmediate(() => clock.setTimer(1, () => log.push(clock.now()))));
      });
      await clock.advance(5);
      expect(log).toEqual([2]);
    });

    it('rejects the advance when a timer callback throws, and stays usable', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const fired: number[] = [];
      clock.setTimer(5, () => {
        throw new Error('boom in a timer');
      });
      clock.setTimer(6, () => fired.push(6));
      await expect(clock.advance(10)).rejects.toThrow('boom in a timer');
      expect(clock.now()).toBe(5);
      await clock.advance(5);
      expect(fired).toEqual([6]);
    });

    it('refuses to be moved by two callers at once', async () => {
      const clock = new VirtualClock();
      const first = clock.advance(10);
      await expect(clock.advance(5)).rejects.toThrow(
        /advance\(5\) was called while advance\(10\) is still running/,
      );
      await first;
      expect(clock.now()).toBe(T0 + 10);
    });

    it('stops an endless chain of zero-delay timers at the same instant with a clear error', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const rearm = (): void => void clock.setTimer(0, rearm);
      rearm();
      await expect(clock.advance(10, { maxTimers: 100 })).rejects.toThrow(/fired 100 timers.*maxTimers/);
    });
  });

  describe('going back in time', () => {
    it('refuses a negative advance with a RangeError and leaves the time alone', async () => {
      const clock = new VirtualClock();
      await expect(clock.advance(-1)).rejects.toThrow(RangeError);
      await expect(clock.advance(-1)).rejects.toThrow(/time cannot go back/);
      expect(clock.now()).toBe(T0);
    });

    it('refuses advanceTo a moment in the past, naming both times', async () => {
      const clock = new VirtualClock();
      await clock.advance(1_000);
      await expect(clock.advanceTo(T0)).rejects.toThrow(RangeError);
      await expect(clock.advanceTo(T0)).rejects.toThrow(
        'VirtualClock.advanceTo(2025-01-01T00:00:00.000Z): time cannot go back; the clock is already at 2025-01-01T00:00:01.000Z (-1000 ms)',
      );
      expect(clock.now()).toBe(T0 + 1_000);
    });

    it('refuses NaN and infinite moves', async () => {
      const clock = new VirtualClock();
      await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError);
      await expect(clock.advance(Infinity)).rejects.toThrow(RangeError);
      await expect(clock.advanceTo(Infinity)).rejects.toThrow(RangeError);
    });

    it('accepts advanceTo the current time, firing what is due now', async () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      clock.setTimer(0, () => fired.push('now'));
      await clock.advanceTo(clock.now());
      expect(fired).toEqual(['now']);
    });
  });

  describe('runUntilIdle', () => {
    it('jumps from timer to timer, including ones armed along the way, until none is left', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: number[] = [];
      const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));
      void (async () => {
        for (let i = 0; i < 3; i += 1) {
          await sleep(60 * 60_000);
          log.push(clock.now());
        }
      })();
      await clock.runUntilIdle();
      expect(log).toEqual([3_600_000, 7_200_000, 10_800_000]);
      expect(clock.now()).toBe(10_800_000);
      expect(clock.pendingTimers()).toEqual([]);
    });

    it('returns at once, without moving time, when no timer is armed', async () => {
      const clock = new VirtualClock();
      await clock.runUntilIdle();
      expect(clock.now()).toBe(T0);
    });

    it('lets pending promises arm their timers before deciding the clock is idle', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const log: number[] = [];
      void chain(30).then(() => clock.setTimer(25, () => log.push(clock.now())));
      await clock.runUntilIdle();
      expect(log).toEqual([25]);
    });

    it('throws a clear error for a periodic timer that re-arms forever', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      let ticks = 0;
      const tick = (): void => {
        ticks += 1;
        clock.setTimer(1_000, tick);
      };
      clock.setTimer(1_000, tick);
      await expect(clock.runUntilIdle({ maxTimers: 50 })).rejects.toThrow(
        /runUntilIdle\(\) fired 50 timers and the clock never became idle; a timer that re-arms itself forever\? Pass \{ maxTimers \}/,
      );
      expect(ticks).toBe(50);
      expect(clock.now()).toBe(50_000);
    });

    it('leaves a timer armed with an infinite delay pending instead of jumping to it', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      clock.setTimer(Infinity, () => undefined);
      clock.setTimer(10, () => undefined);
      await clock.runUntilIdle();
      expect(clock.now()).toBe(10);
      expect(clock.pendingTimers()).toHaveLength(1);
    });
  });

  describe('runUntilSettled', () => {
    it('moves time until the promise resolves, and no further', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const later = new Promise<string>((resolve) => clock.setTimer(5_000, () => resolve('done')));
      clock.setTimer(9_000, () => undefined);
      await expect(clock.runUntilSettled(later)).resolves.toBe('done');
      expect(clock.now()).toBe(5_000);
      expect(clock.pendingTimers()).toHaveLength(1);
    });

    it('rejects as the promise does', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const failing = new Promise<never>((_, reject) =>
        clock.setTimer(10, () => reject(new Error('step failed'))),
      );
      await expect(clock.runUntilSettled(failing)).rejects.toThrow('step failed');
    });

    it('throws when the promise is pending and no timer could settle it', async () => {
      const clock = new VirtualClock();
      await expect(clock.runUntilSettled(new Promise(() => undefined))).rejects.toThrow(
        /still pending at 2025-01-01T00:00:00.000Z and no timer is armed/,
      );
    });

    it('gives up after maxTimers', async () => {
      const clock = new VirtualClock({ startAt: 0 });
      const tick = (): void => void clock.setTimer(1, tick);
      tick();
      await expect(clock.runUntilSettled(new Promise(() => undefined), { maxTimers: 10 })).rejects.toThrow(
        /fired 10 timers and the promise is still pending/,
      );
    });
  });
});
