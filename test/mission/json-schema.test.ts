// The JSON Schema editors use is generated from the codecs; this test keeps the committed file
// current and checks that schema and parser agree on valid and invalid missions alike.
// Regenerate the committed file with: UPDATE_SCHEMA=1 npx jest test/mission/json-schema.test.ts
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { isRight } from 'fp-ts/Either';
import { parse } from 'yaml';
import { missionJsonSchema } from '../../src/mission/json-schema.js';
import { parseMission } from '../../src/mission/parse.js';
import type { StepTypeRegistry } from '../../src/ports/step-type.js';
import { makeRegistry } from '../../src/steps/registry.js';
import { corpusFiles, corpusRegistry, missionWithSteps, NEGATIVE_CORPUS, readCorpus } from './support.js';

const SCHEMA_FILE = path.resolve(__dirname, '../../schema/mission.schema.json');
const EXAMPLES_DIR = path.resolve(__dirname, '../../examples');

// Formatted exactly as `npm run format` would (prettier's CLI: its API needs ES module support jest lacks here).
const formatted = (schema: unknown): string =>
  execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', SCHEMA_FILE],
    {
      input: JSON.stringify(schema),
      encoding: 'utf8',
    },
  );

const validator = (schema: object): ((value: unknown) => boolean) => {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema);
  return (value) => validate(value) === true;
};

