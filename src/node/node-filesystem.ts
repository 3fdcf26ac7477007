// The real file system port.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileInfo, FileSystem } from '../ports/filesystem.js';
import { makeDirectory } from './make-directory.js';

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
  readFile: (p) => fs.readFile(p),
  writeFileAtomic: (p, data) => replaceAtomically(p, (tmp) => fs.writeFile(tmp, data, { flag: 'wx' })),
  readDirectory: (p) => fs.readdir(p),
  remove: async (p, { recursive }) => {
    const s = await fs.lstat(p);
    if (s.isDirectory()) {
      if (!recursive) await fs.rmdir(p);
      else await fs.rm(p, { recursive: true });
    } else await fs.unlink(p);
  },
  rename: async (from, to) => {
    await makeDirectory(path.dirname(to));
    await fs.rename(from, to);
  },
  // COPYFILE_EXCL: the temporary name is fresh, so an existing file there would mean a collision.
  copyFileAtomic: (from, to) =>
    replaceAtomically(to, (tmp) => fs.copyFile(from, tmp, constants.COPYFILE_EXCL)),
};
