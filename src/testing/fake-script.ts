// What a FakeExecutor process does, as plain data: when it prints, when and how it ends, how it
// reacts to signals. Checked when the executor is built (and when a script function returns),
// so a contradictory script fails the test that wrote it with a message, not with a mystery.
import type { OutputStream, SpawnErrorCode, SpawnRequest } from '../ports/executor.js';
import { unreachable } from '../unreachable.js';

/** One chunk a fake process prints, `atMs` milliseconds of virtual time after it was spawned. */
export type FakeOutput = FakeTextOutput | FakeBytesOutput;

/** Printed as UTF-8 (via TextEncoder), exactly as given: end it with `\n` to print a whole line. */
export interface FakeTextOutput {
  /**
   * When it is printed, in virtual ms after spawn. Chunks due at the same time print in array order.
   * @default 0
   * @example { atMs: 1_500, text: 'compiling...\n' }
   */
  readonly atMs?: number;
  /**
   * Which stream it goes to.
   * @default 'stdout'
   * @example { stream: 'stderr', text: 'warning: deprecated\n' }
   */
  readonly stream?: OutputStream;
  /** The text, encoded as UTF-8. */
  readonly text: string;
}

/** Printed as raw bytes, for output that is not valid UTF-8. */
export interface FakeBytesOutput {
  /**
   * When it is printed, in virtual ms after spawn.
   * @default 0
   * @example { atMs: 10, bytes: [0xff, 0xfe, 0x0a] }
   */
  readonly atMs?: number;
  /**
   * Which stream it goes to.
   * @default 'stdout'
   * @example { stream: 'stderr', bytes: [0xc3] }
   */
  readonly stream?: OutputStream;
  /** The bytes; each delivery gets a fresh copy. */
  readonly bytes: ReadonlyArray<number>;
}

/**
 * What a fake process does. Every field is optional: `{}` is a process that exits 0 at once.
 * @example
 * // Prints two lines, then fails after 30 virtual seconds.
 * const build: FakeScript = {
 *   output: [{ atMs: 0, text: 'building\n' }, { atMs: 29_000, stream: 'stderr', text: 'error: no space left\n' }],
 *   exitAfterMs: 30_000,
 *   exitCode: 2,
 * };
 */
export interface FakeScript {
  /**
   * When the process ends on its own, in virtual ms after spawn. Not allowed with `hang`.
   * @default 0
   * @example { exitAfterMs: 60 * 60_000, exitCode: 0 } // a one-hour job
   */
  readonly exitAfterMs?: number;
  /**
   * The exit code it ends with on its own. Not allowed with `signal`.
   * @default 0
   * @example { exitCode: 1 }
   */
  readonly exitCode?: number;
  /**
   * End on its own by this signal instead of with an exit code (a crash).
   * @default undefined (ends with `exitCode`)
   * @example { exitAfterMs: 200, signal: 'SIGSEGV' }
   */
  readonly signal?: string;
  /**
   * What it prints and when. A chunk due after the scripted exit is refused as a contradiction;
   * a chunk due after the process was killed is simply never printed.
   * @default [] (prints nothing)
   * @example { output: [{ atMs: 0, text: 'ready\n' }, { atMs: 5_000, stream: 'stderr', text: 'slow...\n' }] }
   */
  readonly output?: ReadonlyArray<FakeOutput>;
  /**
   * Run until killed, never ending on its own.
   * @default false
   * @example { hang: true, output: [{ text: 'listening on :8080\n' }] }
   */
  readonly hang?: boolean;
  /**
   * Ignore the graceful kill (SIGTERM); only a force kill ends it.
   * @default false
   * @example { hang: true, ignoreGraceful: true }
   */
  readonly ignoreGraceful?: boolean;
  /**
   * How long it takes to end after a graceful kill (a cleanup that takes time); a force kill
   * during that time ends it at once. Not allowed with `ignoreGraceful`.
   * @default 0 (ends at once)
   * @example { hang: true, gracefulExitMs: 2_000 }
   */
  readonly gracefulExitMs?: number;
  /**
   * The exit code it ends with after a graceful kill, for a program that traps SIGTERM and exits
   * cleanly. Without it, a graceful kill ends the process as `signaled SIGTERM`.
   * @default undefined (signaled SIGTERM)
   * @example { hang: true, gracefulExitMs: 500, gracefulExitCode: 0 }
   */
  readonly gracefulExitCode?: number;
  /**
   * Fail to start: `exited` resolves `spawn_failed` with this code and `pid` is undefined.
   * Not allowed with any field that describes a running process.
   * @default undefined (starts)
   * @example { spawnError: 'EACCES' }
   */
  readonly spawnError?: SpawnErrorCode;
  /**
   * The message of a spawn failure.
   * @default a message naming the command, e.g. `command not found: make`
   * @example { spawnError: 'ENOENT', spawnErrorMessage: 'go: not found on PATH' }
   */
  readonly spawnErrorMessage?: string;
  /**
   * The hint of a spawn failure.
   * @default undefined (no hint)
   * @example { spawnError: 'ENOENT', spawnErrorHint: 'is `go` installed?' }
   */
  readonly spawnErrorHint?: string;
}

/** A script, or a function choosing one from the request (for behaviour that depends on args). */
export type FakeScriptSource = FakeScript | ((request: SpawnRequest) => FakeScript);

/** A chunk with its defaults filled in and its bytes encoded. */
export interface ResolvedOutput {
  readonly atMs: number;
  readonly stream: OutputStream;
  readonly bytes: Uint8Array;
}

/** How a running fake process ends on its own. */
export type NaturalEnd =
  | { readonly _tag: 'never' }
  | { readonly _tag: 'exit'; readonly atMs: number; readonly code: number }
  | { readonly _tag: 'signal'; readonly atMs: number; readonly signal: string };

