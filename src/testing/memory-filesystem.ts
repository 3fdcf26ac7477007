// An in-memory FileSystem with POSIX paths, so mission tests that write files touch no disk.
import type { FileInfo, FileSystem, ReadOptions } from '../ports/filesystem.js';

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

  readFile(path: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const n = normalize(path);
    const file = this.files.get(n);
    if (file !== undefined)
      return Promise.resolve(
        options.maxBytes !== undefined && file.length > options.maxBytes + 1
          ? file.subarray(0, options.maxBytes + 1)
          : file,
      );
    return Promise.reject(
      this.dirs.has(n) ? fsError('EISDIR', `${n} is a directory`) : fsError('ENOENT', `no such file ${n}`),
    );
  }

  writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const n = normalize(path);
    if (this.dirs.has(n)) return Promise.reject(fsError('EISDIR', `${n} is a directory`));
    const blocked = this.fileAncestor(n);
    if (blocked !== undefined)
      return Promise.reject(fsError('ENOTDIR', `${blocked} is a file, not a directory`));
    this.put(n, data);
    return Promise.resolve();
  }

  readDirectory(path: string): Promise<ReadonlyArray<string>> {
    const n = normalize(path);
    if (this.files.has(n)) return Promise.reject(fsError('ENOTDIR', `${n} is a file, not a directory`));
    if (!this.dirs.has(n)) return Promise.reject(fsError('ENOENT', `no such directory ${n}`));
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== n && this.dirname(p) === n) names.add(p.slice(p.lastIndexOf('/') + 1));
    }
    return Promise.resolve([...names]);
  }

  remove(path: string, options: { readonly recursive: boolean }): Promise<void> {
    const n = normalize(path);
    if (this.files.delete(n)) return Promise.resolve();
    if (!this.dirs.has(n)) return Promise.reject(fsError('ENOENT', `no such file or directory ${n}`));
    if (n === '/') return Promise.reject(fsError('EBUSY', 'cannot remove the root directory'));
    const inside = (p: string): boolean => p.startsWith(`${n}/`);
    const children = [...this.files.keys(), ...this.dirs].filter(inside);
    if (children.length > 0 && !options.recursive)
      return Promise.reject(fsError('ENOTEMPTY', `directory not empty ${n}`));
    for (const c of children) {
      this.files.delete(c);
      this.dirs.delete(c);
    }
    this.dirs.delete(n);
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    const a = normalize(from);
    const b = normalize(to);
    const file = this.files.get(a);
    if (file !== undefined) {
      if (this.dirs.has(b)) return Promise.reject(fsError('EISDIR', `${b} is a directory`));
      this.files.delete(a);
      this.put(b, file);
      return Promise.resolve();
    }
    if (!this.dirs.has(a)) return Promise.reject(fsError('ENOENT', `no such file or directory ${a}`));
    if (b === a || b.startsWith(`${a}/`))
      return Promise.reject(fsError('EINVAL', `cannot move ${a} into itself`));
    if (this.files.has(b)) return Promise.reject(fsError('ENOTDIR', `${b} is a file, not a directory`));
    const moved = (p: string): string => `${b}${p.slice(a.length)}`;
    for (const [p, data] of [...this.files]) {
      if (p.startsWith(`${a}/`)) {
        this.files.delete(p);
        this.files.set(moved(p), data);
      }
    }
    for (const d of [...this.dirs]) {
      if (d === a || d.startsWith(`${a}/`)) {
        this.dirs.delete(d);
        this.dirs.add(moved(d));
      }
    }
    for (let d = this.dirname(b); !this.dirs.has(d); d = this.dirname(d)) this.dirs.add(d);
    return Promise.resolve();
  }

  copyFileAtomic(from: string, to: string): Promise<void> {
    const a = normalize(from);
    const file = this.files.get(a);
    if (file === undefined)
      return Promise.reject(
        this.dirs.has(a) ? fsError('EISDIR', `${a} is a directory`) : fsError('ENOENT', `no such file ${a}`),
      );
    return this.writeFileAtomic(to, file.slice());
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

  /** The nearest ancestor of `path` that is a file, which would make writing `path` fail. */
  private fileAncestor(path: string): string | undefined {
    for (let d = this.dirname(path); d !== '/'; d = this.dirname(d)) if (this.files.has(d)) return d;
    return undefined;
  }

  private put(path: string, data: string | Uint8Array): void {
    for (let d = this.dirname(path); !this.dirs.has(d); d = this.dirname(d)) this.dirs.add(d);
    this.files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
}
