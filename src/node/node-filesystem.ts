// The real file system port.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileInfo, FileSystem } from '../ports/filesystem.js';

const missing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
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
      const kind = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other';
      return { kind, size: s.size };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  },
  readFile: (p) => fs.readFile(p),
  writeFileAtomic: async (p, data) => {
    await fs.mkdir(path.dirname(p), { recursive: true });
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, data, { flag: 'wx' });
      await fs.rename(tmp, p);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  },
};
