// A directory below a trusted root, opened one component at a time without following symlinks and
// held open, so later operations in it go to that very directory whatever is swapped meanwhile.
// Linux names an open directory `/proc/self/fd/N`: a path through it reaches the held directory
// (Node has no `openat`), and an operation on `/proc/self/fd/N/name` acts on `name` inside it.
import { constants, existsSync, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { PATH_CHANGED } from '../ports/filesystem.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;

/** Whether directories can be held here (Linux with /proc mounted). */
export const canHoldDirectories: boolean = process.platform === 'linux' && existsSync('/proc/self/fd');

/** An error saying `p` changed between the confinement check and the operation. */
export const pathChanged = (p: string, why: string): Error =>
  Object.assign(new Error(`${p} changed while in use: ${why}`), { code: PATH_CHANGED });

/** A held directory: `at(name)` names `name` inside it, wherever the directory is now reachable from. */
export interface HeldDirectory {
  at(name: string): string;
  close(): Promise<void>;
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * Opens `dir` (a real path inside the real directory `root`) from `root` down, creating missing
 * components when `create`; a component that is a symlink fails with `PATH_CHANGED`. `undefined`
 * where directories cannot be held (the caller falls back to plain paths).
 */
export const holdDirectory = async (
  root: string,
  dir: string,
  create: boolean,
): Promise<HeldDirectory | undefined> => {
  if (!canHoldDirectories) return undefined;
  const rel = path.relative(root, dir);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    throw pathChanged(dir, `it is not inside ${root}`);
  let handle: FileHandle = await fs.open(root, constants.O_RDONLY | O_DIRECTORY);
  try {
    for (const part of rel === '' ? [] : rel.split(path.sep)) {
      const p = `/proc/self/fd/${handle.fd}/${part}`;
      if (create) {
        try {
          await fs.mkdir(p);
        } catch (e) {
          if (code(e) !== 'EEXIST') throw e;
        }
      }
      let next: FileHandle;
      try {
        next = await fs.open(p, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } catch (e) {
        if (
          code(e) === 'ELOOP' ||
          ((code(e) === 'ENOTDIR' && (await fs.lstat(p).catch(() => undefined))?.isSymbolicLink()) ?? false)
        )
          throw pathChanged(path.join(root, rel), `${part} became a symlink`);
        throw e;
      }
      await handle.close();
      handle = next;
    }
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e;
  }
  const held = handle;
  return { at: (name) => `/proc/self/fd/${held.fd}/${name}`, close: () => held.close() };
};
