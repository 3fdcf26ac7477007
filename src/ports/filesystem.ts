// The file system port: what file steps and mission loading need, and no more. Conveniences
// (append, move across devices, listing a tree) are derived in the step types from these.

/** What `stat` found at a path. */
export interface FileInfo {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes, for a file; platform-dependent for the other kinds. */
  readonly size: number;
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
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Writes to a temporary file beside `path` and renames it over `path`, creating parent
   * directories, so a reader sees the old content or the new, never half of it. An existing
   * file's permissions are kept.
   */
  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>;
  /** The names in a directory (not `.` or `..`), in no particular order. `ENOTDIR`/`ENOENT` otherwise. */
  readDirectory(path: string): Promise<ReadonlyArray<string>>;
  /**
   * Removes a file or a symlink (never what it points to); a directory only when `recursive`,
   * with everything in it. `ENOENT` when nothing is there.
   */
  remove(path: string, options: { readonly recursive: boolean }): Promise<void>;
  /**
   * Renames a file, symlink or directory in one step, creating the destination's parent
   * directories and replacing a file already there. `EXDEV` when the two are on different devices.
   */
  rename(from: string, to: string): Promise<void>;
  /**
   * Copies a file's bytes (following symlinks) to `to` through a temporary file beside it and a
   * rename, like `writeFileAtomic`, so `to` is never left half-written.
   */
  copyFileAtomic(from: string, to: string): Promise<void>;
}
