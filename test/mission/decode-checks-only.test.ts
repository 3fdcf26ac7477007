// The step and header codecs only check, never convert, so the parser lets their cheaper `is`
// answer for a value it accepts. These tests hold that shortcut to what a full decode gives:
// the same value and the same errors, for every step (and its parameters, as a command's) of the
// RustChain corpus and for random data.
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { MissionHeaderCodec, StepCodec } from '../../src/mission/codec.js';
import { decodeWith, draftsFromValidation } from '../../src/mission/decode-errors.js';
import { isChecksOnly } from '../../src/mission/checks-only.js';
import { withoutNullOptionals } from '../../src/mission/null-as-absent.js';
import { commandParameters } from '../../src/steps/command-params.js';
import { isRight } from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { Draft } from '../../src/mission/draft.js';
import { corpusFiles, readCorpus } from './support.js';

type Codec = t.Type<unknown, unknown, unknown>;

/** decodeWith (which asks `is` first for these codecs) against io-ts's full decode of the same input. */
const both = (codec: Codec, value: unknown): void => {
  expect(isChecksOnly(codec)).toBe(true);
  const drafts: Draft[] = [];
  const fast = decodeWith(codec, value, [], drafts);
  const r = codec.decode(withoutNullOptionals(codec, value));
  expect(fast).toEqual(isRight(r) ? r.right : undefined);
  expect(drafts).toEqual(isRight(r) ? [] : draftsFromValidation(r.left, []));
};

describe('decoding with checks only', () => {
  it('gives what a full decode gives for every step and header of the RustChain corpus', () => {
    let steps = 0;
    for (const file of corpusFiles()) {
      let doc: unknown;
      try {
        doc = parse(readCorpus(file));
      } catch {
        continue;
      }
      if (typeof doc !== 'object' || doc === null) continue;
      both(MissionHeaderCodec as Codec, doc);
      const list = (doc as { steps?: unknown }).steps;
      if (!Array.isArray(list)) continue;
      for (const s of list) {
        both(StepCodec as Codec, s);
        const p = (s as { parameters?: unknown } | null)?.parameters;
        if (typeof p === 'object' && p !== null) both(commandParameters as Codec, p);
        steps += 1;
      }
    }
    expect(steps).toBeGreaterThan(50);
  });

  it('gives what a full decode gives for random step-shaped data', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const step = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a', ' ', ''), scalar),
        name: fc.oneof(fc.string(), scalar),
        step_type: fc.oneof(
          fc.constantFrom('command', 'noop'),
          fc.record({ type: fc.oneof(fc.string(), scalar) }),
          scalar,
        ),
        parameters: fc.oneof(
          fc.dictionary(fc.string(), scalar),
          fc.record(
            {
              command: fc.oneof(fc.constantFrom('echo', ''), scalar),
              args: fc.oneof(fc.array(fc.oneof(fc.string(), scalar)), scalar),
              shell: fc.oneof(fc.constantFrom(true, 'bash'), scalar),
              env: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), scalar)), scalar),
              platform_commands: fc.oneof(fc.record({ unix: fc.record({ command: scalar }) }), scalar),
              expect_exit_codes: fc.oneof(fc.array(fc.oneof(fc.integer(), scalar)), scalar),
              max_output_bytes: fc.oneof(fc.constantFrom(1, 0, 1.5), scalar),
            },
            { requiredKeys: [] },
          ),
          scalar,
        ),
        depends_on: fc.oneof(fc.array(fc.oneof(fc.constantFrom('a', ''), scalar)), scalar),
        timeout_seconds: fc.oneof(fc.constantFrom(1, 0, -1, 0.5, NaN, Infinity), scalar),
        retry: fc.oneof(
          fc.record(
            {
              max_attempts: fc.oneof(fc.integer(), scalar),
              retry_on: fc.array(fc.constantFrom('timeout', 'x', 3)),
            },
            { requiredKeys: [] },
          ),
          scalar,
        ),
        dependency_strategy: fc.oneof(fc.constantFrom('all_required', 'conditional', 'nope'), scalar),
        continue_on_error: scalar,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(step, (s) => {
        both(StepCodec as Codec, s);
        both(commandParameters as Codec, s.parameters);
      }),
      { numRuns: 2000, seed: 20 },
    );
  });
});
