// `edit_file`: replaces a file's content or appends to it, atomically. RustChain missions write
// `operation: "append"`, which RustChain ignored (it overwrote the file); here it appends, as its
// authors meant, and `append: true` (RustChain's own spelling) does the same.
import * as t from 'io-ts';
import type { StepType } from '../ports/step-type.js';
import { confineStepPath, refusedOutcome } from './confine-path.js';
import { errorCode, fileFailure } from './file-failure.js';
import { withRules } from './parameter-rules.js';

export const editFileParameters = withRules(
  t.intersection([
    t.type({
      /** Relative to the working directory; may not leave it (see `allowed_paths`). Created when missing. */
      path: t.string,
      /** The new content, or what to append; `{name}` is replaced by the variable `name`. */
      content: t.string,
    }),
    t.partial({
      /** Add `content` at the end instead of replacing the file. @default false */
      append: t.boolean,
      /** RustChain missions' spelling of the same choice. @default 'replace' */
      operation: t.keyof({ append: null, replace: null }),
    }),
  ]),
  [
    (p) =>
      p.append !== undefined && p.operation !== undefined && p.append !== (p.operation === 'append')
        ? {
            key: 'operation',
            message: `\`operation: "${p.operation}"\` contradicts \`append: ${p.append}\`: keep one of them`,
          }
        : undefined,
  ],
  'EditFileParameters',
);
export type EditFileParameters = t.TypeOf<typeof editFileParameters>;

/** The built-in `edit_file` step type. */
export const editFileStep: StepType<EditFileParameters> & {
  readonly name: 'edit_file';
  readonly parameters: typeof editFileParameters;
} = {
  name: 'edit_file',
  rustChainSubstitution: true,
  description: "Replaces a file's content, or appends to it (`append: true`), atomically.",
  parameters: editFileParameters,
  run: async (ctx, p) => {
    const where = await confineStepPath(ctx, p.path);
    if (where._tag === 'outside') return refusedOutcome(where);
    const append = p.append ?? p.operation === 'append';
    const addition = p.content;
    let before: Uint8Array | undefined;
    if (append) {
      try {
        before = await ctx.fs.readFile(where.real, { within: where.realRoot });
      } catch (e) {
        if (errorCode(e) !== 'ENOENT') return fileFailure('read', where.path, e);
      }
    }
    const added = new TextEncoder().encode(addition);
    const data = before === undefined ? added : concat(before, added);
    const existed = before !== undefined || (!append && (await ctx.fs.stat(where.path)) !== undefined);
    try {
      // The whole new content goes through a temporary file and a rename, so a crash mid-append
      // leaves the old file, never a half-appended one.
      await ctx.fs.writeFileAtomic(where.entry, data, { within: where.root });
    } catch (e) {
      return fileFailure('write', where.path, e);
    }
    return {
      status: 'succeeded',
      output: {
        path: where.path,
        mode: append ? 'append' : 'replace',
        bytes: data.length,
        created: !existed,
      },
    };
  },
};

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};