/** How a fake process reacts to a graceful kill. */
export type GracefulReaction =
  | { readonly _tag: 'ignore' }
  | { readonly _tag: 'signal'; readonly afterMs: number }
  | { readonly _tag: 'exit'; readonly afterMs: number; readonly code: number };

/** A checked script: either a spawn failure or a process plan with every default filled in. */
export type ResolvedScript =
  | {
      readonly _tag: 'spawn_error';
      readonly code: SpawnErrorCode;
      readonly message: string | undefined;
      readonly hint: string | undefined;
    }
  | {
      readonly _tag: 'process';
      readonly output: ReadonlyArray<ResolvedOutput>;
      readonly end: NaturalEnd;
      readonly graceful: GracefulReaction;
    };

const isDelay = (n: number): boolean => Number.isFinite(n) && n >= 0;

/** The default message of a scripted spawn failure, in the words a real executor would use. */
export const spawnErrorMessage = (code: SpawnErrorCode, request: SpawnRequest): string => {
  switch (code) {
    case 'ENOENT':
      return `command not found: ${request.command}`;
    case 'EACCES':
      return `permission denied: ${request.command} is not executable`;
    case 'ENOTDIR':
      return `not a directory: a part of the path of ${request.command} or of ${request.cwd} is a file`;
    case 'EISDIR':
      return `is a directory: ${request.command}`;
    case 'CWD_NOT_FOUND':
      return `working directory not found: ${request.cwd}`;
    case 'OTHER':
      return `could not start ${request.command}`;
    default:
      return unreachable(code);
  }
};

/** Checks a script and fills in its defaults; throws a TypeError naming `where` for a contradiction. */
export const resolveScript = (script: FakeScript, where: string): ResolvedScript => {
  const problems: string[] = [];
  const has = (key: keyof FakeScript): boolean => script[key] !== undefined;

  if (script.spawnError !== undefined) {
    const running = (
      [
        'exitAfterMs',
        'exitCode',
        'signal',
        'output',
        'hang',
        'ignoreGraceful',
        'gracefulExitMs',
        'gracefulExitCode',
      ] as const
    ).filter(has);
    if (running.length > 0) {
      problems.push(`spawnError (a process that never starts) cannot be combined with ${running.join(', ')}`);
    }
  } else if (has('spawnErrorMessage') || has('spawnErrorHint')) {
    problems.push('spawnErrorMessage and spawnErrorHint need spawnError (e.g. spawnError: "ENOENT")');
  }
  if (script.hang === true && has('exitAfterMs'))
    problems.push('hang: true (never exits) cannot be combined with exitAfterMs');
  if (has('signal') && has('exitCode')) problems.push('signal and exitCode are two ways to end; give one');
  if (script.ignoreGraceful === true && (has('gracefulExitMs') || has('gracefulExitCode'))) {
    problems.push('ignoreGraceful: true cannot be combined with gracefulExitMs or gracefulExitCode');
  }
  const exitAfterMs = script.exitAfterMs ?? 0;
  if (!isDelay(exitAfterMs)) problems.push(`exitAfterMs must be a finite number ≥ 0, got ${exitAfterMs}`);
  if (script.gracefulExitMs !== undefined && !isDelay(script.gracefulExitMs)) {
    problems.push(`gracefulExitMs must be a finite number ≥ 0, got ${script.gracefulExitMs}`);
  }
  for (const [key, code] of [
    ['exitCode', script.exitCode],
    ['gracefulExitCode', script.gracefulExitCode],
  ] as const) {
    // Not limited to 0-255: Windows exit codes are 32-bit (0xC0000005 for an access violation).
    if (code !== undefined && !Number.isInteger(code)) {
      problems.push(`${key} must be an integer, got ${code}`);
    }
  }
  const endsAt = script.hang === true ? Infinity : exitAfterMs;
  const output = (script.output ?? []).map((chunk, i): ResolvedOutput => {
    const atMs = chunk.atMs ?? 0;
    if (!isDelay(atMs)) problems.push(`output[${i}].atMs must be a finite number ≥ 0, got ${atMs}`);
    if (atMs > endsAt) {
      problems.push(
        `output[${i}] is printed at ${atMs} ms, after the process exits at ${endsAt} ms; raise exitAfterMs or use hang: true`,
      );
    }
    const bytes = 'text' in chunk ? new TextEncoder().encode(chunk.text) : Uint8Array.from(chunk.bytes);
    return { atMs, stream: chunk.stream ?? 'stdout', bytes };
  });

  if (problems.length > 0) {
    throw new TypeError(
      `FakeExecutor: the script for ${where} is contradictory:\n- ${problems.join('\n- ')}`,
    );
  }
  if (script.spawnError !== undefined) {
    return {
      _tag: 'spawn_error',
      code: script.spawnError,
      message: script.spawnErrorMessage,
      hint: script.spawnErrorHint,
    };
  }
  const end: NaturalEnd =
    script.hang === true
      ? { _tag: 'never' }
      : script.signal !== undefined
        ? { _tag: 'signal', atMs: exitAfterMs, signal: script.signal }
        : { _tag: 'exit', atMs: exitAfterMs, code: script.exitCode ?? 0 };
  const afterMs = script.gracefulExitMs ?? 0;
  const graceful: GracefulReaction =
    script.ignoreGraceful === true
      ? { _tag: 'ignore' }
      : script.gracefulExitCode !== undefined
        ? { _tag: 'exit', afterMs, code: script.gracefulExitCode }
        : { _tag: 'signal', afterMs };
  return { _tag: 'process', output, end, graceful };
};
