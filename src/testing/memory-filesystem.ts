// An in-memory FileSystem with POSIX paths, so mission tests that write files touch no disk.
import type { FileInfo, FileSystem } from '../ports/filesystem.js';

const normalize = (path: string): string => {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
};

const fsError = (code: string, message: string): Error =>
  Object.assign(new Error(`${code}: ${message}`), { code });

/** Files and directories in a Map; symlinks are not modelled. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>(['/']);

  /**
   * @example new MemoryFileSystem({ '/mission/input.txt': 'hello' })
   */
  constructor(initial: Readonly<Record<string, string | Uint8Array>> = {}) {
    for (const [path, content] of Object.entries(initial)) this.put(normalize(path), content);
  }

  resolve(base: string, path: string): string {
    return normalize(path.startsWith('/') ? path : `${base}/${path}`);
  }

  relative(from: string, to: string): string {
    const a = normalize(from).split('/').filter(Boolean);
    const b = normalize(to).split('/').filter(Boolean);
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
  }

  dirname(path: string): string {
    const n = normalize(path);
    return n === '/' ? '/' : normalize(n.slice(0, n.lastIndexOf('/')) || '/');
  }

  realpath(path: string): Promise<string | undefined> {
    const n = normalize(path);
    return Promise.resolve(this.files.has(n) || this.dirs.has(n) ? n : undefined);
  }

  stat(path: string): Promise<FileInfo | undefined> {
    const n = normalize(path);
    const file = this.files.get(n);
    if (file !== undefined) return Promise.resolve({ kind: 'file', size: file.length });
    return Promise.resolve(this.dirs.has(n) ? { kind: 'directory', size: 0 } : undefined);
  }

  readFile(path: string): Promise<Uint8Array> {
    const n = normalize(path);
    const file = this.files.get(n);
    if (file !== undefined) return Promise.resolve(file);
    return Promise.reject(
      this.dirs.has(n) ? fsError('EISDIR', `${n} is a directory`) : fsError('ENOENT', `no such file ${n}`),
    );
  }

  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const n = normalize(path);
    if (this.dirs.has(n)) return Promise.reject(fsError('EISDIR', `${n} is a directory`));
    this.put(n, data);
    return Promise.resolve();
  }

  /** A file's text, for assertions; undefined when there is none. */
  text(path: string): string | undefined {
    const file = this.files.get(normalize(path));
    return file === undefined ? undefined : new TextDecoder().decode(file);
  }

  /** Every file path, sorted. */
  list(): ReadonlyArray<string> {
    return [...this.files.keys()].sort();
  }

  private put(path: string, data: string | Uint8Array): void {
    for (let d = this.dirname(path); !this.dirs.has(d); d = this.dirname(d)) this.dirs.add(d);
    this.files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
}
