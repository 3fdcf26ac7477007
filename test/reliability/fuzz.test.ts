// Hostile and broken input, fuzzed with fast-check from a fixed seed (FUZZ_SEED overrides it, and a
// failure prints the seed and path that replay it). It extends, and does not repeat, the parser's
// own property tests (test/mission/properties.test.ts: line-level corpus mutations, random text,
// mission-shaped data) and hostile cases (test/mission/hostile.test.ts): here the hostile features
// are generated and combined — alias bombs of random shape, nesting of random depth and style,
// huge scalars, duplicate keys, raw control and unicode characters in ids and paths, byte-level
// corpus mutations — and the invariants are stronger: no internal error, every error positioned
// inside the text, messages of bounded size, and the heap back where it was.
// Then values that try to get executed (templates and arguments), paths that try to leave the
// working directory, and secrets that try to get out.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as fc from 'fast-check';
import * as t from 'io-ts';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import { stringify } from 'yaml';
import { junitXml } from '../../src/cli/junit.js';
import { MISSION_ERROR_CODES, type MissionError } from '../../src/mission/errors.js';
import type { Mission } from '../../src/mission/model.js';
import { decodeMission, parseMission, type ParseOptions } from '../../src/mission/parse.js';
import { nodeFileSystem } from '../../src/node/node-filesystem.js';
import type { HttpClient } from '../../src/ports/http.js';
import type { SpawnRequest } from '../../src/ports/executor.js';
import type { AnyStepType, StepOutcome } from '../../src/ports/step-type.js';
import { copyFileStep } from '../../src/steps/copy-file.js';
import { createFileStep } from '../../src/steps/create-file.js';
import { defineStepType } from '../../src/steps/define-step-type.js';
import { deleteFileStep } from '../../src/steps/delete-file.js';
import { editFileStep } from '../../src/steps/edit-file.js';
import { listDirectoryStep } from '../../src/steps/list-directory.js';
import { moveFileStep } from '../../src/steps/move-file.js';
import { readFileStep } from '../../src/steps/read-file.js';
import { runMission } from '../../src/index.js';
import { LineSplitter } from '../../src/runtime/line-splitter.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import type { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { corpusFiles, corpusRegistry, readCorpus } from '../mission/support.js';
import { contextFor } from '../steps/support.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20251010);
// FUZZ_SCALE=10 runs ten times the cases (a longer hunt than CI's).
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (numRuns: number): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns: Math.ceil(numRuns * SCALE),
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

// ---------------------------------------------------------------------------------------------
// Mission text
// ---------------------------------------------------------------------------------------------

/** Characters that break naive parsers, shells, terminals and file systems. */
const HOSTILE_UNITS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u200b',
  '\u202e',
  '\ud800',
  '\udfff',
  '\ufffe',
  '\uffff',
  'é',
  '日',
  '🔑',
  '👩‍👩‍👧',
  '..',
  '../',
  '/',
  '\\',
  ':',
  ': ',
  '#',
  ' #',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '{{',
  '}}',
  '{',
  '}',
  '[',
  ']',
  ',',
  '- ',
  '?',
  ' ',
  'a',
  'Z',
  '0',
  '_',
  'CON',
  'nul.txt',
  '$(id)',
  '\\\\.\\',
  'C:',
] as const;
const hostileString = fc.string({ unit: fc.constantFrom(...HOSTILE_UNITS), maxLength: 10 });

/** A value of any type, for a field that expects another. */
const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, Number.POSITIVE_INFINITY, Number.NaN, '', [], {}, [[]], {
    a: null,
  }),
  fc.double(),
  fc.integer(),
  hostileString,
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Placeholders, replaced in the YAML text by a hostile construct the object model cannot express. */
const BOMB = '__BOMB_REF__';
const DEEP = '__DEEP__';
const HUGE = '__HUGE__';
const placeholder = fc.constantFrom(BOMB, DEEP, HUGE);

const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'build', 'test') },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: placeholder },
);
const pathArb = fc.oneof(
  fc.constantFrom('out.txt', '../escape.txt', '/etc/passwd', 'CON', 'a/../../b', '\\\\.\\pipe\\x', ''),
  hostileString,
  placeholder,
);
const scalarOrHostile = fc.oneof({ weight: 3, arbitrary: hostileString }, wrongType, placeholder);

const stepArb = fc.record(
  {
    id: idArb,
    name: fc.oneof(fc.constant('step'), scalarOrHostile),
    step_type: fc.oneof(
      fc.constantFrom('command', 'noop', 'create_file', 'read_file', 'http', 'llm', 'Command', 'nope'),
      wrongType,
    ),
    parameters: fc.oneof(
      fc.record(
        {
          command: scalarOrHostile,
          args: fc.oneof(fc.array(scalarOrHostile, { maxLength: 4 }), wrongType, placeholder),
          working_dir: pathArb,
          shell: fc.oneof(fc.boolean(), scalarOrHostile),
          env: fc.oneof(fc.dictionary(hostileString, scalarOrHostile, { maxKeys: 3 }), wrongType),
        },
        { requiredKeys: [] },
      ),
      fc.record({ path: pathArb, content: scalarOrHostile }, { requiredKeys: [] }),
      fc.record({ url: scalarOrHostile, method: scalarOrHostile }, { requiredKeys: [] }),
      wrongType,
      placeholder,
    ),
    depends_on: fc.oneof(fc.array(idArb, { maxLength: 3 }), wrongType),
    timeout_seconds: fc.oneof(fc.double(), fc.integer(), wrongType),
    retry: fc.oneof(
      fc.record(
        { max_attempts: fc.oneof(fc.integer(), wrongType), backoff: scalarOrHostile },
        { requiredKeys: [] },
      ),
      wrongType,
    ),
    continue_on_error: fc.oneof(fc.boolean(), wrongType),
    [HUGE]: fc.constant('unknown key'),
  },
  { requiredKeys: ['id', 'step_type'] },
);

