// `move_file`: renames a file or directory inside the confinement in one step; across devices,
// a file is copied (atomically) and then its original removed.
import * as t from 'io-ts';
import type { StepType } from '../ports/step-type.js';
import { isConfinementRoot } from './confine-path.js';
import { planTransfer } from './copy-file.js';
import { errorCode, fileFailure } from './file-failure.js';

export const moveFileParameters = t.intersection([
  t.type({
    /** The file or directory to move; relative to the working directory. */
    source: t.string,
    /** Its new path (not a directory to move into); parent directories are created. */
    destination: t.string,
  }),
  t.partial({
    /** Replace a file already at `destination`; `false` fails the step instead. @default true */
    overwrite: t.boolean,
  }),
]);
export type MoveFileParameters = t.TypeOf<typeof moveFileParameters>;

/** The built-in `move_file` step type. */
export const moveFileStep: StepType<MoveFileParameters> & {
  readonly name: 'move_file';
  readonly parameters: typeof moveFileParameters;
} = {
  name: 'move_file',
  rustChainSubstitution: true,
  description: 'Moves (renames) a file or directory.',
  parameters: moveFileParameters,
  run: async (ctx, p) => {
    const plan = await planTransfer(ctx, 'move', p);
    if (plan._tag === 'refused') return plan.outcome;
    if (isConfinementRoot(ctx, plan.source))
      return {
        status: 'failed',
        failure_kind: 'invalid_input',
        message: `refusing to move ${plan.source}: it is the working directory or an allowed path itself`,
        hint: 'move the files inside it instead',
        retryable: false,
      };
    const output = { source: plan.source, destination: plan.destination, kind: plan.kind };
    try {
      // The entry itself moves (a symlink as a symlink), entered from the roots without following one.
      await ctx.fs.rename(plan.from.entry, plan.to.entry, {
        within: plan.from.root,
        destinationWithin: plan.to.root,
      });
      return { status: 'succeeded', output };
    } catch (e) {
      if (errorCode(e) !== 'EXDEV' || plan.kind !== 'file')
        return fileFailure('move', `${plan.source} to ${plan.destination}`, e);
    }
    // Different devices (an allowed path on another disk): copy, then remove the original.
    try {
      await ctx.fs.copyFileAtomic(plan.from.real, plan.to.entry, {
        within: plan.from.realRoot,
        destinationWithin: plan.to.root,
      });
      await ctx.fs.remove(plan.from.entry, { recursive: false, within: plan.from.root });
      return { status: 'succeeded', output };
    } catch (e) {
      return fileFailure('move', `${plan.source} to ${plan.destination}`, e);
    }
  },
};
