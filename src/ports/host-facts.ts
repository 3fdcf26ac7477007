// The host-facts port: what the planner and the `command` step learn about the machine before
// and while a mission runs — the platform, which programs are on PATH, how big the trees a step
// reads are, and which files a chunked step covers. Gathered by the effectful side, consumed as data.
import type { FileFilter } from '../plan/file-filter.js';

/** The size of what a step reads, as `measure` found it. */
export interface Measurement {
  /** Bytes of the regular files that passed the filter (apparent sizes, like `du -b`). */
  readonly bytes: number;
  /** Regular files that passed the filter. */
  readonly files: number;
  /** Directories entered. */
  readonly directories: number;
  /**
   * `true` when the whole tree was walked. `false` when the time budget ran out first: `bytes`,
   * `files` and `directories` are then extrapolated from what was walked (see `walked`).
   */
  readonly complete: boolean;
  /** What was really walked before the budget ran out (only when `complete` is false). */
  readonly walked?: {
    readonly bytes: number;
    readonly files: number;
    readonly directories: number;
    /** Directories known to exist but not entered when the walk stopped. */
    readonly pending_directories: number;
  };
  /** Wall time the measurement took. */
  readonly elapsed_ms: number;
  /** Paths that did not exist (they count for nothing). */
  readonly missing: ReadonlyArray<string>;
  /** How it was measured, for the explanation: `find`, `node` (a directory walk) or `given` (a test's fake). */
  readonly method: string;
}

/** Options of `HostFacts.measure`. */
export interface MeasureOptions {
  /** The directory relative paths start from (absolute). */
  readonly cwd: string;
  /** What the command skips (`--include`, `--exclude-dir`, `-name`…): skipped files are not counted. */
  readonly filter: FileFilter;
  /** Stop walking after this long and extrapolate. */
  readonly budget_ms: number;
}

/** Options of `HostFacts.listFiles`. */
export interface ListFilesOptions {
  /** The directory relative paths start from (absolute). */
  readonly cwd: string;
  readonly filter: FileFilter;
  /** Stops the listing early; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The regular files under a set of paths. */
export interface ListedFiles {
  /**
   * Each file as the command would name it: the path as given joined with the path below it
   * (`.` + `src/a.go` → `./src/a.go`, like `find` and `grep -r` print), in sorted order.
   */
  readonly files: ReadonlyArray<string>;
  /** Paths that did not exist. */
  readonly missing: ReadonlyArray<string>;
}

/** What the runtime asks the host about itself. Implementations: the Node one and the test kit's fake. */
export interface HostFacts {
  /** The OS, in Node's names (`linux`, `darwin`, `win32`, `freebsd`…). */
  readonly platform: string;
  /** The architecture, in Node's names (`x64`, `arm64`…), for `if:` conditions' `platform.arch`. */
  readonly arch?: string;
  /** The file `command` runs as, looked up on `env`'s PATH (and PATHEXT on Windows), or `undefined`. */
  which(command: string, env: Readonly<Record<string, string>>, cwd: string): Promise<string | undefined>;
  /** Size and file count of `paths` (files, or directories walked recursively without following symlinks). */
  measure(paths: ReadonlyArray<string>, options: MeasureOptions): Promise<Measurement>;
  /** The regular files under `paths` that pass the filter; a file path stands for itself. */
  listFiles(paths: ReadonlyArray<string>, options: ListFilesOptions): Promise<ListedFiles>;
}
