// `list_directory`: the entries of a directory (optionally the whole tree), sorted, with kind and
// size. Symlinks are listed, never followed, so a tree listing cannot leave the confinement or loop.
import * as t from 'io-ts';
import { PositiveInt } from '../mission/scalars.js';
import type { FileInfo } from '../ports/filesystem.js';
import type { StepType } from '../ports/step-type.js';
import { confineStepPath, refusedOutcome } from './confine-path.js';
import { fileFailure } from './file-failure.js';

/** The default `max_entries`. */
export const DEFAULT_MAX_ENTRIES = 10_000;

export const listDirectoryParameters = t.partial({
  /** Relative to the working directory. @default '.' */
  path: t.string,
  /** List the whole tree; names are then paths relative to `path`, with `/`. @default false */
  recursive: t.boolean,
  /** Stop after this many entries (the step then succeeds with a warning). @default 10000 */
  max_entries: PositiveInt,
});
export type ListDirectoryParameters = t.TypeOf<typeof listDirectoryParameters>;

/** One entry of a listing. */
export interface DirectoryEntry {
  /** The name (relative path with `/` when recursive). */
  readonly name: string;
  readonly kind: FileInfo['kind'];
  /** Bytes, for a file; 0 for the other kinds. */
  readonly size: number;
}

/** The built-in `list_directory` step type. */
export const listDirectoryStep: StepType<ListDirectoryParameters> & {
  readonly name: 'list_directory';
  readonly parameters: typeof listDirectoryParameters;
} = {
  name: 'list_directory',
  rustChainSubstitution: true,
  description: 'Lists a directory: each entry with its name, kind and size.',
  parameters: listDirectoryParameters,
  run: async (ctx, p) => {
    const where = await confineStepPath(ctx, p.path ?? '.');
    if (where._tag === 'outside') return refusedOutcome(where);
    const max = p.max_entries ?? DEFAULT_MAX_ENTRIES;
    const entries: DirectoryEntry[] = [];
    let truncated = false;
    let reported = 0;
    // Breadth-first over directories, each one's names sorted, so the order is the same everywhere.
    const pending: Array<{ readonly abs: string; readonly rel: string }> = [{ abs: where.path, rel: '' }];
    try {
      const root = (await ctx.fs.realpath(where.path)) ?? where.path;
      pending[0] = { abs: root, rel: '' };
      while (pending.length > 0 && !truncated) {
        if (ctx.signal.aborted) break;
        const dir = pending.shift()!;
        const names = [...(await ctx.fs.readDirectory(dir.abs))].sort();
        for (const name of names) {
          if (entries.length >= max) {
            truncated = true;
            break;
          }
          const abs = ctx.fs.resolve(dir.abs, name);
          const info = await ctx.fs.stat(abs);
          if (info === undefined) continue; // removed while listing
          const rel = dir.rel === '' ? name : `${dir.rel}/${name}`;
          entries.push({ name: rel, kind: info.kind, size: info.kind === 'file' ? info.size : 0 });
          if (p.recursive === true && info.kind === 'directory') pending.push({ abs, rel });
        }
        if (entries.length >= reported + 1000) {
          reported = entries.length;
          ctx.progress(`${reported} entries listed`);
        }
      }
    } catch (e) {
      return fileFailure('list', where.path, e);
    }
    if (p.recursive === true) entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const output = { path: where.path, entries, ...(truncated ? { truncated: true } : {}) };
    return truncated
      ? {
          status: 'succeeded_with_warnings',
          output,
          warnings: [`listing stopped at max_entries (${max}); raise it to see every entry`],
        }
      : { status: 'succeeded', output };
  },
};
