// `create_file`: writes a file inside the mission's working directory, atomically.
import type { StepType } from '../ports/step-type.js';
import { confinePath } from './confine-path.js';
import { createFileParameters, type CreateFileParameters } from './create-file-params.js';
import { substituteRustChainVariables } from './rustchain-substitution.js';

/** The built-in `create_file` step type. */
export const createFileStep: StepType<CreateFileParameters> = {
  name: 'create_file',
  description: 'Writes a file (RustChain `{variable}` substitution in `content`), atomically.',
  parameters: createFileParameters,
  run: async (ctx, params) => {
    const where = await confinePath(ctx.fs, ctx.workingDirectory, params.path, ctx.allowedPaths);
    if (where._tag === 'outside') {
      return { status: 'failed', failure_kind: 'invalid_input', message: where.message, hint: where.hint };
    }
    const content = substituteRustChainVariables(params.content ?? '', ctx.variables);
    try {
      await ctx.fs.writeFileAtomic(where.path, content);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      const hint =
        err.code === 'ENOSPC'
          ? 'the disk is full: free space and run the mission again'
          : err.code === 'EACCES'
            ? 'the directory is not writable by this user'
            : undefined;
      return {
        status: 'failed',
        failure_kind: 'io_error',
        message: `could not write ${where.path}: ${err.message ?? String(e)}`,
        ...(hint ? { hint } : {}),
      };
    }
    return {
      status: 'succeeded',
      output: { path: where.path, bytes: new TextEncoder().encode(content).length },
    };
  },
};
