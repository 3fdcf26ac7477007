// Why a process could not be started, said so a user can fix it. The OS gives one errno for
// several causes (ENOENT for a missing command, a missing #! interpreter or a missing working
// directory; EACCES for a file without the x bit or a directory), so after a failure we look
// at the file system to tell them apart. Only after a failure: the spawn path stays cheap.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathSummary } from '../plan/path-summary.js';
import type { ProcessExit, SpawnErrorCode } from '../ports/executor.js';
import type { HostPlatform } from './platform.js';
import { hasPathSeparator, pathDelimiter, searchPath, windowsCommandCandidates } from './platform.js';

/** The spawn failure outcome. */
export type SpawnFailure = Extract<ProcessExit, { readonly _tag: 'spawn_failed' }>;

/** A file the command could have meant. */
export interface FoundFile {
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'other';
  readonly executable: boolean;
  /** The program named on its `#!` line, when that program does not exist. */
  readonly missingInterpreter?: string;
}

/** What is known about a failed spawn. */
export interface SpawnFacts {
  readonly platform: HostPlatform;
  /** Node's error code (`ENOENT`, `EACCES`...), if it gave one. */
  readonly errno: string | undefined;
  /** Node's message, for the causes we have no better words for. */
  readonly detail: string;
  /** The program that was started: the command, or the shell when one was asked for. */
  readonly program: string;
  readonly cwd: string;
  readonly pathEntries: ReadonlyArray<string>;
  /** The first existing file among the places the program was looked for. */
  readonly found: FoundFile | undefined;
}

const failure = (code: SpawnErrorCode, message: string, hint?: string): SpawnFailure =>
  hint === undefined
    ? { _tag: 'spawn_failed', code, message }
    : { _tag: 'spawn_failed', code, message, hint };

/** The outcome for a working directory that cannot be entered, or undefined when it is fine. */
export const checkWorkingDirectory = (cwd: string): SpawnFailure | undefined => {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cwd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return failure(
        'CWD_NOT_FOUND',
        `the working directory ${cwd} does not exist`,
        "create it in an earlier step, or fix the step's `working_dir` (relative to the mission's working directory)",
      );
    if (code === 'ENOTDIR')
      return failure(
        'ENOTDIR',
        `the working directory ${cwd} is not a directory: a part of its path is a file`,
        "fix the step's `working_dir`",
      );
    return undefined; // Let the spawn itself report it, with the OS's words.
  }
  return stat.isDirectory()
    ? undefined
    : failure(
        'ENOTDIR',
        `the working directory ${cwd} is a file, not a directory`,
        "fix the step's `working_dir`",
      );
};

