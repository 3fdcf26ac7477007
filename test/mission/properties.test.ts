// parseMission never throws: thousands of random and mutated missions (corpus texts with lines
// deleted, duplicated, swapped, retyped, re-indented or replaced by garbage) always come back as
// an Either, and every error has a path and, since it came from text, a position.
import * as fc from 'fast-check';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import { stringify } from 'yaml';
import { MISSION_ERROR_CODES, type MissionError, type MissionErrorCode } from '../../src/mission/errors.js';
import type { Mission } from '../../src/mission/model.js';
import { decodeMission, parseMission, type ParseOptions } from '../../src/mission/parse.js';
import { corpusFiles, corpusRegistry, readCorpus } from './support.js';

const CODES: ReadonlySet<MissionErrorCode> = new Set(MISSION_ERROR_CODES);

const checkError = (e: MissionError, fromText: boolean): void => {
  expect(CODES.has(e.code)).toBe(true);
  expect(['error', 'warning']).toContain(e.severity);
  expect(typeof e.path).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.message).not.toContain('failed unexpectedly');
  if (fromText) {
    expect(e.position).toBeDefined();
    expect(e.position!.line).toBeGreaterThanOrEqual(1);
    expect(e.position!.column).toBeGreaterThanOrEqual(1);
  }
};

/** The property: an Either, never an exception; errors well-formed; a Right is a real mission. */
const check = (r: Either<ReadonlyArray<MissionError>, Mission>, fromText: boolean): void => {
  expect(isLeft(r) || isRight(r)).toBe(true);
  if (isLeft(r)) {
    expect(r.left.length).toBeGreaterThan(0);
    expect(r.left.some((e) => e.severity === 'error')).toBe(true);
    for (const e of r.left) checkError(e, fromText);
  } else {
    expect(r.right.steps.length).toBeGreaterThan(0);
    for (const s of r.right.steps) expect(typeof s.id).toBe('string');
    for (const w of r.right.warnings) {
      expect(w.severity).toBe('warning');
      checkError(w, fromText);
    }
  }
};

const verdicts = { right: 0, left: 0 };
const parses = (text: string, options: ParseOptions = {}): void => {
  let result: Either<ReadonlyArray<MissionError>, Mission> | undefined;
  expect(() => {
    result = parseMission(text, { stepTypes: corpusRegistry, ...options });
  }).not.toThrow();
  check(result!, true);
  verdicts[isRight(result!) ? 'right' : 'left']++;
};

const corpus = corpusFiles().map(readCorpus);

// Values that break types in interesting ways when put where a scalar was.
const oddValue = fc.oneof(
  fc.constantFrom(
    'null',
    '~',
    '[]',
    '{}',
    '-1',
    '0',
    '1e309',
    '.nan',
    'true',
    '""',
    '"|"',
    '*x',
    '&a',
    '!!binary AA==',
    '{type: llm}',
    '[a, [b, [c]]]',
    '"$(rm -rf /)"',
    '0x1F',
    '- a',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
);

type Mutation = (lines: string[]) => string[];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (ls) =>
        ls.filter((_, j) => j !== i % Math.max(1, ls.length)),
  ),
  fc.nat().map((i): Mutation => (ls) => {
    const k = i % Math.max(1, ls.length);
    return [...ls.slice(0, k + 1), ls[k] ?? '', ...ls.slice(k + 1)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (ls) => {
    const out = [...ls];
    const i = a % Math.max(1, out.length);
    const j = b % Math.max(1, out.length);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  }),
  fc.tuple(fc.nat(), oddValue).map(
    ([i, v]): Mutation =>
      (ls) =>
        ls.map((l, j) => (j === i % Math.max(1, ls.length) ? l.replace(/:( .*)?$/, `: ${v}`) : l)),
  ),
  fc
    .tuple(fc.nat(), fc.string({ maxLength: 30 }))
    .map(([i, g]): Mutation => (ls) => [
      ...ls.slice(0, i % (ls.length + 1)),
      g,
      ...ls.slice(i % (ls.length + 1)),
    ]),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(
    ([i, d]): Mutation =>
      (ls) =>
        ls.map((l, j) => (j === i % Math.max(1, ls.length) ? (d > 0 ? ' '.repeat(d) + l : l.slice(-d)) : l)),
  ),
  fc.nat().map(
    (i): Mutation =>
      (ls) =>
        ls.slice(0, i % (ls.length + 1)),
  ),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('id', 'step_type', 'depends_on', 'name', 'command', 'args', 'timeout_seconds'),
    )
    .map(([i, key]): Mutation => (ls) => {
      const k = i % Math.max(1, ls.length);
      return ls.map((l, j) => (j === k ? l.replace(/^(\s*-?\s*)[a-z_]+:/, `$1${key}:`) : l));
    }),
);

