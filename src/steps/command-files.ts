// The files under a command's paths, walked through the FileSystem port: what the `command` step
// lists when the host offers no faster listing (the step used on its own), and what the test kit's
// fake host facts walk in the in-memory file system. The Node host lists with src/node/dir-size.ts.
import { compileFilter, type FileFilter } from '../plan/file-filter.js';
import type { FileSystem } from '../ports/filesystem.js';
import type { ListedFiles, Measurement } from '../ports/host-facts.js';

/** `.` + `src/a.go` → `./src/a.go`: how find and grep -r name what they found. */
export const joinOperand = (operand: string, relative: string): string =>
  operand.endsWith('/') || operand.endsWith('\\') ? `${operand}${relative}` : `${operand}/${relative}`;

interface Walked {
  readonly files: Array<{ readonly path: string; readonly size: number }>;
  directories: number;
  readonly missing: string[];
}

const walk = async (
  fs: FileSystem,
  cwd: string,
  paths: ReadonlyArray<string>,
  filter: FileFilter,
  signal: AbortSignal | undefined,
): Promise<Walked> => {
  const f = compileFilter(filter);
  const out: Walked = { files: [], directories: 0, missing: [] };
  for (const operand of paths) {
    const root = fs.resolve(cwd, operand);
    const info = await fs.stat(root);
    if (info === undefined) {
      out.missing.push(operand);
      continue;
    }
    if (info.kind === 'file') {
      if (f.file(operand)) out.files.push({ path: operand, size: info.size });
      continue;
    }
    if (info.kind !== 'directory') continue;
    const queue: string[] = [''];
    while (queue.length > 0) {
      if (signal?.aborted) throw signal.reason;
      const rel = queue.shift()!;
      out.directories++;
      const names = [...(await fs.readDirectory(rel === '' ? root : fs.resolve(root, rel)))].sort();
      for (const name of names) {
        const childRel = rel === '' ? name : `${rel}/${name}`;
        const child = await fs.stat(fs.resolve(root, childRel));
        const named = joinOperand(operand, childRel);
        if (child?.kind === 'directory') {
          if (f.directory(named)) queue.push(childRel);
        } else if (child?.kind === 'file' && f.file(named)) {
          out.files.push({ path: named, size: child.size });
        }
      }
    }
  }
  return out;
};

/** The regular files under `paths` (a file path stands for itself) that pass `filter`, sorted. */
export const listFilesWith = async (
  fs: FileSystem,
  cwd: string,
  paths: ReadonlyArray<string>,
  filter: FileFilter,
  signal?: AbortSignal,
): Promise<ListedFiles> => {
  const w = await walk(fs, cwd, paths, filter, signal);
  return { files: w.files.map((x) => x.path).sort(), missing: w.missing };
};

/** Size and file count of `paths` through the port: a complete walk (in-memory trees are small). */
export const measureWith = async (
  fs: FileSystem,
  cwd: string,
  paths: ReadonlyArray<string>,
  filter: FileFilter,
): Promise<Measurement> => {
  const w = await walk(fs, cwd, paths, filter, undefined);
  return {
    bytes: w.files.reduce((n, x) => n + x.size, 0),
    files: w.files.length,
    directories: w.directories,
    complete: true,
    elapsed_ms: 0,
    missing: w.missing,
    method: 'walk',
  };
};
