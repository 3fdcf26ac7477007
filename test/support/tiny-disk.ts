// A real full disk for the tests that need one: a 64 KiB tmpfs, where this host lets us mount one
// (root on Linux, as in CI). Each caller says what it does where it cannot.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Mounts a 64 KiB tmpfs at `at` (made if missing); false where this host cannot. */
export const mountTinyDisk = (at: string): boolean => {
  if (process.platform !== 'linux') return false;
  try {
    fs.mkdirSync(at, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', at], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Unmounts what `mountTinyDisk` mounted. */
export const unmountTinyDisk = (at: string): void => {
  execFileSync('umount', [at]);
};
