// The pid counter followed between spawns, exits and samples: what lets a scan after an exit read
// only the pids handed out since its tree started (pid-clock.ts).
import { execFileSync } from 'node:child_process';
import {
  handedOutBetween,
  pidMark,
  pidsHandedOut,
  rootExited,
  rootStart,
  rootStarted,
} from '../../src/node/pid-clock.js';

describe('pid clock (Linux)', () => {
  it('counts the pids handed out between two readings, going round the pid space once at most', () => {
    expect(pidsHandedOut(100, 150, 32768)).toBe(50);
    expect(pidsHandedOut(32000, 300, 32768)).toBe(1068);
    const before = pidMark()!;
    for (let i = 0; i < 3; i++) execFileSync('true');
    const after = pidMark()!;
    expect(handedOutBetween(before, after)).toBeGreaterThanOrEqual(3);
  });

  it('refuses to count across readings of different epochs (too far apart to know whether it went round)', () => {
    const now = pidMark()!;
    expect(handedOutBetween({ ...now, epoch: now.epoch - 1 }, now)).toBeUndefined();
  });

  it('remembers a root until it exits, so a later process given its pid is never taken for it', () => {
    rootStarted(999_999);
    expect(rootStart(999_999)?.mark).toBeDefined();
    rootExited(999_999);
    expect(rootStart(999_999)).toBeUndefined();
  });
});
