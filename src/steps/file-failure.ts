// A failed file operation as a step outcome: the system error named in plain words, with what to
// do about the usual causes, instead of a bare `ENOENT`.
import { NOT_A_FILE, PATH_CHANGED } from '../ports/filesystem.js';
import type { StepOutcome } from '../ports/step-type.js';

const HINTS: Readonly<Record<string, string>> = {
  ENOENT:
    'check the path (relative paths start at the working directory); if an earlier step creates it, add that step to `depends_on`',
  EACCES: 'the file or its directory is not accessible to this user: check its permissions',
  EPERM:
    'the operating system refused the operation: check permissions (on Windows, whether another program holds the file open)',
  ENOSPC: 'the disk is full: free space and run the mission again',
  EROFS: 'the file system is read-only',
  EISDIR: 'the path is a directory, not a file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENOTEMPTY: 'the directory is not empty: set `recursive: true` to delete it with everything in it',
  EBUSY: 'the file is in use by another program',
  EMFILE: 'too many files are open: lower `max_parallel_steps`',
  [PATH_CHANGED]:
    'something else (another step, or a process) replaced a directory or the file with a symlink while this step used it; nothing outside the working directory was touched: order such steps with `depends_on`',
  [NOT_A_FILE]: 'only regular files are read (not devices, FIFOs or sockets)',
};

const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'resource busy',
  EEXIST: 'already exists',
  EXDEV: 'on another device',
  [PATH_CHANGED]: 'it changed while in use (a part of the path became a symlink)',
  [NOT_A_FILE]: 'not a regular file',
};

/** The code of a Node-style error, if it has one. */
export const errorCode = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** `could not <action> <path>: <what happened>`, as a failed outcome with a hint. */
export const fileFailure = (action: string, path: string, e: unknown): StepOutcome => {
  const code = errorCode(e);
  const what =
    code !== undefined && WORDS[code] !== undefined
      ? `${WORDS[code]} (${code})`
      : e instanceof Error
        ? e.message
        : String(e);
  const hint = code !== undefined ? HINTS[code] : undefined;
  return {
    status: 'failed',
    failure_kind: 'io_error',
    message: `could not ${action} ${path}: ${what}`,
    ...(hint !== undefined ? { hint } : {}),
  };
};
