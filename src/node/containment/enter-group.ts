// Starting a program inside a control group with no moment outside it. Node cannot start a child
// stopped or inside a group (clone3's CLONE_INTO_CGROUP needs native code), and moving the child
// after spawn() returns is too late: it may already have forked. So the child is first a tiny
// POSIX shell that writes its own pid into the group's `cgroup.procs` files and then execs the
// program in its place (same pid, same pipes, same environment). Whatever the program forks,
// it forks from inside.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasPathSeparator, searchPath } from '../platform.js';
import { missingInterpreterOf } from '../spawn-failure.js';
import { groupName, removeGroup } from './cgroup-files.js';

/** The shell the wrapper runs in: POSIX requires one here. */
export const WRAPPER_SHELL = '/bin/sh';

// $1.. are the cgroup.procs files up to `--`, then the program and its arguments. A write the
// kernel refuses stops the start (exit 125) rather than run the program uncontained.
const ENTER =
  'while [ "$1" != -- ]; do echo $$ >"$1" || { echo "missionkit: cannot enter the control group $1" >&2; exit 125; }; shift; done; shift; exec "$@"';

/** The command line that starts `file` with `args` inside the groups of `procsFiles`. */
export const enterGroup = (
  procsFiles: ReadonlyArray<string>,
  file: string,
  args: ReadonlyArray<string>,
): { readonly file: string; readonly args: ReadonlyArray<string> } => ({
  file: WRAPPER_SHELL,
  args: ['-c', ENTER, 'missionkit-enter', ...procsFiles, '--', file, ...args],
});

const executable = (file: string): boolean => {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return missingInterpreterOf(file) === undefined;
  } catch {
    return false;
  }
};

/**
 * Whether `file` would start (found, a file, executable, its #! interpreter there), looked up as the executor does. When it
 * would not, the program is started without the wrapper, so Node reports the failure as it
 * always did (spawn-failure.ts explains it) instead of the wrapper's shell printing it.
 */
export const runnable = (file: string, env: Readonly<Record<string, string>>, cwd: string): boolean => {
  if (file === '') return false;
  if (hasPathSeparator('linux', file)) return executable(path.resolve(cwd, file));
  return searchPath('linux', env).some((dir) => executable(path.join(path.resolve(cwd, dir), file)));
};

/** Whether a process started inside a new group under each of `bases` can write itself into them. */
export const canEnter = (bases: ReadonlyArray<string>): boolean => {
  const name = groupName('probe');
  const made: string[] = [];
  try {
    for (const base of bases) {
      const dir = path.join(base, name);
      fs.mkdirSync(dir);
      made.push(dir);
    }
    const how = enterGroup(
      made.map((dir) => path.join(dir, 'cgroup.procs')),
      '/bin/sh',
      ['-c', 'exit 0'],
    );
    const run = spawnSync(how.file, how.args, { stdio: 'ignore', timeout: 5000 });
    return run.status === 0;
  } catch {
    return false;
  } finally {
    for (const dir of made) removeGroup(dir);
  }
};
