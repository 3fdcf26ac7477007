// Whether processes are still alive, as the kill tests must prove after every kill. A zombie
// (exited, not yet reaped by a parent that never will) cannot run or fork: it counts as dead.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Whether `pid` names a live (non-zombie) process. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false;
  }
};

/** The live processes (Linux) whose command line contains `tag`, as a test marks the ones it starts. */
export const taggedPids = (tag: string): number[] =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(tag) && isAlive(pid);
      } catch {
        return false;
      }
    });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids still alive after polling until `deadlineMs` (empty when all are gone). */
export const survivors = async (
  pids: Iterable<number>,
  deadlineMs = 2000,
): Promise<ReadonlyArray<number>> => {
  const all = [...new Set(pids)];
  const until = Date.now() + deadlineMs;
  for (;;) {
    const alive = all.filter(isAlive);
    if (alive.length === 0 || Date.now() >= until) return alive;
    await sleep(20);
  }
};

/** Fails the test if any of `pids` is still alive after a short deadline, and kills those. */
export const expectAllGone = async (pids: Iterable<number>, deadlineMs = 2000): Promise<void> => {
  const alive = await survivors(pids, deadlineMs);
  for (const pid of alive) killQuietly(pid);
  expect(alive).toEqual([]);
};

/** SIGKILLs a process a test left behind on purpose (a detached daemon), ignoring "already gone". */
export const killQuietly = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
