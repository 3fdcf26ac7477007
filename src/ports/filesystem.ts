// The file system port: what file steps and mission loading need, and no more.

/** What `stat` found at a path. */
export interface FileInfo {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
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
  /** Writes to a temporary file beside `path` and renames it, creating parent directories. */
  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>;
}
