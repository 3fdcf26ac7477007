// `copy_file`: copies a file inside the confinement; the destination is written through a
// temporary file and a rename, so it is never left half-copied.
import * as t from 'io-ts';
import type { StepContext, StepOutcome, StepType } from '../ports/step-type.js';
import { confineStepPath, refusedOutcome, type ConfinedPath } from './confine-path.js';
import { fileFailure } from './file-failure.js';

export const copyFileParameters = t.intersection([
  t.type({
    /** The file to copy; relative to the working directory. */
    source: t.string,
    /** Where the copy goes (the full path, not a directory to copy into); parent directories are created. */
    destination: t.string,
  }),
  t.partial({
    /** Replace a file already at `destination`; `false` fails the step instead. @default true */
    overwrite: t.boolean,
  }),
]);
export type CopyFileParameters = t.TypeOf<typeof copyFileParameters>;

/** Where a copy or move reads and writes, both confined; or why the step fails before touching anything. */
export type TransferPlan =
  | {
      readonly _tag: 'ok';
      readonly source: string;
      readonly destination: string;
      readonly kind: string;
      /** Where the file system acts, from the roots down without following a symlink (see confine-path). */
      readonly from: Extract<ConfinedPath, { _tag: 'inside' }>;
      readonly to: Extract<ConfinedPath, { _tag: 'inside' }>;
    }
  | { readonly _tag: 'refused'; readonly outcome: StepOutcome };

/** Checks both ends of a copy or move: confinement, a source that exists, and the destination's state. */
export const planTransfer = async (
  ctx: StepContext,
  verb: 'copy' | 'move',
  p: { readonly source: string; readonly destination: string; readonly overwrite?: boolean },
): Promise<TransferPlan> => {
  const from = await confineStepPath(ctx, p.source);
  if (from._tag === 'outside') return { _tag: 'refused', outcome: refusedOutcome(from) };
  const to = await confineStepPath(ctx, p.destination);
  if (to._tag === 'outside') return { _tag: 'refused', outcome: refusedOutcome(to) };
  try {
    const source = await ctx.fs.stat(from.path);
    if (source === undefined)
      return {
        _tag: 'refused',
        outcome: {
          ...fileFailure(verb, from.path, Object.assign(new Error('missing'), { code: 'ENOENT' })),
          message: `could not ${verb} ${from.path}: the source does not exist`,
        },
      };
    const target = await ctx.fs.stat(to.path);
    if (target?.kind === 'directory')
      return {
        _tag: 'refused',
        outcome: {
          status: 'failed',
          failure_kind: 'invalid_input',
          message: `could not ${verb} to ${to.path}: it is a directory`,
          hint: `give the full destination path, such as "${p.destination.replace(/[\\/]+$/, '')}/${from.path.split(/[\\/]/).pop() ?? 'name'}"`,
          retryable: false,
        },
      };
    if (target !== undefined && p.overwrite === false)
      return {
        _tag: 'refused',
        outcome: {
          status: 'failed',
          failure_kind: 'io_error',
          message: `could not ${verb} to ${to.path}: a file is already there and \`overwrite\` is false`,
          hint: 'delete it first, or remove `overwrite: false`',
        },
      };
    return { _tag: 'ok', source: from.path, destination: to.path, kind: source.kind, from, to };
  } catch (e) {
    return { _tag: 'refused', outcome: fileFailure(verb, from.path, e) };
  }
};

/** The built-in `copy_file` step type. */
export const copyFileStep: StepType<CopyFileParameters> & {
  readonly name: 'copy_file';
  readonly parameters: typeof copyFileParameters;
} = {
  name: 'copy_file',
  rustChainSubstitution: true,
  description: 'Copies a file (atomically at the destination).',
  parameters: copyFileParameters,
  run: async (ctx, p) => {
    const plan = await planTransfer(ctx, 'copy', p);
    if (plan._tag === 'refused') return plan.outcome;
    if (plan.kind === 'directory')
      return {
        status: 'failed',
        failure_kind: 'invalid_input',
        message: `could not copy ${plan.source}: it is a directory, and copy_file copies files`,
        hint: 'copy a tree with a `command` step (`cp -R`, `robocopy`) or one copy_file step per file',
        retryable: false,
      };
    try {
      await ctx.fs.copyFileAtomic(plan.from.real, plan.to.entry, {
        within: plan.from.realRoot,
        destinationWithin: plan.to.root,
      });
      const copied = await ctx.fs.stat(plan.destination);
      return {
        status: 'succeeded',
        output: { source: plan.source, destination: plan.destination, bytes: copied?.size ?? 0 },
      };
    } catch (e) {
      return fileFailure('copy', `${plan.source} to ${plan.destination}`, e);
    }
  },
};