const missionArb = fc.record(
  {
    version: fc.oneof(fc.constant('1.0'), scalarOrHostile),
    name: fc.oneof(fc.constant('fuzz'), scalarOrHostile),
    description: scalarOrHostile,
    steps: fc.oneof({ weight: 6, arbitrary: fc.array(stepArb, { maxLength: 5 }) }, wrongType),
    variables: fc.oneof(fc.dictionary(hostileString, scalarOrHostile, { maxKeys: 3 }), wrongType),
    secrets: fc.oneof(fc.array(hostileString, { maxLength: 2 }), wrongType),
    allowed_paths: fc.oneof(fc.array(pathArb, { maxLength: 2 }), wrongType),
    config: fc.oneof(
      fc.record(
        {
          max_parallel_steps: fc.oneof(fc.integer(), wrongType),
          fail_fast: fc.oneof(fc.boolean(), wrongType),
          kill_grace_seconds: fc.oneof(fc.double(), wrongType),
        },
        { requiredKeys: [] },
      ),
      wrongType,
    ),
  },
  { requiredKeys: ['steps'] },
);

/** How the placeholders become text. */
const hostileFeatures = fc.record({
  bomb: fc.record({ levels: fc.integer({ min: 1, max: 12 }), fanout: fc.integer({ min: 1, max: 12 }) }),
  deep: fc.record({
    depth: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 200 }) },
      { weight: 1, arbitrary: fc.integer({ min: 200, max: 5000 }) },
    ),
    style: fc.constantFrom('flow-seq', 'flow-map', 'quoted-seq'),
  }),
  huge: fc.record({
    // Mostly modest, sometimes large (sizes near and over the 4 MiB limit are the heap test's).
    chars: fc.oneof(
      { weight: 30, arbitrary: fc.integer({ min: 0, max: 4096 }) },
      { weight: 1, arbitrary: fc.integer({ min: 64 * 1024, max: 256 * 1024 }) },
    ),
    unit: fc.constantFrom('x', 'é', '🔑', '\\u0000', "''"),
    quoted: fc.boolean(),
  }),
  /** Text-level damage after rendering. */
  edits: fc.array(
    fc.oneof(
      fc.record({ _tag: fc.constant('insert' as const), at: fc.nat(), text: hostileString }),
      fc.record({ _tag: fc.constant('duplicate_line' as const), at: fc.nat(), changed: fc.boolean() }),
      fc.record({ _tag: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ _tag: fc.constant('line_ends' as const), to: fc.constantFrom('\r\n', '\r', '\u2028') }),
      fc.record({ _tag: fc.constant('tabs' as const) }),
      fc.record({ _tag: fc.constant('bom' as const) }),
    ),
    { maxLength: 3 },
  ),
});
type Features = typeof hostileFeatures extends fc.Arbitrary<infer F> ? F : never;

