import { TimerQueue } from '../../src/runtime/timer-queue.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const setup = () => {
  const clock = new VirtualClock();
  const fired: Array<{ id: number; at: number }> = [];
  const start = clock.now();
  const timers = new TimerQueue(clock, (id) => fired.push({ id, at: clock.now() - start }));
  return { clock, timers, fired };
};

describe('TimerQueue', () => {
  it('fires timers in due order, ties in the order they were armed', async () => {
    const { clock, timers, fired } = setup();
    timers.arm(1, 300);
    timers.arm(2, 100);
    timers.arm(3, 200);
    timers.arm(4, 100);
    await clock.advance(1000);
    expect(fired).toEqual([
      { id: 2, at: 100 },
      { id: 4, at: 100 },
      { id: 3, at: 200 },
      { id: 1, at: 300 },
    ]);
    expect(timers.pending).toBe(0);
  });

  it('never fires a cancelled timer, whether it was just armed or already ordered', async () => {
    const { clock, timers, fired } = setup();
    timers.arm(1, 100);
    timers.arm(2, 500);
    timers.cancel(1);
    await clock.advance(200); // 2 is ordered now
    timers.cancel(2);
    timers.arm(3, 100);
    await clock.advance(1000);
    expect(fired).toEqual([{ id: 3, at: 300 }]);
  });

  it('brings the clock timer forward for a timer due sooner than the one it waits for', async () => {
    const { clock, timers, fired } = setup();
    timers.arm(1, 10_000);
    await clock.advance(100);
    timers.arm(2, 50);
    await clock.advance(100);
    expect(fired).toEqual([{ id: 2, at: 150 }]);
  });

  it('counts a delay from the time it is given: a deadline the scheduler set at its event falls due then', async () => {
    const { clock, timers, fired } = setup();
    await clock.advance(100);
    // Armed at 100 for a deadline the scheduler computed at 40 as 40 + 100.
    timers.arm(1, 100, clock.now() - 60);
    timers.arm(2, 100);
    await clock.advance(1000);
    expect(fired).toEqual([
      { id: 1, at: 140 },
      { id: 2, at: 200 },
    ]);
  });

  it('re-arming an id replaces its timer', async () => {
    const { clock, timers, fired } = setup();
    timers.arm(7, 100);
    timers.arm(7, 300);
    await clock.advance(1000);
    expect(fired).toEqual([{ id: 7, at: 300 }]);
  });

  it('keeps memory bounded when nearly every timer is cancelled before it is due', async () => {
    const { clock, timers, fired } = setup();
    // A long mission of quick steps: each arms a watch one second out and cancels it at once.
    for (let i = 1; i <= 100_000; i++) {
      timers.arm(i, 1000);
      timers.cancel(i);
      if (i % 10_000 === 0) expect(timers.pending).toBe(0);
    }
    timers.arm(0, 1000);
    const internal = timers as unknown as { entries: Map<number, unknown>; young: unknown[] };
    expect(internal.entries.size).toBeLessThanOrEqual(2 * 1024 + 1);
    expect(internal.young.length).toBeLessThanOrEqual(2 * 1024 + 1);
    await clock.advance(2000);
    expect(fired).toEqual([{ id: 0, at: 1000 }]);
  });

  it('clear cancels everything', async () => {
    const { clock, timers, fired } = setup();
    timers.arm(1, 100);
    timers.arm(2, 200);
    timers.clear();
    await clock.advance(1000);
    expect(fired).toEqual([]);
    expect(clock.pendingTimers()).toEqual([]);
  });

  it('a timer armed while others fire is ordered with the rest', async () => {
    const { clock, fired } = setup();
    const start = clock.now();
    const chained: TimerQueue = new TimerQueue(clock, (id) => {
      fired.push({ id, at: clock.now() - start });
      if (id === 1) chained.arm(3, 0);
    });
    chained.arm(1, 100);
    chained.arm(2, 100);
    await clock.advance(1000);
    expect(fired.map((f) => f.id)).toEqual([1, 2, 3]);
  });
});
