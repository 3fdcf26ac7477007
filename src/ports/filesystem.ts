// The file system port: what file steps and mission loading need, and no more. Conveniences
// (append, move across devices, listing a tree) are derived in the step types from these.

/** What `stat` found at a path. */
export interface FileInfo {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes, for a file; platform-dependent for the other kinds. */
  readonly size: number;
}

/**
 * The code a bounded read rejects with for what is not a regular file and not a directory (a
 * device such as /dev/zero, a FIFO, a socket): reading one could block forever or never end.
 */
export const NOT_A_FILE = 'ENOTFILE';

/**
 * The code a confined operation rejects with when a directory or the file itself turned into a
 * symlink (or another kind of entry) between the confinement check and the operation.
 */
export const PATH_CHANGED = 'ECHANGED';

/** How `readFile` reads. With either option, only a regular file is read (see `maxBytes`). */
export interface ReadOptions {
  /**
   * Reads only a regular file — a directory rejects with `EISDIR`, anything else (a device, a FIFO,
   * a socket) with `NOT_A_FILE`, without waiting for a writer — and stops after `maxBytes` + 1
   * bytes, so a result longer than `maxBytes` means the file is larger than that.
   * @default no bound: the whole file, of any kind
   */
  readonly maxBytes?: number;
  /**
   * A real directory (symlinks resolved) that `path`, also real, lies in: every component from it
   * down is opened without following symlinks, so one swapped in meanwhile fails the read with
   * `PATH_CHANGED` instead of leading outside. Where the host cannot open components one by one,
   * at least the file itself is opened without following a symlink.
   * @default none: symlinks are followed
   */
  readonly within?: string;
}

/** Where a confined write, copy, rename or removal may act. */
export interface ConfinedOptions {
  /**
   * A real directory that the path (or paths), also real, lie in: directories are created and
   * entered from it one component at a time without following symlinks, so one swapped in
   * meanwhile fails the operation with `PATH_CHANGED` and nothing is created, written or removed
   * outside it.
   * @default none: symlinks in the path are followed
   */
  readonly within?: string;
  /** For a rename or a copy: the real directory the destination lies in. @default `within` */
  readonly destinationWithin?: string;
}

/** Paths are absolute and in the platform's own form; errors are thrown as Node-style errors with `code`. */
export interface FileSystem {
  /** Joins and normalises `path` onto `base` (an absolute `path` stands alone). */
  resolve(base: string, path: string): string;
  /** The path from `from` to `to`, as the platform writes it (`..` segments when `to` is outside). */
  relative(from: string, to: string): string;
  /** The directory part of a path. */
  dirname(path: string): string;
  /** The path with every symlink resolved, or `undefined` when nothing is there. */
  realpath(path: string): Promise<string | undefined>;
  /** Information about the entry itself (a symlink is not followed), or `undefined`. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** A file's bytes; see `ReadOptions` for a bounded read of a regular file only. */
  readFile(path: string, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * Writes to a temporary file beside `path` and renames it over `path`, creating parent
   * directories, so a reader sees the old content or the new, never half of it. An existing
   * file's permissions are kept.
   */
  writeFileAtomic(path: string, data: string | Uint8Array, options?: ConfinedOptions): Promise<void>;
  /** The names in a directory (not `.` or `..`), in no particular order. `ENOTDIR`/`ENOENT` otherwise. */
  readDirectory(path: string): Promise<ReadonlyArray<string>>;
  /**
   * Removes a file or a symlink (never what it points to); a directory only when `recursive`,
   * with everything in it. `ENOENT` when nothing is there.
   */
  remove(path: string, options: { readonly recursive: boolean } & ConfinedOptions): Promise<void>;
  /**
   * Renames a file, symlink or directory in one step, creating the destination's parent
   * directories and replacing a file already there. `EXDEV` when the two are on different devices.
   */
  rename(from: string, to: string, options?: ConfinedOptions): Promise<void>;
  /**
   * Copies a file's bytes (following symlinks) to `to` through a temporary file beside it and a
   * rename, like `writeFileAtomic`, so `to` is never left half-written.
   */
  copyFileAtomic(from: string, to: string, options?: ConfinedOptions): Promise<void>;
}
