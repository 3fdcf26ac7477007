// Keeps file steps inside the mission's working directory (or an allowed path): lexically first,
// then with symlinks resolved, so neither `..`, an absolute path nor a symlink can escape.
import type { FileSystem } from '../ports/filesystem.js';
import type { StepOutcome } from '../ports/step-type.js';

/** A path that may be written, or why not. */
export type ConfinedPath =
  | {
      readonly _tag: 'inside';
      /** The path as requested, resolved against the root: what messages and outputs show. */
      readonly path: string;
      /** The same with every symlink resolved, when checked (the file a read reaches). */
      readonly real: string;
      /** Its real directory joined with its own name (the entry a write replaces, even a symlink). */
      readonly entry: string;
      /**
       * The real root (the working directory or an allowed path) that holds `entry`'s directory:
       * pass it as `within` to the file system, so a symlink swapped in after this check fails the
       * operation instead of leading outside.
       */
      readonly root: string;
      /** The real root that holds `real`: `within` for what reaches the file a symlink leads to. */
      readonly realRoot: string;
    }
  | { readonly _tag: 'outside'; readonly message: string; readonly hint: string };

const escapes = (rel: string): boolean =>
  rel === '..' || /^\.\.[\\/]/.test(rel) || /^([a-zA-Z]:|[\\/])/.test(rel);

// Windows device names are files nowhere else; refusing them keeps a mission portable and safe.
// Windows ignores trailing spaces and everything from the first dot or colon (`NUL .txt`,
// `con:`), and counts the superscript digits ¹²³ as digits (`COM¹`).
const reservedName = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *([.:].*)?$/i;
// `\\.\`, `\\?\` and the NT prefix `\??\`, with either slash (Windows reads `//./` the same).
const devicePath = /^([\\/]{2}[.?][\\/]|\\\?\?\\)/;

const within = (fs: FileSystem, root: string, target: string): boolean => !escapes(fs.relative(root, target));

/**
 * The nearest existing ancestor's real path, joined with the part that does not exist yet; or,
 * when the path passes through a symlink whose target does not exist, that symlink: where it
 * leads cannot be checked, and writing through it would create its target wherever it points.
 */
const realTarget = async (
  fs: FileSystem,
  target: string,
): Promise<{ readonly real: string } | { readonly dangling: string }> => {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const real = await fs.realpath(current);
    if (real !== undefined) return { real: missing.reduceRight((acc, part) => fs.resolve(acc, part), real) };
    if ((await fs.stat(current))?.kind === 'symlink') return { dangling: current };
    const parent = fs.dirname(current);
    if (parent === current) return { real: target };
    missing.push(fs.relative(parent, current));
    current = parent;
  }
};

/** Resolves `requested` against `root` and checks it stays inside `root` or one of `allowed`. */
export const confinePath = async (
  fs: FileSystem,
  root: string,
  requested: string,
  allowed: ReadonlyArray<string>,
): Promise<ConfinedPath> => {
  const hint = `keep the path inside the mission's working directory (${root}), or list the directory in the mission's \`allowed_paths\``;
  const segments = requested.split(/[\\/]/);
  const reserved = segments.find((s) => reservedName.test(s));
  if (reserved !== undefined || devicePath.test(requested)) {
    return {
      _tag: 'outside',
      message: `path "${requested}" names a device (${reserved ?? 'device path'}), not a file`,
      hint: 'choose an ordinary file name',
    };
  }
  const target = fs.resolve(root, requested);
  const roots = [root, ...allowed.map((a) => fs.resolve(root, a))];
  if (!roots.some((r) => within(fs, r, target) || r === target)) {
    return {
      _tag: 'outside',
      message: `path "${requested}" resolves to ${target}, outside the working directory`,
      hint,
    };
  }
  const resolved = await realTarget(fs, target);
  if ('dangling' in resolved) {
    return {
      _tag: 'outside',
      message: `path "${requested}" leads through a symlink (${resolved.dangling}) whose target does not exist, so where it leads cannot be checked`,
      hint: `create its target first, or remove the symlink (with a command step: file steps do not pass through it); ${hint}`,
    };
  }
  const real = resolved.real;
  const realRoots = await Promise.all(roots.map(async (r) => (await fs.realpath(r)) ?? r));
  if (!realRoots.some((r) => within(fs, r, real) || r === real)) {
    return {
      _tag: 'outside',
      message: `path "${requested}" leads through a symlink to ${real}, outside the working directory`,
      hint,
    };
  }
  const dir = await realTarget(fs, fs.dirname(target));
  const realDir = 'real' in dir ? dir.real : fs.dirname(real);
  const holds = (r: string, p: string): boolean => within(fs, r, p) || r === p;
  const holder =
    realRoots.find((r) => holds(r, realDir)) ?? realRoots.find((r) => holds(r, real)) ?? realRoots[0]!;
  const entry = fs.resolve(realDir, fs.relative(fs.dirname(target), target));
  const realRoot = realRoots.find((r) => holds(r, real)) ?? holder;
  return { _tag: 'inside', path: target, real, entry, root: holder, realRoot };
};

/** A refused path as a step's failure: nothing was touched, and trying again cannot help. */
export const refusedOutcome = (refused: Extract<ConfinedPath, { _tag: 'outside' }>): StepOutcome => ({
  status: 'failed',
  failure_kind: 'invalid_input',
  message: refused.message,
  hint: refused.hint,
  retryable: false,
});

/** What `confineStepPath` needs of a step's context. */
export interface ConfinementContext {
  readonly fs: FileSystem;
  readonly workingDirectory: string;
  readonly allowedPaths: ReadonlyArray<string>;
  readonly variables: Readonly<Record<string, string>>;
}

/** A step's path parameter (already substituted by the runtime), checked for confinement. */
export const confineStepPath = (ctx: ConfinementContext, raw: string): Promise<ConfinedPath> =>
  confinePath(ctx.fs, ctx.workingDirectory, raw, ctx.allowedPaths);

/** Whether `path` is the working directory or an allowed path itself, which no step may delete or move. */
export const isConfinementRoot = (ctx: ConfinementContext, path: string): boolean =>
  [ctx.workingDirectory, ...ctx.allowedPaths].some(
    (r) => ctx.fs.relative(ctx.fs.resolve(ctx.workingDirectory, r), path) === '',
  );
