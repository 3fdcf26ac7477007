// The executor port: starts one process and reports what became of it. Kept minimal (rule 6):
// output capture, line splitting and the kill ladder's timing live in the core, so the Node
// executor and the FakeExecutor differ only in what they cannot share.

/** Which stream a chunk of output came from. */
export type OutputStream = 'stdout' | 'stderr';

/** What to start. The environment is complete: the runtime has already merged it. */
export interface SpawnRequest {
  /** The program; resolved on `PATH` from `env` unless it contains a path separator. */
  readonly command: string;
  /** Passed as they are, one argv element each; never interpreted by a shell unless `shell` is set. */
  readonly args: ReadonlyArray<string>;
  /** An absolute directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** `false`: no shell. `true`: the platform's shell (`/bin/sh`, `cmd.exe`). A string: that shell. */
  readonly shell: boolean | string;
  /** Leave descendants running after the process itself exits normally. */
  readonly detach: boolean;
  /** How long descendants left behind after a normal exit get between SIGTERM and SIGKILL. */
  readonly killGraceMs: number;
  /** Receives raw output as it arrives; bytes are not decoded here. */
  readonly onOutput: (stream: OutputStream, chunk: Uint8Array) => void;
  /** The step this process belongs to (the FakeExecutor chooses its script by it). */
  readonly stepId?: string;
}

/** Why a process could not be started. */
export type SpawnErrorCode = 'ENOENT' | 'EACCES' | 'ENOTDIR' | 'EISDIR' | 'CWD_NOT_FOUND' | 'OTHER';

/**
 * Set on an exit whose output could not be read to its end: says which stream and why. The step
 * then never reports a plain `succeeded` (the runtime turns this into a warning).
 */
export interface OutputIncomplete {
  readonly output_incomplete?: string;
}

/** How a process ended. Never an exception: expected failures are values (rule 4). */
export type ProcessExit =
  | ({ readonly _tag: 'exited'; readonly code: number } & OutputIncomplete)
  | ({ readonly _tag: 'signaled'; readonly signal: string } & OutputIncomplete)
  | {
      readonly _tag: 'spawn_failed';
      readonly code: SpawnErrorCode;
      readonly message: string;
      readonly hint?: string;
    };

/**
 * How a started process and everything it starts are held together, so that all of it can be
 * found and killed: `cgroup-v2` and `cgroup-v1` (Linux control groups: nothing inside can leave),
 * `process-group` (the POSIX process group plus an inherited environment marker: a daemon that
 * changes its session and clears or overwrites its environment can escape it) or `taskkill`
 * (Windows: the tree as `taskkill /T` sees it while its root runs). See docs/processes.md.
 */
export type ContainmentKind = 'cgroup-v2' | 'cgroup-v1' | 'process-group' | 'taskkill';

/** A started process. */
export interface SpawnedProcess {
  /** The OS process id, when the process started. */
  readonly pid: number | undefined;
  /** How its tree is contained (absent where the executor has no such notion, as in the FakeExecutor). */
  readonly containment?: ContainmentKind;
  /**
   * Settles once the process has exited, all its output has been delivered to `onOutput`, and
   * (unless `detach`) no descendant is left. Never rejects.
   */
  readonly exited: Promise<ProcessExit>;
  /**
   * Signals the whole process tree: `graceful` sends SIGTERM (or the platform's equivalent),
   * `force` sends SIGKILL and sweeps until no descendant is left. Safe to call after exit.
   */
  kill(mode: 'graceful' | 'force'): void;
}

/** Starts processes. Implementations: `NodeExecutor` (real) and `FakeExecutor` (scripted, virtual time). */
export interface Executor {
  spawn(request: SpawnRequest): SpawnedProcess;
}
