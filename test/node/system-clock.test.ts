// The real clock: epoch milliseconds that agree with the wall clock when the process starts, never
// go back, and advance with real time.
import { systemClock } from '../../src/node/system-clock.js';

describe('systemClock', () => {
  it('reads epoch milliseconds, in step with the wall clock', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
  });

  it('never goes back between reads, and keeps fractions of a millisecond', () => {
    let last = systemClock.now();
    let fractional = false;
    for (let i = 0; i < 10_000; i++) {
      const now = systemClock.now();
      expect(now).toBeGreaterThanOrEqual(last);
      if (!Number.isInteger(now)) fractional = true;
      last = now;
    }
    expect(fractional).toBe(true);
  });

  it('advances with real time, and its timers fire after their delay', async () => {
    const before = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimer(30, resolve));
    expect(systemClock.now() - before).toBeGreaterThanOrEqual(29);
  });

  it('a cancelled timer never fires', async () => {
    let fired = false;
    systemClock.setTimer(5, () => (fired = true)).cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(false);
  });
});
