// Creates a directory and its missing parents, one level at a time. Node's own
// `mkdir(p, { recursive: true })` never returns where a parent exists but refuses a new entry
// with ENOENT (under /proc, for one): it retries the same level forever at full CPU. Here every
// level is tried once, so a file system that refuses is an error naming the directory.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const codeOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** An error that says which directory could not be made and why, keeping the system's code. */
const cannotMake = (dir: string, cause: unknown): Error => {
  const code = codeOf(cause);
  const why =
    code === 'ENOENT' || code === 'EPERM' || code === 'EROFS' || code === 'EACCES'
      ? 'the file system there does not allow new directories'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file of that name is in the way'
        : ((cause as Error).message ?? String(cause));
  return Object.assign(
    new Error(`cannot create the directory ${dir}: ${why} (${code ?? 'error'})`, { cause }),
    {
      code,
    },
  );
};

/** Makes `dir` and every missing parent; resolves when `dir` is a directory. */
export const makeDirectory = async (dir: string): Promise<void> => {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = (await fs.stat(at)).isDirectory();
    } catch (e) {
      // ENOTDIR: a file higher up; the walk goes on to name it.
      if (codeOf(e) !== 'ENOENT' && codeOf(e) !== 'ENOTDIR') throw cannotMake(at, e);
      if (path.dirname(at) === at) throw cannotMake(at, e);
      missing.push(at);
      continue;
    }
    if (!isDirectory) throw cannotMake(at, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
    break;
  }
  for (const at of missing.reverse()) {
    try {
      await fs.mkdir(at);
    } catch (e) {
      // Made meanwhile by another writer: fine, as long as it is a directory.
      if (codeOf(e) === 'EEXIST' && (await fs.stat(at).catch(() => undefined))?.isDirectory()) continue;
      throw cannotMake(at, e);
    }
  }
};
