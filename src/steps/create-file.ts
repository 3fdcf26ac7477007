// `create_file`: writes a file inside the mission's working directory, atomically.
import type { StepType } from '../ports/step-type.js';
import { confineStepPath, refusedOutcome } from './confine-path.js';
import { createFileParameters, type CreateFileParameters } from './create-file-params.js';
import { fileFailure } from './file-failure.js';

/** The built-in `create_file` step type. */
export const createFileStep: StepType<CreateFileParameters> & {
  readonly name: 'create_file';
  readonly parameters: typeof createFileParameters;
} = {
  name: 'create_file',
  rustChainSubstitution: true,
  description: 'Writes a file (RustChain `{variable}` substitution in `content`), atomically.',
  parameters: createFileParameters,
  run: async (ctx, params) => {
    const where = await confineStepPath(ctx, params.path);
    if (where._tag === 'outside') return refusedOutcome(where);
    const content = params.content ?? '';
    try {
      // Into the real directory, entered from the root without following a symlink (see confine-path).
      await ctx.fs.writeFileAtomic(where.entry, content, { within: where.root });
    } catch (e) {
      return fileFailure('write', where.path, e);
    }
    return {
      status: 'succeeded',
      output: { path: where.path, bytes: new TextEncoder().encode(content).length },
    };
  },
};