/** Builds the message for a failed spawn from what was found out about it. */
export const describeSpawnFailure = (facts: SpawnFacts): SpawnFailure => {
  const { program, found } = facts;
  const byPath = !hasPathSeparator(facts.platform, program);
  switch (facts.errno) {
    case 'ENOENT': {
      if (found !== undefined && found.kind === 'file' && found.missingInterpreter !== undefined)
        return failure(
          'ENOENT',
          `\`${program}\` (${found.path}) exists, but the interpreter on its #! line, \`${found.missingInterpreter}\`, was not found`,
          `install \`${found.missingInterpreter}\` or fix the first line of ${found.path}`,
        );
      if (found !== undefined && found.kind === 'file' && found.executable)
        return failure(
          'ENOENT',
          `\`${program}\` (${found.path}) exists but could not be executed: its interpreter or dynamic loader is missing`,
          'check that the program was built for this system',
        );
      if (!byPath)
        return failure(
          'ENOENT',
          `\`${program}\` was not found (looked for ${path.resolve(facts.cwd, program)})`,
          `check the path; a relative command is resolved from the working directory ${facts.cwd}`,
        );
      const searched =
        facts.pathEntries.length === 0
          ? "PATH is empty in the step's environment"
          : `PATH searched: ${pathSummary(facts.pathEntries, pathDelimiter(facts.platform))}`;
      return failure(
        'ENOENT',
        `command \`${program}\` not found (${searched})`,
        `is \`${program}\` installed? Install it, give its full path, or add its directory to PATH in the step's \`env\``,
      );
    }
    case 'EACCES':
    case 'EISDIR':
      if (found?.kind === 'directory')
        return failure(
          'EISDIR',
          `\`${program}\` is a directory (${found.path}), not a program`,
          'name the program inside it',
        );
      if (found !== undefined && !found.executable)
        return failure(
          'EACCES',
          `\`${program}\` (${found.path}) is not executable`,
          `make it executable (\`chmod +x ${found.path}\`) or run it through its interpreter, e.g. \`command: sh\` with \`args: [${found.path}]\``,
        );
      return failure(
        'EACCES',
        `permission denied starting \`${program}\` in ${facts.cwd}`,
        'check the permissions of the program, of the directories on its path and of the working directory',
      );
    case 'ENOTDIR':
      return failure(
        'ENOTDIR',
        `\`${program}\` cannot be reached: a part of its path is a file, not a directory`,
        'check the path of the command',
      );
    case 'E2BIG':
      return failure(
        'OTHER',
        `could not start \`${program}\`: the arguments and environment are too long`,
        'pass long input in a file',
      );
    case 'EAGAIN':
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOMEM':
      return failure(
        'OTHER',
        `could not start \`${program}\`: the system is out of processes, memory or file descriptors (${facts.errno})`,
        'lower `max_parallel_steps` or raise the limits (`ulimit -u`, `ulimit -n`)',
      );
    default:
      return failure('OTHER', `could not start \`${program}\`: ${facts.detail}`);
  }
};

// The program on a script's #! line when it does not exist (the usual hidden cause of ENOENT for
// a script that plainly exists). `#!/usr/bin/env prog` starts fine: env reports a missing prog.
export const missingInterpreterOf = (file: string): string | undefined => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(256);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const line = head.toString('latin1', 0, n).split('\n')[0] ?? '';
    if (!line.startsWith('#!')) return undefined;
    const interpreter = line.slice(2).trim().split(/\s+/)[0] ?? '';
    return interpreter !== '' && !fs.existsSync(interpreter) ? interpreter : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const inspect = (file: string): FoundFile | undefined => {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const kind = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  let executable = false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    executable = kind === 'file';
  } catch {
    executable = false;
  }
  const missing = kind === 'file' ? missingInterpreterOf(file) : undefined;
  return missing === undefined
    ? { path: file, kind, executable }
    : { path: file, kind, executable, missingInterpreter: missing };
};

/** The places a program is looked for, in order. */
export const programCandidates = (
  platform: HostPlatform,
  program: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): ReadonlyArray<string> => {
  if (platform === 'win32') return windowsCommandCandidates(program, cwd, env);
  if (hasPathSeparator(platform, program)) return [path.resolve(cwd, program)];
  return searchPath(platform, env).map((dir) => path.resolve(cwd, dir, program));
};

/** Looks at the file system to explain a spawn error (called only after a failure). */
export const explainSpawnError = (
  platform: HostPlatform,
  error: unknown,
  program: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): SpawnFailure => {
  const err = error as NodeJS.ErrnoException | undefined;
  const candidates = programCandidates(platform, program, cwd, env);
  const dirs = searchPath(platform, env);
  const seen = candidates.map(inspect).filter((f): f is FoundFile => f !== undefined);
  // execvp skips directories and non-executables and goes on; report the best explanation.
  const found =
    seen.find((f) => f.kind === 'file' && f.executable) ?? seen.find((f) => f.kind === 'file') ?? seen[0];
  const cwdProblem = checkWorkingDirectory(cwd);
  if (cwdProblem !== undefined) return cwdProblem;
  return describeSpawnFailure({
    platform,
    errno: err?.code,
    detail: err?.message ?? String(error),
    program,
    cwd,
    pathEntries: dirs,
    found,
  });
};
