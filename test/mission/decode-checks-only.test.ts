// The step and header codecs only check, never convert, so the parser lets their cheaper `is`
// answer for a value it accepts. These tests hold that shortcut to what a full decode gives:
// the same value and the same errors, for every step of the RustChain corpus and for random data.
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { MissionHeaderCodec, StepCodec } from '../../src/mission/codec.js';
import { decodeWith } from '../../src/mission/decode-errors.js';
import type { Draft } from '../../src/mission/draft.js';
import { corpusFiles, readCorpus } from './support.js';

const both = (codec: typeof StepCodec | typeof MissionHeaderCodec, value: unknown): void => {
  const fastDrafts: Draft[] = [];
  const fullDrafts: Draft[] = [];
  const fast = decodeWith(codec as never, value, [], fastDrafts, true);
  const full = decodeWith(codec as never, value, [], fullDrafts, false);
  expect(fast).toEqual(full);
  expect(fastDrafts).toEqual(fullDrafts);
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
      both(MissionHeaderCodec, doc);
      const list = (doc as { steps?: unknown }).steps;
      if (!Array.isArray(list)) continue;
      for (const s of list) {
        both(StepCodec, s);
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
        parameters: fc.oneof(fc.dictionary(fc.string(), scalar), scalar),
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
      fc.property(step, (s) => both(StepCodec, s)),
      { numRuns: 2000, seed: 20 },
    );
  });
});