const bombDefinition = (levels: number, fanout: number): string => {
  const lines = [`b0: &b0 [${Array(fanout).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `b${i}: &b${i} [${Array(fanout)
        .fill(`*b${i - 1}`)
        .join(', ')}]`,
    );
  return `bombs:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
};

const deepText = (depth: number, style: string): string =>
  style === 'flow-seq'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : style === 'flow-map'
      ? `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'["x", '.repeat(depth)}"y"${']'.repeat(depth)}`;

const hugeText = (chars: number, unit: string, quoted: boolean): string => {
  const body = unit.repeat(Math.max(1, Math.floor(chars / unit.length)));
  return quoted || unit !== 'x' ? `"${body.replace(/"/g, '\\"')}"` : body;
};

/** A hostile mission as YAML text. */
const renderHostile = (mission: unknown, f: Features): string => {
  let text: string;
  try {
    text = stringify(mission, { lineWidth: 0 });
  } catch {
    text = 'steps: []\n';
  }
  // Anchors must come before the aliases that use them: the bomb's definition opens the document.
  const usesBomb = text.includes(BOMB);
  text = text
    .replaceAll(BOMB, `*b${f.bomb.levels - 1}`)
    .replaceAll(DEEP, deepText(f.deep.depth, f.deep.style))
    .replaceAll(HUGE, hugeText(f.huge.chars, f.huge.unit, f.huge.quoted));
  if (usesBomb) text = bombDefinition(f.bomb.levels, f.bomb.fanout) + text;
  for (const e of f.edits) {
    switch (e._tag) {
      case 'insert': {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.text + text.slice(at);
        break;
      }
      case 'duplicate_line': {
        // A duplicated `key: value` line is a duplicate key (with the same or another value).
        const lines = text.split('\n');
        const i = e.at % Math.max(1, lines.length);
        const line = lines[i] ?? '';
        lines.splice(i, 0, e.changed ? line.replace(/:( .*)?$/, ': other') : line);
        text = lines.join('\n');
        break;
      }
      case 'truncate':
        text = text.slice(0, e.at % (text.length + 1));
        break;
      case 'line_ends':
        text = text.replaceAll('\n', e.to);
        break;
      case 'tabs':
        text = text.replace(/^( {2})+/gm, (s) => '\t'.repeat(s.length / 2));
        break;
      case 'bom':
        text = `\ufeff${text}`;
        break;
    }
  }
  return text;
};

/** Every code a MissionError may carry (the closed union). */
const CODES: ReadonlySet<string> = new Set(MISSION_ERROR_CODES);
/** Errors about the document as a whole, whose path is the empty root path. */
const DOCUMENT_CODES = new Set<string>([
  'yaml_syntax',
  'too_large',
  'not_a_mission',
  'too_deep',
  'alias_limit',
]);
/** A message, found value, expectation and hint together never grow with the input. */
const MAX_ERROR_CHARS = 4400;

const lineBreaks = (text: string): number => (text.match(/\r\n|\r|\n|\u2028|\u2029|\u0085/g) ?? []).length;

/** The invariants of one parse: an Either, never a throw; every error well-formed and located. */
const checkParsed = (r: Either<ReadonlyArray<MissionError>, Mission>, text: string | undefined): void => {
  const all = isLeft(r) ? r.left : r.right.warnings;
  let lines: number | undefined;
  if (isLeft(r)) expect(r.left.some((e) => e.severity === 'error')).toBe(true);
  for (const e of all) {
    if (!CODES.has(e.code)) throw new Error(`unknown error code ${e.code}`);
    // A caught internal exception is a defect reported politely, but a defect all the same.
    if (e.message.includes('failed unexpectedly')) throw new Error(`internal error: ${e.message}`);
    if (typeof e.path !== 'string') throw new Error(`error without a path: ${JSON.stringify(e)}`);
    if (e.path === '' && !DOCUMENT_CODES.has(e.code))
      throw new Error(`a ${e.code} error at the document root: ${e.message}`);
    const size =
      e.message.length + (e.found?.length ?? 0) + (e.expected?.length ?? 0) + (e.hint?.length ?? 0);
    if (size > MAX_ERROR_CHARS)
      throw new Error(`a ${e.code} error of ${size} characters at ${e.path.slice(0, 80)}`);
    if (text !== undefined) {
      const p = e.position;
      if (p === undefined) throw new Error(`a ${e.code} error from text without a position (${e.path})`);
      lines ??= lineBreaks(text) + 1;
      if (!(p.line >= 1 && p.column >= 1 && p.line <= lines && p.column <= text.length + 1))
        throw new Error(`a ${e.code} error positioned outside the text: ${p.line}:${p.column}`);
    }
  }
};

const parseChecked = (
  text: string,
  options: ParseOptions = {},
): Either<ReadonlyArray<MissionError>, Mission> => {
  let r: Either<ReadonlyArray<MissionError>, Mission> | undefined;
  try {
    r = parseMission(text, { stepTypes: corpusRegistry, ...options });
  } catch (e) {
    throw new Error(`parseMission threw: ${String(e)}`);
  }
  checkParsed(r, text);
  return r;
};

describe('mission text', () => {
  const corpus = corpusFiles().map(readCorpus);

  test('generated hostile missions (YAML and JSON): errors, never exceptions, each located and bounded', () => {
    const before = heapAfterGc();
    const verdicts = { right: 0, left: 0 };
    fc.assert(
      fc.property(missionArb, hostileFeatures, fc.boolean(), (mission, features, strict) => {
        const text = renderHostile(mission, features);
        const r = parseChecked(text, { strict });
        verdicts[isRight(r) ? 'right' : 'left'] += 1;
        // The same document as JSON (no anchors, no placeholders), parsed as JSON.
        const json = JSON.stringify(mission);
        if (json !== undefined && !json.includes(HUGE)) parseChecked(json, { format: 'json' });
      }),
      runs(600),
    );
    // Nothing is retained between parses.
    expect((heapAfterGc() - before) / MiB).toBeLessThan(16);
    expect(verdicts.left).toBeGreaterThan(verdicts.right);
  });

  test('corpus missions damaged byte by byte and spliced with hostile constructs', () => {
    const splice = fc.oneof(
      hostileString,
      fc.constantFrom(
        '*undefined_alias',
        '&a [*a]',
        '<<: *nowhere',
        '!!python/object:os.system x',
        '? [a]\n: b',
        '{',
        '"unterminated',
        '%YAML 9.9\n---',
        '--- \n...\n---',
        'steps: []',
        'id: "a"\n  - id: "a"',
        '\t- id: tab',
      ),
      fc.integer({ min: 1, max: 3000 }).map((d) => deepText(d, 'flow-seq')),
      fc.integer({ min: 1, max: 9 }).map((l) => `\n${bombDefinition(l, 9)}x: *b${l - 1}\n`),
    );
    const edit = fc.oneof(
      fc.record({ _tag: fc.constant('splice' as const), at: fc.nat(), text: splice }),
      fc.record({
        _tag: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 40 }),
      }),
      fc.record({
        _tag: fc.constant('repeat' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 60 }),
      }),
      fc.record({ _tag: fc.constant('replace_id' as const), with: hostileString }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(edit, { minLength: 1, maxLength: 5 }),
        (original, edits) => {
          let text = original;
          for (const e of edits) {
            const at = 'at' in e ? e.at % (text.length + 1) : 0;
            if (e._tag === 'splice') text = text.slice(0, at) + e.text + text.slice(at);
            else if (e._tag === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
            else if (e._tag === 'repeat') text = text.slice(0, at + e.length) + text.slice(at);
            // An id made of control characters, unicode and path separators, as the file wrote it.
            else text = text.replace(/id: "[^"\n]*"/, `id: ${JSON.stringify(e.with)}`);
          }
          parseChecked(text);
        },
      ),
      runs(600),
    );
  });

  describe('huge inputs, alias bombs and deep nesting keep the heap bounded', () => {
    // Each case is measured on its own: the heap after the parse (with its result still held) may
    // exceed the heap before it by a few MiB plus a small multiple of the text: the strings the
    // mission holds (2 bytes a character), and for broken text an error or two per line.
    const cases: ReadonlyArray<readonly [string, fc.Arbitrary<string>, number]> = [
      [
        'alias bombs',
        fc
          .record({ levels: fc.integer({ min: 4, max: 14 }), fanout: fc.integer({ min: 4, max: 14 }) })
          .map(
            ({ levels, fanout }) =>
              `${bombDefinition(levels, fanout)}version: "1"\nname: x\nsteps:\n  - {id: a, name: a, step_type: command, parameters: {command: echo, args: *b${levels - 1}}}\n`,
          ),
        4,
      ],
      [
        'deep nesting',
        fc
          .integer({ min: 1000, max: 30_000 })
          .map((d) => `version: "1"\nname: x\nvariables: {v: ${deepText(d, 'flow-map')}}\nsteps: []\n`),
        4,
      ],
      ...[
        ['double-quoted', '"', '"'],
        ['single-quoted', "'", "'"],
        ['plain', '', ''],
        ['block', '|\n  ', ''],
      ].map(
        ([style, open, close]) =>
          [
            `a huge ${style} scalar`,
            fc
              .integer({ min: 1 * MiB, max: 3.5 * MiB })
              .map(
                (bytes) =>
                  `version: "1"\nname: x\ndescription: ${open}${'é'.repeat(Math.floor(bytes / 2))}${close}\nsteps:\n  - {id: a, name: a, step_type: noop}\n`,
              ),
            4,
          ] as const,
      ),
      [
        'thousands of errors',
        fc
          .integer({ min: 2000, max: 8000 })
          .map(
            (n) =>
              `version: "1"\nname: x\nsteps:\n${Array.from({ length: n }, (_, i) => `  - {id: s${i % 97}, name: s, step_type: noop, depends_on: [s${(i * 7) % 97}]}\n`).join('')}`,
          ),
        16,
      ],
    ];
    test.each(cases)('%s', (_name, texts, perChar) => {
      fc.assert(
        fc.property(texts, (text) => {
          const before = heapAfterGc();
          const r = parseChecked(text);
          const retained = heapAfterGc() - before;
          expect(retained).toBeLessThan(8 * MiB + perChar * text.length);
          expect(isLeft(r) || isRight(r)).toBe(true);
        }),
        runs(2),
      );
    });
  });

  test('classic Mac line ends (a lone CR) are line breaks, as YAML 1.2 says', () => {
    for (const text of corpus) {
      const lf = parseChecked(text);
      const cr = parseChecked(text.replace(/\r?\n/g, '\r'));
      expect(isRight(cr)).toBe(isRight(lf));
      if (isRight(lf) && isRight(cr))
        expect(cr.right.steps.map((s) => s.id)).toEqual(lf.right.steps.map((s) => s.id));
      if (isLeft(lf) && isLeft(cr))
        expect(cr.left.map((e) => [e.code, e.path, e.position])).toEqual(
          lf.left.map((e) => [e.code, e.path, e.position]),
        );
    }
  });

  test('unicode and control characters in ids and paths: refused or kept exactly, never mangled', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (id, file) => {
        const text = `version: "1.0"\nname: ids\nsteps:\n  - id: ${JSON.stringify(id)}\n    name: n\n    step_type: create_file\n    parameters: { path: ${JSON.stringify(file)}, content: x }\n  - { id: next, name: n, step_type: noop, depends_on: [${JSON.stringify(id)}] }\n`;
        const r = parseChecked(text);
        if (isRight(r)) {
          // What loads is exactly what was written: no normalisation behind the author's back.
          expect(r.right.steps[0]!.id).toBe(id);
          expect(r.right.steps[1]!.depends_on).toEqual([id]);
          expect(r.right.steps[0]!.parameters['path']).toBe(file);
        }
      }),
      runs(400),
    );
  });

  test('plain data with hostile strings and shapes: errors carry a path, never a throw', () => {
    fc.assert(
      fc.property(missionArb, (mission) => {
        let r: Either<ReadonlyArray<MissionError>, Mission> | undefined;
        expect(() => (r = decodeMission(mission, { stepTypes: corpusRegistry }))).not.toThrow();
        checkParsed(r!, undefined);
      }),
      runs(500),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Template and argument injection
// ---------------------------------------------------------------------------------------------

/** Shell syntax, template syntax and RustChain syntax, to be carried as data and nothing else. */
const EVIL_UNITS = [
  ';',
  '|',
  '&',
  '&&',
  '||',
  '$',
  '$(',
  ')',
  '`',
  "'",
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '<',
  '>',
  '*',
  '?',
  '[',
  ']',
  '~',
  '#',
  '!',
  '%',
  '^',
  '=',
  '{{',
  '}}',
  '{',
  '}',
  '{{ variables.v }}',
  '{{ steps.src.stdout }}',
  '{{ env.E }}',
  '{{env.HOME}}',
  '{v}',
  '{src_result}',
  '{{ timestamp }}',
  '${HOME}',
  '$(touch PWNED)',
  '`touch PWNED`',
  "'; touch PWNED; '",
  '%PATH%',
  'a',
  'é',
  '🔑',
  '‘',
  '’',
  '‚',
  '‛',
  '’; calc; ’',
] as const;
const evil = fc.string({ unit: fc.constantFrom(...EVIL_UNITS), maxLength: 12 });

/** Removes the one trailing newline `{{ steps.<id>.stdout }}` drops. */
const stdoutValue = (s: string): string => s.replace(/\r?\n$/, '');

/** The values a shell step's command line reads, in the order of its references. */
const shellValues = (env: Readonly<Record<string, string>>): string[] =>
  Object.keys(env)
    .filter((k) => k.startsWith('MISSIONKIT_VALUE_'))
    .sort((x, y) => Number(x.slice(17)) - Number(y.slice(17)))
    .map((k) => env[k]!);

const INJECTION_MISSION = `version: "1.0"
name: injection
variables: { v: "from the mission" }
steps:
  - { id: src, name: src, step_type: command, parameters: { command: produce } }
  - id: argv
    name: argv
    step_type: command
    depends_on: [src]
    parameters:
      command: consume
      args: ["{{ variables.v }}", "{{ env.E }}", "{{ steps.src.stdout }}", "<{{ variables.v }}|{{ env.E }}>"]
  - id: shelled
    name: shelled
    step_type: command
    depends_on: [src]
    parameters: { command: "printf %s {{ variables.v }} {{ env.E }} {{ steps.src.stdout }}", shell: true }
  - id: fished
    name: fished
    step_type: command
    depends_on: [src]
    parameters: { command: "printf %s {{ variables.v }} {{ env.E }} {{ steps.src.stdout }}", shell: fish }
  - id: powershell
    name: powershell
    step_type: command
    depends_on: [src]
    parameters: { command: "printf %s {{ variables.v }} {{ env.E }} {{ steps.src.stdout }}", shell: pwsh }
  - id: file
    name: file
    step_type: create_file
    depends_on: [src]
    parameters: { path: out.txt, content: "{v}|{{ variables.v }}|{src_result}|{{ env.E }}" }
`;

describe('template and argument injection', () => {
  test('values from variables, step outputs and env reach argv, a shell and a file as data, never re-expanded', async () => {
    await fc.assert(
      fc.asyncProperty(evil, evil, evil, async (v, e, out) => {
        const requests: SpawnRequest[] = [];
        const { report, fs: mem } = await runTestMission(INJECTION_MISSION, {
          variables: { v },
          env: { E: e },
          commands: { produce: { output: [{ text: out }] } },
          defaultScript: (req: SpawnRequest) => (requests.push(req), {}),
        });
        expect(report.status).toBe('succeeded');
        const argv = requests.find((r) => r.command === 'consume')!;
        expect(argv.args).toEqual([v, e, stdoutValue(out), `<${v}|${e}>`]);
        expect(argv.shell).toBe(false);
        // A shell's command line never holds a value: only references to the child's environment.
        const refs = (r: (n: number) => string): string => `printf %s ${[1, 2, 3].map(r).join(' ')}`;
        const shelled = requests.find((r) => r.shell === true)!;
        expect(shelled.command).toBe(refs((n) => `"$MISSIONKIT_VALUE_${n}"`));
        expect(shellValues(shelled.env)).toEqual([v, e, stdoutValue(out)]);
        const fished = requests.find((r) => r.shell === 'fish')!;
        expect(fished.command).toBe(refs((n) => `"$MISSIONKIT_VALUE_${n}"`));
        expect(shellValues(fished.env)).toEqual([v, e, stdoutValue(out)]);
        const powershell = requests.find((r) => r.shell === 'pwsh')!;
        expect(powershell.command).toBe(refs((n) => `"\${env:MISSIONKIT_VALUE_${n}}"`));
        expect(shellValues(powershell.env)).toEqual([v, e, stdoutValue(out)]);
        expect((mem as MemoryFileSystem).text('/mission/out.txt')).toBe(`${v}|${v}|${stdoutValue(out)}|${e}`);
      }),
      runs(400),
    );
  });

  describe('with real processes and real shells', () => {
    let dir: string;
    beforeAll(
      () => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-fuzz-inject-')))),
    );
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const node = JSON.stringify(process.execPath);
    const printArgv = "'process.stdout.write(JSON.stringify(process.argv.slice(1)))'";
    const shells = ['sh', ...(hasProgram('bash') ? ['bash'] : [])];
    const mission = `version: "1.0"
name: real injection
variables: { v: "from the mission" }
config: { max_parallel_steps: 4 }
steps:
  - id: src
    name: src
    step_type: command
    parameters: { command: ${node}, args: ["-e", "process.stdout.write(process.env.EVIL)"] }
  - id: argv
    name: argv
    step_type: command
    depends_on: [src]
    parameters: { command: ${node}, args: ["-e", ${JSON.stringify(printArgv.slice(1, -1))}, "{{ variables.v }}", "{{ env.E }}", "{{ steps.src.stdout }}"] }
${shells
  .map(
    (shell) => `  - id: via_${shell}
    name: via ${shell}
    step_type: command
    depends_on: [src]
    parameters: { command: ${JSON.stringify(`${node} -e ${printArgv} {{ variables.v }} {{ env.E }} {{ steps.src.stdout }}`)}, shell: ${shell === 'sh' ? 'true' : shell} }
`,
  )
  .join('')}`;

    test('nothing substituted is ever executed: argv, sh and bash all receive the exact values', async () => {
      // No NUL (an argument cannot hold one) and no lone surrogates (an environment is UTF-8).
      const realEvil = evil.filter((s) => !s.includes('\u0000'));
      await fc.assert(
        fc.asyncProperty(realEvil, realEvil, realEvil, async (v, e, out) => {
          const report = await runMission(mission, {
            cwd: dir,
            variables: { v },
            env: { E: e, EVIL: out },
          });
          expect(report.steps.map((s) => [s.id, s.status, s.message ?? ''])).toEqual(
            report.steps.map((s) => [s.id, 'succeeded', '']),
          );
          for (const s of report.steps.slice(1))
            expect([s.id, JSON.parse(s.stdout.text)]).toEqual([s.id, [v, e, stdoutValue(out)]]);
          expect(fs.readdirSync(dir)).toEqual([]);
        }),
        runs(12),
      );
    });
  });
});

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// File confinement
// ---------------------------------------------------------------------------------------------

const fileTypes: ReadonlyArray<readonly [string, AnyStepType, (p: string) => Record<string, unknown>]> = [
  ['read_file', readFileStep, (p) => ({ path: p })],
  ['create_file', createFileStep, (p) => ({ path: p, content: 'pwned' })],
  ['edit_file (append)', editFileStep, (p) => ({ path: p, content: 'pwned', append: true })],
  ['delete_file', deleteFileStep, (p) => ({ path: p, recursive: true })],
  ['list_directory', listDirectoryStep, (p) => ({ path: p, recursive: true })],
  ['copy_file (from)', copyFileStep, (p) => ({ source: p, destination: 'stolen.txt' })],
  ['copy_file (to)', copyFileStep, (p) => ({ source: 'inside.txt', destination: p })],
  ['move_file (from)', moveFileStep, (p) => ({ source: p, destination: 'stolen.txt' })],
  ['move_file (to)', moveFileStep, (p) => ({ source: 'inside.txt', destination: p })],
];

/** Every file under `dir` with its content (symlinks as their targets), to prove nothing changed. */
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const visit = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) visit(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  visit(dir);
  return out;
};

describe('file steps stay inside the working directory', () => {
  let base: string;
  let root: string;
  let outside: string;
  let rootBefore: Record<string, string>;
  let outsideBefore: Record<string, string>;
  const OUTSIDE_SECRET = 'the content outside';

  /** The working directory, with every way a symlink can lead out of it. */
  const makeRoot = (): void => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'inside.txt'), 'inside');
    fs.symlinkSync('../outside', path.join(root, 'out'));
    fs.symlinkSync(outside, path.join(root, 'abs'));
    fs.symlinkSync('../../../outside/dir', path.join(root, 'sub', 'deeper', 'up'));
    fs.symlinkSync('out', path.join(root, 'chain'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'file_out'));
    // Its target does not exist (yet): a write through it would create a file outside.
    fs.symlinkSync(path.join(outside, 'not-yet'), path.join(root, 'dangling_out'));
  };

  beforeAll(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-fuzz-files-')));
    root = path.join(base, 'work');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(outside, 'dir'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'secret.txt'), OUTSIDE_SECRET);
    fs.writeFileSync(path.join(outside, 'dir', 'f.txt'), OUTSIDE_SECRET);
    makeRoot();
    rootBefore = snapshot(root);
    outsideBefore = snapshot(outside);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  const run = async (type: AnyStepType, params: Record<string, unknown>): Promise<StepOutcome> => {
    const decoded = (type.parameters as t.Mixed).decode(params);
    if (isLeft(decoded)) throw new Error(`parameters did not decode: ${JSON.stringify(params)}`);
    const { ctx } = contextFor({ cwd: root, fs: nodeFileSystem });
    try {
      return await type.run(ctx, decoded.right);
    } catch (e) {
      // The runtime turns a throw into a failed step; here it must not leak anything either.
      return { status: 'failed', failure_kind: 'error', message: String(e) };
    }
  };

  const mustRefuse = async (p: string): Promise<void> => {
    for (const [name, type, params] of fileTypes) {
      const out = await run(type, params(p));
      if (out.status !== 'failed' || out.failure_kind !== 'invalid_input')
        throw new Error(`${name} did not refuse ${JSON.stringify(p)}: ${JSON.stringify(out)}`);
      expect(out.retryable).toBe(false);
      expect(out.message).toMatch(/outside the working directory|names a device|leads through a symlink/);
      expect(out.hint).toBeDefined();
    }
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(snapshot(root)).toEqual(rootBefore);
  };

  const segment = fc.constantFrom('a', 'sub', 'deeper', '.', 'x y', 'é', 'new.txt');
  const segments = fc.array(segment, { maxLength: 3 });
  const SYMLINKS_OUT = ['out', 'abs', 'sub/deeper/up', 'chain', 'file_out', 'dangling_out'];

  test('`..` that climbs out, absolute paths and symlinks out are refused by every file step', async () => {
    const climbing = fc
      .tuple(segments, fc.integer({ min: 1, max: 3 }), segments)
      .map(([down, extra, rest]) =>
        [
          ...down,
          ...Array<string>(down.filter((d) => d !== '.').length + extra).fill('..'),
          'outside',
          ...rest,
        ].join('/'),
      );
    const absolute = fc
      .tuple(
        fc.constantFrom(outside, '/etc', '/', path.join(outside, 'secret.txt'), `${root}/../outside`),
        segments,
      )
      .map(([abs, rest]) => [abs, ...rest].join('/'));
    const throughLink = fc
      .tuple(
        fc.constantFrom('', './', 'sub/../', 'sub/deeper/../../', 'x/../', `${root}/`),
        fc.constantFrom(...SYMLINKS_OUT),
        fc.constantFrom('', '/', '/secret.txt', '/f.txt', '/new.txt', '/dir/x'),
      )
      .map(([pre, link, post]) => `${pre}${link}${post}`);
    await fc.assert(fc.asyncProperty(fc.oneof(climbing, absolute, throughLink), mustRefuse), runs(60));
  });

  test('Windows reserved names and device paths are refused on every platform, in every spelling', async () => {
    const reserved = fc
      .tuple(
        fc.constantFrom(
          'CON',
          'PRN',
          'AUX',
          'NUL',
          'COM1',
          'COM9',
          'LPT1',
          'LPT9',
          'COM¹',
          'LPT³',
          'CONIN$',
          'CONOUT$',
        ),
        fc.constantFrom(
          (x: string) => x,
          (x: string) => x.toLowerCase(),
          (x: string) => x[0] + x.slice(1).toLowerCase(),
        ),
        fc.constantFrom('', '.txt', '.tar.gz', ' ', '  .log', '.', ':', ':stream'),
        segments,
        fc.constantFrom('/', '\\'),
      )
      .map(([name, casing, suffix, dirs, sep]) => [...dirs, `${casing(name)}${suffix}`].join(sep));
    const device = fc
      .tuple(
        fc.constantFrom('\\\\.\\', '\\\\?\\', '//./', '//?/', '\\??\\'),
        fc.constantFrom('pipe\\x', 'C:\\x', 'PhysicalDrive0', 'GLOBALROOT/Device'),
      )
      .map(([prefix, rest]) => prefix + rest);
    await fc.assert(fc.asyncProperty(fc.oneof(reserved, device), mustRefuse), runs(60));
  });

  test('any other path: whatever happens stays inside, and nothing from outside is read', async () => {
    const anyPath = fc
      .array(
        fc.oneof(
          segment,
          fc.constantFrom(
            '..',
            '',
            'out',
            'abs',
            'chain',
            'file_out',
            'dangling_out',
            'NUL',
            '~',
            '%TEMP%',
            '$HOME',
          ),
          hostileString,
        ),
        { minLength: 1, maxLength: 4 },
      )
      .chain((parts) => fc.constantFrom('/', '\\').map((sep) => parts.join(sep)));
    await fc.assert(
      fc.asyncProperty(anyPath, async (p) => {
        try {
          for (const [, type, params] of fileTypes) {
            const out = await run(type, params(p));
            expect(JSON.stringify(out)).not.toContain(OUTSIDE_SECRET);
          }
          expect(snapshot(outside)).toEqual(outsideBefore);
        } finally {
          makeRoot(); // some of these paths are legitimately writable: start the next case afresh
        }
      }),
      runs(120),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

// Secrets and the text around them come from disjoint alphabets (and neither holds `*`, JSON's or
// XML's structure, or the capture marker's characters), so any run of 4 characters of the secret
// found in what leaves the run can only be a leak.
const SECRET_UNITS = [
  'Q',
  'X',
  'J',
  '§',
  '¤',
  'Ω',
  '日',
  '🔑',
  '$',
  '^',
  '+',
  '?',
  '(',
  ')',
  '|',
  '\\',
  '.',
  '#',
  '@',
  '%',
  '~',
  '!',
];
const FILLER_UNITS = ['a', 'b', 'z', '0', '9', ' ', '-', '\t', 'é', 'ü'];
const secretArb = fc.string({ unit: fc.constantFrom(...SECRET_UNITS), minLength: 4, maxLength: 24 });
const filler = fc.string({ unit: fc.constantFrom(...FILLER_UNITS), maxLength: 40 });
/** A line long enough that the line splitter cuts it, with the cut falling near a secret after it. */
const LINE_CUT = 16 * 1024;
const longPad = fc.integer({ min: LINE_CUT - 30, max: LINE_CUT + 2 }).map((n) => 'a'.repeat(n));

/** Every 4-character window of the secret, as it would appear raw and inside a JSON string. */
const windows = (secret: string): ReadonlyArray<readonly [string, string]> => {
  const chars = [...secret];
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i + 4 <= chars.length; i++) {
    const w = chars.slice(i, i + 4).join('');
    out.push([w, JSON.stringify(w).slice(1, -1)]);
  }
  return out;
};

const expectNoLeak = (secret: string, json: string, xml: string): void => {
  for (const [raw, escaped] of windows(secret)) {
    if (json.includes(escaped))
      throw new Error(
        `${JSON.stringify(raw)} of the secret leaked: …${json.slice(Math.max(0, json.indexOf(escaped) - 60), json.indexOf(escaped) + 60)}…`,
      );
    if (xml.includes(raw)) throw new Error(`${JSON.stringify(raw)} of the secret leaked into JUnit XML`);
  }
};

/** A step type of the host's own that puts the secret everywhere it can. */
const leaky = defineStepType({
  name: 'leaky',
  parameters: t.type({ fail: t.boolean }),
  run: async (ctx, p) => {
    const token = ctx.variables['token'] ?? '';
    ctx.progress(`working with ${token}`, 0.5);
    ctx.log.info(`the token is ${token}`);
    ctx.log.warn(`careful: ${token}`);
    if (p.fail) throw Object.assign(new Error(`refused ${token}`), { hint: `rotate ${token}` });
    return { response: `answer: ${token}`, nested: { list: [token, `x${token}x`] } };
  },
});

describe('output lines', () => {
  test('a line cut for length is never cut inside a character, and nothing is lost', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'é', '🔑', '👩‍👩‍👧', '\n', 'QX'), maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom([], ['QXQX'], ['🔑a🔑']),
        (text, cuts, max, secrets) => {
          const lines: string[] = [];
          const splitter = new LineSplitter((l) => lines.push(l), max, secrets);
          const bytes = new TextEncoder().encode(text);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          [0, ...at, bytes.length].forEach((start, i, all) => {
            if (i + 1 < all.length) splitter.push(bytes.subarray(start, all[i + 1]));
          });
          splitter.end();
          // (Secrets kept whole by the cut: see 'secrets never leave a run' below.)
          for (const line of lines) expect(LONE_SURROGATE.test(line)).toBe(false);
          // Lines of text, pieces of long lines: together they are the text again.
          expect(lines.join('')).toBe(text.replace(/\n/g, ''));
        },
      ),
      runs(1000),
    );
  });
});

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('secrets never leave a run', () => {
  test('echoed back in chunks split anywhere, cut by line limits and capture limits, thrown and logged', async () => {
    const piece = fc.oneof(
      { weight: 3, arbitrary: fc.constant('SECRET') },
      { weight: 3, arbitrary: filler },
      { weight: 2, arbitrary: fc.constant('\n') },
      { weight: 1, arbitrary: longPad },
    );
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fc.array(piece, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom('stdout', 'stderr') as fc.Arbitrary<'stdout' | 'stderr'>,
        fc.oneof(fc.integer({ min: 8, max: 64 }), fc.constant(1024 * 1024)),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        async (secret, pieces, cuts, stream, maxOutputBytes, exitCode, fail) => {
          const bytes = new TextEncoder().encode(pieces.map((p) => (p === 'SECRET' ? secret : p)).join(''));
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at, bytes.length].flatMap((start, i, all) =>
            i + 1 < all.length && all[i + 1]! > start ? [Array.from(bytes.subarray(start, all[i + 1]))] : [],
          );
          const yaml = `version: "1.0"
name: secrets
variables:
  token: { value: "placeholder", secret: true }
config: { fail_fast: false }
steps:
  - { id: echo, name: echo, step_type: command, parameters: { command: echo, args: ["{{ variables.token }}"] } }
  - { id: missing, name: missing, step_type: command, parameters: { command: "{{ variables.token }}" } }
  - { id: leaky, name: leaky, step_type: leaky, parameters: { fail: ${fail} } }
  - { id: file, name: file, step_type: create_file, parameters: { path: "t.txt", content: "{token}" } }
`;
          const events: MissionEvent[] = [];
          const { report } = await runTestMission(yaml, {
            variables: { token: secret },
            maxOutputBytes,
            stepTypes: [leaky],
            onEvent: (e) => events.push(e),
            commands: {
              echo: {
                output: chunks.map((b, i) => ({ atMs: i, stream, bytes: b })),
                exitAfterMs: chunks.length + 1,
                exitCode,
              },
            },
          });
          expect(report.steps.map((s) => s.id)).toEqual(['echo', 'missing', 'leaky', 'file']);
          expectNoLeak(secret, JSON.stringify([events, report]), junitXml(report));
        },
      ),
      runs(600),
    );
  });

  test('a real process echoing the secret a byte at a time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-fuzz-secret-'));
    try {
      const secret = 'QX§Ω日🔑$^(|)\\.#@%~!J';
      const script =
        "const b=Buffer.from('out: '+process.env.T+'\\n');let i=0;const next=()=>{if(i<b.length){process.stdout.write(b.subarray(i,i+1));process.stderr.write(b.subarray(i,++i));setTimeout(next,1)}};next()";
      const yaml = `version: "1.0"
name: echo
secrets: [token]
steps:
  - { id: echo, name: echo, step_type: command, parameters: { command: ${JSON.stringify(process.execPath)}, args: ["-e", ${JSON.stringify(script)}], env: { T: "{{ variables.token }}" } } }
`;
      const events: MissionEvent[] = [];
      const report = await runMission(yaml, {
        cwd: dir,
        variables: { token: secret },
        onEvent: (e) => events.push(e),
      });
      expect(report.steps[0]!.stdout.text).toBe('out: ***\n');
      expect(report.steps[0]!.stderr.text).toBe('out: ***\n');
      expectNoLeak(secret, JSON.stringify([events, report]), junitXml(report));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an LLM server that echoes the API key back: the key is in no message, output or event', async () => {
    const key = 'sk-QXJ§Ω日🔑$^(|)\\.#@%~!QXJ';
    const http: HttpClient = {
      request: (req) => {
        const sent = req.headers['authorization'] ?? req.headers['Authorization'] ?? '';
        const unauthorized = req.url.includes('bad');
        const body = unauthorized
          ? JSON.stringify({ error: { message: `Incorrect API key provided: ${sent}` } })
          : JSON.stringify({
              choices: [{ message: { content: `you sent ${sent}` }, finish_reason: 'stop' }],
            });
        return Promise.resolve({
          _tag: 'response',
          status: unauthorized ? 401 : 200,
          headers: { 'content-type': 'application/json' },
          body: new TextEncoder().encode(body),
          truncated: false,
          url: req.url,
        });
      },
    };
    const yaml = `version: "1.0"
name: llm
config: { fail_fast: false }
steps:
  - { id: bad, name: bad, step_type: llm, parameters: { provider: openai, base_url: "http://llm.test/bad/v1", model: m, prompt: hi } }
  - { id: good, name: good, step_type: llm, parameters: { provider: openai, base_url: "http://llm.test/good/v1", model: m, prompt: hi } }
`;
    const events: MissionEvent[] = [];
    const { report } = await runTestMission(yaml, {
      http,
      env: { OPENAI_API_KEY: key },
      onEvent: (e) => events.push(e),
    });
    expect(report.steps.map((s) => s.status)).toEqual(['failed', 'succeeded']);
    expect(report.steps[0]!.message).toContain('Incorrect API key provided');
    expectNoLeak(key, JSON.stringify([events, report]), junitXml(report));
  });
});
