// `delete_file`: removes a file or a symlink (never what it points to), or a directory when
// `recursive` says so; the working directory and the allowed paths themselves are never removed.
import * as t from 'io-ts';
import type { FileInfo } from '../ports/filesystem.js';
import type { StepType } from '../ports/step-type.js';
import { confineStepPath, isConfinementRoot, refusedOutcome } from './confine-path.js';
import { errorCode, fileFailure } from './file-failure.js';

export const deleteFileParameters = t.intersection([
  t.type({
    /** Relative to the working directory; may not leave it (see `allowed_paths`). */
    path: t.string,
  }),
  t.partial({
    /** Also delete a directory, with everything in it. @default false */
    recursive: t.boolean,
    /** Succeed when there is nothing to delete. @default false */
    missing_ok: t.boolean,
  }),
]);
export type DeleteFileParameters = t.TypeOf<typeof deleteFileParameters>;

/** The built-in `delete_file` step type. */
export const deleteFileStep: StepType<DeleteFileParameters> & {
  readonly name: 'delete_file';
  readonly parameters: typeof deleteFileParameters;
} = {
  name: 'delete_file',
  rustChainSubstitution: true,
  description: 'Deletes a file or symlink (a directory with `recursive: true`).',
  parameters: deleteFileParameters,
  run: async (ctx, p) => {
    const where = await confineStepPath(ctx, p.path);
    if (where._tag === 'outside') return refusedOutcome(where);
    if (isConfinementRoot(ctx, where.path))
      return {
        status: 'failed',
        failure_kind: 'invalid_input',
        message: `refusing to delete ${where.path}: it is the working directory or an allowed path itself`,
        hint: 'delete the files inside it instead',
        retryable: false,
      };
    let info: FileInfo | undefined;
    try {
      info = await ctx.fs.stat(where.path);
    } catch (e) {
      return fileFailure('inspect', where.path, e);
    }
    if (info === undefined) {
      if (p.missing_ok === true) return { status: 'succeeded', output: { path: where.path, deleted: false } };
      return {
        ...fileFailure('delete', where.path, Object.assign(new Error('missing'), { code: 'ENOENT' })),
        hint: 'nothing is there to delete; set `missing_ok: true` if that is fine',
      };
    }
    try {
      // The entry itself goes, found from the root without following a symlink swapped in meanwhile.
      await ctx.fs.remove(where.entry, { recursive: p.recursive === true, within: where.root });
    } catch (e) {
      // Some platforms say EEXIST for a directory that is not empty.
      const notEmpty = errorCode(e) === 'EEXIST' && info.kind === 'directory';
      return fileFailure(
        'delete',
        where.path,
        notEmpty ? Object.assign(new Error('not empty'), { code: 'ENOTEMPTY' }) : e,
      );
    }
    return { status: 'succeeded', output: { path: where.path, deleted: true, kind: info.kind } };
  },
};
