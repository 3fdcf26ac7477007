// `read_file`: a file's content as the step's output, so later steps read it as `{<id>_result}`.
import * as t from 'io-ts';
import { PositiveInt } from '../mission/scalars.js';
import type { StepType } from '../ports/step-type.js';
import { toBase64 } from './base64.js';
import { confineStepPath, refusedOutcome } from './confine-path.js';
import { fileFailure } from './file-failure.js';

/** The default `max_bytes`: 10 MiB. */
export const DEFAULT_READ_MAX_BYTES = 10 * 1024 * 1024;

export const readFileParameters = t.intersection([
  t.type({
    /** Relative to the working directory; may not leave it (see `allowed_paths`). */
    path: t.string,
  }),
  t.partial({
    /** `utf8` for text, `base64` for any bytes. @default 'utf8' */
    encoding: t.keyof({ utf8: null, base64: null }),
    /** A larger file fails the step rather than filling the report. @default 10485760 (10 MiB) */
    max_bytes: PositiveInt,
  }),
]);
export type ReadFileParameters = t.TypeOf<typeof readFileParameters>;

/** The built-in `read_file` step type. */
export const readFileStep: StepType<ReadFileParameters> & {
  readonly name: 'read_file';
  readonly parameters: typeof readFileParameters;
} = {
  name: 'read_file',
  rustChainSubstitution: true,
  description: "Reads a file; its content is the step's output (`{<id>_result}`).",
  parameters: readFileParameters,
  run: async (ctx, p) => {
    const where = await confineStepPath(ctx, p.path);
    if (where._tag === 'outside') return refusedOutcome(where);
    const max = p.max_bytes ?? DEFAULT_READ_MAX_BYTES;
    let bytes: Uint8Array;
    const tooLarge = (size: string) => ({
      status: 'failed' as const,
      failure_kind: 'invalid_input' as const,
      message: `${where.path} is ${size} bytes, more than max_bytes (${max})`,
      hint: 'raise `max_bytes` if the whole file is really needed in the report and in later steps',
      retryable: false,
    });
    try {
      const info = await ctx.fs.stat(where.real);
      if (info?.kind === 'file' && info.size > max) return tooLarge(String(info.size));
      // Read from the root down without following a symlink, and no more than `max` + 1 bytes: a
      // file swapped for a symlink to one outside since the check fails instead of being read.
      bytes = await ctx.fs.readFile(where.real, { maxBytes: max, within: where.realRoot });
    } catch (e) {
      return fileFailure('read', where.path, e);
    }
    if (bytes.length > max) return tooLarge('more than');
    const encoding = p.encoding ?? 'utf8';
    const warnings: string[] = [];
    let content: string;
    if (encoding === 'base64') content = toBase64(bytes);
    else {
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        content = new TextDecoder('utf-8').decode(bytes);
        warnings.push(
          `${where.path} is not valid UTF-8: undecodable bytes were replaced by U+FFFD (use \`encoding: base64\` for binary files)`,
        );
      }
    }
    // `response` is the step's text result by convention (it is what `{<id>_result}` reads); it is
    // the very same string as `content`, so it costs nothing but a second key in the JSON report.
    const output = { path: where.path, content, bytes: bytes.length, encoding, response: content };
    return warnings.length > 0
      ? { status: 'succeeded_with_warnings', output, warnings }
      : { status: 'succeeded', output };
  },
};