test('mutated corpus missions: always an Either, never an exception', () => {
  verdicts.right = verdicts.left = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...corpus),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (text, mutations) => {
        const lines = mutations.reduce((ls, m) => m(ls), text.split('\n'));
        parses(lines.join('\n'));
      },
    ),
    { numRuns: 1500 },
  );
  // The mutations are neither all fatal nor all harmless: both verdicts occur.
  expect(verdicts.right).toBeGreaterThan(50);
  expect(verdicts.left).toBeGreaterThan(50);
});

test('random text: always an Either, never an exception', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: fc.constantFrom(...'{}[]:-,&*!|>\'"#\n \t?%@`aZ0'.split('')), maxLength: 300 }),
      ),
      (text) => parses(text),
    ),
    { numRuns: 1500 },
  );
});

// Mission-shaped data: the right keys with values of any type.
const key = fc.constantFrom(
  'version',
  'name',
  'steps',
  'config',
  'id',
  'step_type',
  'parameters',
  'depends_on',
  'retry',
  'dependencies',
  'on_failure',
  'command',
  'args',
  'timeout_seconds',
  'retry_on',
  'type',
  '__proto__',
  'constructor',
);
const { shape } = fc.letrec((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.anything({ maxDepth: 2 }),
    fc.dictionary(key, tie('shape'), { maxKeys: 6 }),
    fc.array(tie('shape'), { maxLength: 4 }),
  ),
}));
const missionShaped = fc.record({
  version: fc.oneof(fc.constant('1.0'), fc.anything({ maxDepth: 1 })),
  name: fc.oneof(fc.constant('m'), fc.anything({ maxDepth: 1 })),
  steps: fc.oneof(
    fc.array(
      fc.record(
        {
          id: fc.constantFrom('a', 'b', 'c', ''),
          name: fc.string(),
          step_type: fc.constantFrom('command', 'noop', 'create_file', 'llm', 'Command', { type: 'noop' }),
          parameters: shape,
          depends_on: fc.array(fc.constantFrom('a', 'b', 'c', 'z')),
        },
        { requiredKeys: ['id'] },
      ),
      { maxLength: 5 },
    ),
    shape,
  ),
  config: shape,
});

test('mission-shaped data as YAML, as JSON and as plain values: always an Either', () => {
  fc.assert(
    fc.property(missionShaped, (value) => {
      let yamlText: string;
      try {
        yamlText = stringify(value);
      } catch {
        return; // a value YAML cannot write (such as a symbol key) is no input for this test
      }
      parses(yamlText);
      const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      if (json !== undefined) parses(json, { format: 'json' });
      let decoded: Either<ReadonlyArray<MissionError>, Mission> | undefined;
      expect(() => {
        decoded = decodeMission(value, { stepTypes: corpusRegistry });
      }).not.toThrow();
      check(decoded!, false);
    }),
    { numRuns: 400 },
  );
});

test('strict parsing of mutated missions is also total', () => {
  fc.assert(
    fc.property(fc.constantFrom(...corpus), mutation, (text, m) =>
      parses(m(text.split('\n')).join('\n'), { strict: true }),
    ),
    { numRuns: 500 },
  );
});
