// A file step whose path is written out in full (`path: "/c/Users/me/out.md"`, no template) and
// lies outside the working directory is refused when the step runs; that is knowable before the
// run, so `validate` and `plan` say it at load, with the same hint the run would give. Only the
// lexical check is made here: symlinks are the run's business (see steps/confine-path.ts).
import { warning, type Draft } from './draft.js';
import type { Step } from './model.js';

/** Where the mission will run, and the path arithmetic of that host (the FileSystem port's). */
export interface WorkingDirectory {
  /** Absolute. */
  readonly path: string;
  readonly resolve: (base: string, path: string) => string;
  readonly relative: (from: string, to: string) => string;
}

/** The path parameters of the built-in file steps. */
const FILE_STEP_PATHS: Readonly<Record<string, ReadonlyArray<string>>> = {
  create_file: ['path'],
  edit_file: ['path'],
  delete_file: ['path'],
  read_file: ['path'],
  list_directory: ['path'],
  copy_file: ['source', 'destination'],
  move_file: ['source', 'destination'],
};

const ABSOLUTE = /^([a-zA-Z]:[\\/]|[\\/])/;
const escapes = (rel: string): boolean =>
  rel === '..' || /^\.\.[\\/]/.test(rel) || /^([a-zA-Z]:|[\\/])/.test(rel);

/** A warning for each literal absolute file-step path outside the working directory and `allowed_paths`. */
export const literalPathWarnings = (
  steps: ReadonlyArray<Step>,
  allowedPaths: ReadonlyArray<string>,
  wd: WorkingDirectory | undefined,
): ReadonlyArray<Draft> => {
  if (wd === undefined) return [];
  const drafts: Draft[] = [];
  let roots: ReadonlyArray<string> | undefined;
  steps.forEach((step, i) => {
    const keys = Object.hasOwn(FILE_STEP_PATHS, step.step_type) ? FILE_STEP_PATHS[step.step_type]! : [];
    for (const key of keys) {
      const value = step.parameters[key];
      // A template's value is only known when the step runs.
      if (typeof value !== 'string' || !ABSOLUTE.test(value) || value.includes('{')) continue;
      roots ??= [wd.path, ...allowedPaths.map((a) => wd.resolve(wd.path, a))];
      const target = wd.resolve(wd.path, value);
      if (roots.some((r) => !escapes(wd.relative(r, target)))) continue;
      drafts.push(
        warning({
          code: 'invalid_value',
          path: ['steps', i, 'parameters', key],
          message: `step \`${step.id}\` will be refused when it runs: path "${value}" is outside the working directory (${wd.path})`,
          found: JSON.stringify(value),
          hint: `list the directory in the mission's \`allowed_paths\` (for example \`allowed_paths: [${JSON.stringify(dirOf(value))}]\`), or write a path relative to the working directory`,
        }),
      );
    }
  });
  return drafts;
};

const dirOf = (p: string): string => {
  const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return cut <= 0 ? p.slice(0, 1) || p : p.slice(0, cut);
};
