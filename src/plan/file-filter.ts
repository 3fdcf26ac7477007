// Which files a walk counts or lists: the globs a step's `files:` names, or what its command
// itself skips (grep's `--include`/`--exclude`/`--exclude-dir`, find's `-name`), so a step is
// measured and chunked over the files it really reads.
import { compileGlob, type Glob } from './glob.js';

/** Globs (see `glob.ts`) selecting files under the paths a command reads. */
export interface FileFilter {
  /** A file is kept when it matches one of these; none means every file. */
  readonly include: ReadonlyArray<string>;
  /** A file matching one of these is dropped (a pattern ending in `/**` also prunes its directory). */
  readonly exclude: ReadonlyArray<string>;
  /** A directory matching one of these is not entered. */
  readonly exclude_dirs: ReadonlyArray<string>;
}

/** Every file. */
export const NO_FILTER: FileFilter = Object.freeze({ include: [], exclude: [], exclude_dirs: [] });

/** A filter ready to test paths relative to where the walk started (with `/` separators). */
export interface CompiledFilter {
  /** Whether a regular file is counted. */
  readonly file: (relativePath: string) => boolean;
  /** Whether a directory is entered. */
  readonly directory: (relativePath: string) => boolean;
}

const any = (globs: ReadonlyArray<Glob>, path: string): boolean => globs.some((g) => g.test(path));

/** Compiles a filter once for a walk. */
export const compileFilter = (filter: FileFilter): CompiledFilter => {
  const include = filter.include.map(compileGlob);
  const exclude = filter.exclude.map(compileGlob);
  const prune = [
    ...filter.exclude_dirs.map(compileGlob),
    ...filter.exclude.filter((g) => g.endsWith('/**')).map((g) => compileGlob(g.slice(0, -3))),
  ];
  return {
    file: (path) => (include.length === 0 || any(include, path)) && !any(exclude, path),
    directory: prune.length === 0 ? () => true : (path) => !any(prune, path),
  };
};

/** Whether the filter keeps every file. */
export const isEmptyFilter = (filter: FileFilter): boolean =>
  filter.include.length === 0 && filter.exclude.length === 0 && filter.exclude_dirs.length === 0;

/** The filter in a few words, for explanations: `*.go, *.md; not vendor/`. */
export const describeFilter = (filter: FileFilter): string => {
  const parts: string[] = [];
  if (filter.include.length > 0) parts.push(filter.include.join(', '));
  const not = [...filter.exclude, ...filter.exclude_dirs.map((d) => `${d}/`)];
  if (not.length > 0) parts.push(`not ${not.join(', ')}`);
  return parts.join('; ');
};