const exampleMissions = (): ReadonlyArray<readonly [string, string]> =>
  fs
    .readdirSync(EXAMPLES_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => [f, fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8')] as const);

test('schema/mission.schema.json is generated from the codecs and up to date', () => {
  const expected = formatted(missionJsonSchema(makeRegistry()));
  if (process.env['UPDATE_SCHEMA'] === '1') fs.writeFileSync(SCHEMA_FILE, expected);
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '<missing>';
  if (committed !== expected) {
    throw new Error(
      'schema/mission.schema.json is out of date with the codecs: regenerate it with `UPDATE_SCHEMA=1 npx jest test/mission/json-schema.test.ts` and commit it',
    );
  }
});

test('generation is pure: the same registry gives the same schema', () => {
  expect(missionJsonSchema(makeRegistry())).toEqual(missionJsonSchema(makeRegistry()));
});

describe('the committed (editor) schema', () => {
  let compiled: ((value: unknown) => boolean) | undefined;
  // Read when first needed, so a missing file fails the freshness test above with its message, not the whole suite.
  const valid = (value: unknown): boolean => {
    compiled ??= validator(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as object);
    return compiled(value);
  };

  test.each(corpusFiles().filter((f) => !NEGATIVE_CORPUS.has(f)))('accepts corpus mission %s', (f) => {
    expect(valid(parse(readCorpus(f)))).toBe(true);
  });

  test.each(exampleMissions())('accepts example %s', (_f, text) => {
    expect(valid(parse(text))).toBe(true);
  });

  test('rejects the negative corpus', () => {
    for (const f of NEGATIVE_CORPUS) expect([f, valid(parse(readCorpus(f)))]).toEqual([f, false]);
  });

  test('names the editor schema line the examples use', () => {
    for (const [, text] of exampleMissions())
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/mission.schema.json');
  });
});

// Missions that are wrong in shape (not in references between steps, which a schema cannot see).
const cmd = (extra: string, params = '      command: echo\n'): string =>
  missionWithSteps(`  - id: a\n    name: A\n    step_type: command\n${extra}    parameters:\n${params}`);
const negatives: ReadonlyArray<readonly [string, string]> = [
  ['version as a number', 'version: 1\nname: x\nsteps: [{id: a, name: a, step_type: noop}]\n'],
  ['no name', 'version: "1"\nsteps: [{id: a, name: a, step_type: noop}]\n'],
  ['no steps', 'version: "1"\nname: x\n'],
  ['empty steps', 'version: "1"\nname: x\nsteps: []\n'],
  ['steps as a map', 'version: "1"\nname: x\nsteps: {1: ls}\n'],
  ['a step without a name', missionWithSteps('  - {id: a, step_type: noop}\n')],
  ['an empty id', missionWithSteps('  - {id: " ", name: a, step_type: noop}\n')],
  ['an unknown step type', missionWithSteps('  - {id: a, name: a, step_type: Command}\n')],
  ['an unknown step type, map form', missionWithSteps('  - {id: a, name: a, step_type: {type: shell}}\n')],
  ['a negative timeout', cmd('    timeout_seconds: -1\n')],
  ['a zero timeout in parameters', cmd('', '      command: echo\n      timeout_seconds: 0\n')],
  ['an unknown timeout strategy', cmd('    timeout_strategy: smart\n')],
  ['command missing', cmd('', '      args: [x]\n')],
  ['args not a list', cmd('', '      command: ls\n      args: "-la"\n')],
  [
    'create_file without path',
    missionWithSteps('  - {id: a, name: a, step_type: create_file, parameters: {content: x}}\n'),
  ],
  ['create_file without parameters', missionWithSteps('  - {id: a, name: a, step_type: create_file}\n')],
  ['`args` on the step', cmd('    args: [x]\n')],
  ['retry jitter above 1', cmd('    retry: {max_attempts: 2, jitter: 2}\n')],
  ['retry_on an unknown kind', cmd('    retry: {max_attempts: 2, retry_on: [sometimes]}\n')],
  ['http_status class 9xx', cmd('    retry: {max_attempts: 2, retry_on: [{http_status: ["9xx"]}]}\n')],
  ['a matrix axis that is empty', cmd('    matrix: {db: []}\n')],
  ['a matrix value that is a map', cmd('    matrix: {db: [{v: 1}]}\n')],
  ['a matrix that is a list', cmd('    matrix: [pg14, pg15]\n')],
  ['max_parallel of 0 on a matrix', cmd('    matrix: {db: [pg14]}\n    max_parallel: 0\n')],
  ['fail_fast as a string on a matrix', cmd('    matrix: {db: [pg14]}\n    fail_fast: "no"\n')],
  [
    'percent above 100',
    missionWithSteps(
      '  - {id: a, name: a, step_type: noop}\n',
      'config: {monitoring: {warn_threshold_percent: 101}}\n',
    ),
  ],
  [
    'max_parallel_steps 0',
    missionWithSteps('  - {id: a, name: a, step_type: noop}\n', 'config: {max_parallel_steps: 0}\n'),
  ],
  [
    'conditional without dependencies',
    missionWithSteps('  - {id: a, name: a, step_type: noop, dependency_strategy: conditional}\n'),
  ],
  [
    'dependencies with any_required',
    missionWithSteps(
      '  - {id: a, name: a, step_type: noop}\n  - {id: b, name: b, step_type: noop, dependency_strategy: any_required, dependencies: [{step_id: a}]}\n',
    ),
  ],
  [
    'an empty on_failure map',
    missionWithSteps(
      '  - {id: a, name: a, step_type: noop}\n  - {id: b, name: b, step_type: noop, dependencies: [{step_id: a, on_failure: {}}]}\n',
    ),
  ],
  [
    'variables with a number',
    missionWithSteps('  - {id: a, name: a, step_type: noop}\n', 'variables: {n: 1}\n'),
  ],
];
const positives: ReadonlyArray<readonly [string, string]> = [
  ['map form of a type', missionWithSteps('  - {id: a, name: a, step_type: {type: noop}}\n')],
  ['null parameters', missionWithSteps('  - {id: a, name: a, step_type: noop, parameters: null}\n')],
  ['platform_commands instead of command', cmd('', '      platform_commands: {unix: {command: ls}}\n')],
  ['`command` on the step and in parameters', cmd('    command: ls\n')],
  [
    'lifted adaptive timeout',
    cmd(
      '',
      '      command: grep\n      timeout_strategy: adaptive\n      base_timeout_seconds: 30\n      max_timeout_seconds: 300\n',
    ),
  ],
  [
    'bad parameters deferred by continue_on_error',
    missionWithSteps(
      '  - {id: a, name: a, step_type: create_file, continue_on_error: true, parameters: {content: x}}\n',
    ),
  ],
  [
    'conditional dependencies',
    missionWithSteps(
      '  - {id: a, name: a, step_type: noop}\n  - {id: b, name: b, step_type: noop, dependencies: [{step_id: a, required: false, on_failure: {use_default_value: null}}]}\n',
    ),
  ],
  [
    'a matrix with include, exclude and group settings',
    cmd(
      '    matrix: {db: [pg14, pg15], mode: [fast, full], include: [{db: pg16, mode: fast}], exclude: [{mode: full}]}\n    max_parallel: 2\n    fail_fast: false\n',
      '      command: echo\n      args: ["{{ matrix.db }}"]\n',
    ),
  ],
  [
    'a for_each with max_items',
    missionWithSteps(
      '  - {id: a, name: a, step_type: noop}\n  - {id: b, name: b, step_type: command, depends_on: [a], for_each: "{{ steps.a.stdout_lines }}", max_items: 10, parameters: {command: echo, args: ["{{ item }}"]}}\n',
    ),
  ],
  ['unknown keys (warnings only)', cmd('    timeout: 5\n', '      command: ls\n      cwd: /tmp\n')],
  [
    'http status classes',
    cmd('    retry: {max_attempts: 2, retry_on: [timeout, {http_status: [503, "5xx"]}, {exit_code: [1]}]}\n'),
  ],
];

describe.each([
  ['the built-ins', makeRegistry()],
  ['the corpus registry', corpusRegistry],
] as ReadonlyArray<readonly [string, StepTypeRegistry]>)(
  'schema and parser agree, with %s',
  (_name, registry) => {
    const valid = validator(missionJsonSchema(registry, { closedStepTypes: true }));
    const cases: ReadonlyArray<readonly [string, string]> = [
      ...corpusFiles().map((f) => [f, readCorpus(f)] as const),
      ...exampleMissions(),
      ...negatives,
      ...positives,
    ];
    test.each(cases)('%s', (_label, text) => {
      const parsed = isRight(parseMission(text, { stepTypes: registry }));
      expect({ schema: valid(parse(text)) }).toEqual({ schema: parsed });
    });

    test('the cases include both verdicts', () => {
      const verdicts = new Set(cases.map(([, text]) => isRight(parseMission(text, { stepTypes: registry }))));
      expect(verdicts).toEqual(new Set([true, false]));
    });
  },
);
