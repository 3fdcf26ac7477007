// The real file system port.
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import {
  NOT_A_FILE,
  type ConfinedOptions,
  type FileInfo,
  type FileSystem,
  type ReadOptions,
} from '../ports/filesystem.js';
import { makeDirectory } from './make-directory.js';
import { holdDirectory, pathChanged, type HeldDirectory } from './held-directory.js';

const missing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** A name beside `p` that no other writer picks: hidden, and random so concurrent writers never collide. */
const temporaryBeside = (p: string): string =>
  path.join(path.dirname(p), `.${path.basename(p)}.${randomBytes(6).toString('hex')}.tmp`);

/** The permission bits of the file at `p`, when there is one, so replacing a script keeps it executable. */
const modeOf = async (p: string): Promise<number | undefined> => {
  try {
    const s = await fs.stat(p);
    return s.isFile() ? s.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
};

/** Fills a temporary file with `fill`, then renames it over `p`; on any failure the temporary file is removed. */
const replaceAtomically = async (p: string, fill: (tmp: string) => Promise<void>): Promise<void> => {
  await makeDirectory(path.dirname(p));
  const tmp = temporaryBeside(p);
  try {
    await fill(tmp);
    const mode = await modeOf(p);
    if (mode !== undefined) await fs.chmod(tmp, mode);
    await fs.rename(tmp, p);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
};

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

const kindOf = (s: import('node:fs').Stats): string =>
  s.isCharacterDevice()
    ? 'a character device'
    : s.isBlockDevice()
      ? 'a block device'
      : s.isFIFO()
        ? 'a FIFO (named pipe)'
        : s.isSocket()
          ? 'a socket'
          : 'not a regular file';

const errorWith = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** Throws unless what `p` opened as is a regular file (a directory, a FIFO, a device are refused). */
const requireRegular = (p: string, s: import('node:fs').Stats): void => {
  if (s.isDirectory()) throw errorWith('EISDIR', `${p} is a directory`);
  if (!s.isFile()) throw errorWith(NOT_A_FILE, `${p} is ${kindOf(s)}, not a regular file`);
};

/** Up to `limit` bytes of an open file, read in pieces, so a file that never ends costs only `limit`. */
const readUpTo = async (fh: FileHandle, limit: number, sizeHint: number): Promise<Uint8Array> => {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const buf = Buffer.allocUnsafe(Math.min(limit - total, Math.max(64 * 1024, sizeHint + 1 - total)));
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
};

/** A file this small (a mission file, nearly always) is read with synchronous calls (`readSmall`). */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * A small regular file's bytes (at most `limit`), read with synchronous calls: a few microseconds
 * of the event loop instead of four round trips through libuv's thread pool, whose first use
 * starts its threads (~1–3 ms of a command's start). Undefined when the file is larger than
 * `SMALL_FILE_BYTES` or not the size it said (growing, or a /proc file that says 0): the caller
 * reads it asynchronously instead. Checked on the open descriptor, as `readRegular` does.
 */
const readSmall = (p: string, limit: number): Uint8Array | undefined => {
  const fd = openSync(p, constants.O_RDONLY | O_NONBLOCK);
  try {
    const s = fstatSync(fd);
    requireRegular(p, s);
    if (s.size > SMALL_FILE_BYTES) return undefined;
    // One byte past its size: reading that byte means the file is not the size it said.
    const want = Math.min(limit, s.size + 1);
    const buf = Buffer.allocUnsafe(want);
    let total = 0;
    while (total < want) {
      const n = readSync(fd, buf, total, want - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total === want && want !== limit) return undefined;
    return buf.subarray(0, total);
  } finally {
    closeSync(fd);
  }
};

/**
 * A regular file's bytes, at most `maxBytes` + 1 of them. Opened without blocking (a FIFO with no
 * writer would wait forever) and checked on the open descriptor, so what is read is what was checked.
 */
const readRegular = async (p: string, options: ReadOptions): Promise<Uint8Array> => {
  const limit = options.maxBytes !== undefined ? options.maxBytes + 1 : Number.MAX_SAFE_INTEGER;
  if (options.within === undefined) {
    const small = readSmall(p, limit);
    if (small !== undefined) return small;
  }
  const held: HeldDirectory | undefined =
    options.within !== undefined ? await holdDirectory(options.within, path.dirname(p), false) : undefined;
  try {
    const target = held !== undefined ? held.at(path.basename(p)) : p;
    const noFollow = options.within !== undefined ? O_NOFOLLOW : 0;
    let fh: FileHandle;
    try {
      fh = await fs.open(target, constants.O_RDONLY | O_NONBLOCK | noFollow);
    } catch (e) {
      if (noFollow !== 0 && (e as NodeJS.ErrnoException).code === 'ELOOP')
        throw pathChanged(p, 'it became a symlink');
      throw e;
    }
    try {
      const s = await fh.stat();
      requireRegular(p, s);
      return await readUpTo(fh, limit, s.size);
    } finally {
      await fh.close();
    }
  } finally {
    await held?.close();
  }
};

/** The permission bits of the regular file `p` itself (never a symlink's target), when there is one. */
const ownModeOf = async (p: string): Promise<number | undefined> => {
  try {
    const s = await fs.lstat(p);
    return s.isFile() ? s.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `replaceAtomically` inside `root` without following a symlink on the way: the directory is
 * created and held from `root` down, and the temporary file and the rename happen in the held
 * directory, so a directory swapped for a symlink meanwhile fails the write and nothing lands outside.
 */
const replaceWithin = async (
  root: string,
  p: string,
  fill: (tmp: string) => Promise<void>,
): Promise<void> => {
  const held = await holdDirectory(root, path.dirname(p), true);
  if (held === undefined) return replaceAtomically(p, fill);
  try {
    const tmp = held.at(path.basename(temporaryBeside(p)));
    const dest = held.at(path.basename(p));
    try {
      await fill(tmp);
      const mode = await ownModeOf(dest);
      if (mode !== undefined) await fs.chmod(tmp, mode);
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  } finally {
    await held.close();
  }
};

/** The file system of the machine the host runs on. */
export const nodeFileSystem: FileSystem = {
  resolve: (base, p) => path.resolve(base, p),
  relative: (from, to) => path.relative(from, to),
  dirname: (p) => path.dirname(p),
  realpath: async (p) => {
    try {
      return await fs.realpath(p);
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  },
  stat: async (p): Promise<FileInfo | undefined> => {
    try {
      const s = await fs.lstat(p);
      const kind = s.isFile()
        ? 'file'
        : s.isDirectory()
          ? 'directory'
          : s.isSymbolicLink()
            ? 'symlink'
            : 'other';
      return { kind, size: s.size };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  },
  readFile: (p, options?: ReadOptions) =>
    options?.maxBytes === undefined && options?.within === undefined
      ? fs.readFile(p)
      : readRegular(p, options),
  writeFileAtomic: (p, data, options?: ConfinedOptions) => {
    const fill = (tmp: string): Promise<void> => fs.writeFile(tmp, data, { flag: 'wx' });
    return options?.within === undefined
      ? replaceAtomically(p, fill)
      : replaceWithin(options.within, p, fill);
  },
  readDirectory: (p) => fs.readdir(p),
  remove: async (p, { recursive, within }) => {
    const held = within !== undefined ? await holdDirectory(within, path.dirname(p), false) : undefined;
    try {
      // In a held directory the entry itself is removed, never what a symlink swapped in leads to.
      const entry = held !== undefined ? held.at(path.basename(p)) : p;
      const s = await fs.lstat(entry);
      if (s.isDirectory()) {
        if (!recursive) await fs.rmdir(entry);
        else await fs.rm(entry, { recursive: true });
      } else await fs.unlink(entry);
    } finally {
      await held?.close();
    }
  },
  rename: async (from, to, options?: ConfinedOptions) => {
    const within = options?.within;
    if (within === undefined) {
      await makeDirectory(path.dirname(to));
      await fs.rename(from, to);
      return;
    }
    const source = await holdDirectory(within, path.dirname(from), false);
    try {
      const target = await holdDirectory(options?.destinationWithin ?? within, path.dirname(to), true);
      try {
        if (target === undefined) await makeDirectory(path.dirname(to));
        await fs.rename(source?.at(path.basename(from)) ?? from, target?.at(path.basename(to)) ?? to);
      } finally {
        await target?.close();
      }
    } finally {
      await source?.close();
    }
  },
  // COPYFILE_EXCL: the temporary name is fresh, so an existing file there would mean a collision.
  copyFileAtomic: async (from, to, options?: ConfinedOptions) => {
    const within = options?.within;
    if (within === undefined)
      return replaceAtomically(to, (tmp) => fs.copyFile(from, tmp, constants.COPYFILE_EXCL));
    // The source is opened (without following a symlink) before anything is written, and copied
    // from the open file itself, so what is copied is what was checked.
    const source = await holdDirectory(within, path.dirname(from), false);
    try {
      const name = source?.at(path.basename(from)) ?? from;
      let fh: FileHandle;
      try {
        fh = await fs.open(name, constants.O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw pathChanged(from, 'it became a symlink');
        throw e;
      }
      try {
        const s = await fh.stat();
        if (s.isDirectory()) throw errorWith('EISDIR', `${from} is a directory`);
        if (!s.isFile()) throw errorWith(NOT_A_FILE, `${from} is ${kindOf(s)}, not a regular file`);
        const opened = source !== undefined ? `/proc/self/fd/${fh.fd}` : from;
        await replaceWithin(options?.destinationWithin ?? within, to, (tmp) =>
          fs.copyFile(opened, tmp, constants.COPYFILE_EXCL),
        );
      } finally {
        await fh.close();
      }
    } finally {
      await source?.close();
    }
  },
};
