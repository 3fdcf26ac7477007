// Every kind of error the parser reports: where (file:line:col and path), what (found/expected)
// and what to do (hint) — and all of them at once.
import { formatMissionError, type MissionError } from '../../src/mission/errors.js';
import { parseMission } from '../../src/mission/parse.js';
import { errorsOnly, missionWithSteps, mustFail, mustParse, onlyError } from './support.js';

const step = (lines: string): string => `  - ${lines.trim().split('\n').join('\n    ')}\n`;
const cmd = (id: string, extra = ''): string =>
  step(`id: ${id}\nname: ${id}\nstep_type: command\nparameters:\n  command: echo${extra}`);

describe('YAML syntax', () => {
  test('an unclosed quote: positioned, with a hint', () => {
    const e = onlyError(mustFail('version: "1.0\nname: x\n', { file: 'm.yaml' }), 'yaml_syntax');
    expect(e.file).toBe('m.yaml');
    // yaml notices the missing quote where the text ends.
    expect(e.position).toEqual({ line: 3, column: 1 });
    expect(e.hint).toBe('a quote is not closed: look for the opening quote above this point');
    expect(e.path).toBe('');
  });

  test('tabs used for indentation', () => {
    const all = mustFail('version: "1.0"\nname: x\nsteps:\n\t- id: a\n');
    expect(all.some((e) => e.code === 'yaml_syntax' && e.hint?.includes('spaces'))).toBe(true);
  });

  test('two documents in one file', () => {
    const e = onlyError(mustFail('version: "1"\n---\nname: x\n'), 'yaml_syntax');
    expect(e.message).toContain('one YAML document');
    expect(e.position?.line).toBe(2);
  });

  test('an alias to an anchor that does not exist', () => {
    const e = onlyError(mustFail(missionWithSteps(cmd('a')) + 'description: *nowhere\n'), 'yaml_syntax');
    expect(e.message).toContain('`*nowhere`');
    expect(e.path).toBe('description');
  });

  test('JSON with a trailing comma, read as JSON because of the file name', () => {
    const e = onlyError(mustFail('{"version": "1.0",\n "name": "x",\n}', { file: 'm.json' }), 'yaml_syntax');
    expect(e.message).toMatch(/^invalid JSON: /);
    expect(e.position).toEqual({ line: 3, column: 1 });
  });

  test('broken JSON read as YAML also says what JSON.parse thinks', () => {
    const all = mustFail('{"version": "1.0" "name": "x"}');
    expect(
      all.some((e) => e.severity === 'warning' && e.message.startsWith('if this is meant as JSON')),
    ).toBe(true);
  });

  test('valid JSON parses like YAML, with positions', () => {
    const json = JSON.stringify(
      { version: '1.0', name: 'j', steps: [{ id: 'a', name: 'a', step_type: 'noop', timeout_seconds: -1 }] },
      null,
      2,
    );
    const e = onlyError(mustFail(json, { format: 'json' }), 'invalid_value');
    expect(e.path).toBe('steps[0].timeout_seconds');
    expect(e.position?.line).toBe(9);
  });
});

describe('document shape', () => {
  test('an empty document', () => {
    const e = onlyError(mustFail(''), 'not_a_mission');
    expect(e.message).toBe('the mission is empty');
    expect(e.hint).toContain('step_type: "command"');
  });

  test('a list instead of a map', () => {
    const e = onlyError(mustFail('- id: a\n'), 'not_a_mission');
    expect(e.found).toBe('a list (1 item)');
  });

  test('no steps', () => {
    const e = onlyError(mustFail('version: "1"\nname: x\n'), 'missing_field');
    expect(e.path).toBe('steps');
    expect(e.hint).toContain('- id: "auth_check"');
  });

  test('`steps` as a numbered map of shell strings (without planning keys)', () => {
    const e = onlyError(mustFail('version: "1"\nname: x\nsteps:\n  1: "ls -la | wc -l"\n'), 'invalid_type');
    expect(e.message).toBe('`steps` is a numbered map, but it must be a list of steps');
    expect(e.hint).toContain('command: "ls -la | wc -l"');
    expect(e.hint).toContain('shell: true');
  });

  test('a planning document without steps', () => {
    const e = onlyError(
      mustFail('version: "1"\nname: x\nobjectives: [a]\ntasks:\n  1: {name: t}\n'),
      'not_a_mission',
    );
    expect(e.message).toBe(
      'this is a planning document (it has `tasks:`, `objectives:`), not a mission: it has no `steps:` list',
    );
    expect(e.position).toEqual({ line: 1, column: 1 });
  });

  test('a step written as a shell string', () => {
    const e = onlyError(mustFail(missionWithSteps('  - "go test ./..."\n')), 'invalid_type');
    expect(e.path).toBe('steps[0]');
    expect(e.hint).toContain('args: ["test", "./..."]');
  });

  test('an empty steps list', () => {
    expect(onlyError(mustFail('version: "1"\nname: x\nsteps: []\n'), 'invalid_value').message).toBe(
      'the mission has no steps',
    );
  });
});

describe('types and required fields', () => {
  test('version written as a number', () => {
    const e = onlyError(mustFail('version: 1.0\nname: x\nsteps:\n' + cmd('a')), 'invalid_type');
    expect(e).toMatchObject({
      path: 'version',
      found: '1',
      expected: 'a string',
      position: { line: 1, column: 10 },
    });
    expect(e.hint).toBe('quote it: "1.0"');
  });

  test('missing version and name', () => {
    const all = errorsOnly(mustFail('steps:\n' + cmd('a')));
    expect(all.map((e) => [e.code, e.path])).toEqual([
      ['missing_field', 'version'],
      ['missing_field', 'name'],
    ]);
    expect(all[0]!.hint).toContain('version: "1.0"');
  });

  test('a step without a name: required, as in RustChain, and the hint says so', () => {
    const e = onlyError(mustFail(missionWithSteps(step('id: a\nstep_type: noop'))), 'missing_field');
    expect(e.path).toBe('steps[0].name');
    expect(e.hint).toContain('RustChain requires it too');
    expect(e.position).toEqual({ line: 4, column: 5 });
  });

  test('a step without an id or a step_type', () => {
    const all = errorsOnly(mustFail(missionWithSteps(step('name: a'))));
    expect(all.map((e) => e.path).sort()).toEqual(['steps[0].id', 'steps[0].step_type']);
    expect(all.find((e) => e.path === 'steps[0].step_type')!.hint).toContain('`command`');
  });

  test('depends_on as a single string', () => {
    const e = onlyError(
      mustFail(missionWithSteps(cmd('a') + step('id: b\nname: b\nstep_type: noop\ndepends_on: a'))),
      'invalid_type',
    );
    expect(e).toMatchObject({ path: 'steps[1].depends_on', found: '"a"' });
    expect(e.hint).toBe('write a list: ["a"]');
  });

  test('a command step needs `command` unless it gives `platform_commands`', () => {
    const e = onlyError(
      mustFail(missionWithSteps(step('id: a\nname: a\nstep_type: command\nparameters:\n  args: [x]'))),
      'missing_field',
    );
    expect(e.path).toBe('steps[0].parameters.command');
    expect(e.message).toBe('`command` is required unless `platform_commands` is given');
    mustParse(
      missionWithSteps(
        step('id: a\nname: a\nstep_type: command\nparameters:\n  platform_commands: {unix: {command: ls}}'),
      ),
    );
  });

  test('a parameter of the wrong type, positioned inside parameters', () => {
    const e = onlyError(mustFail(missionWithSteps(cmd('a', '\n  args: "-la"'))), 'invalid_type');
    expect(e).toMatchObject({
      path: 'steps[0].parameters.args',
      found: '"-la"',
      expected: 'a list (each a string)',
    });
    expect(e.position).toEqual({ line: 9, column: 13 });
  });
});

describe('values out of range', () => {
  test.each([
    ['timeout_seconds: -5', 'steps[0].timeout_seconds', 'a number > 0'],
    ['timeout_seconds: 0', 'steps[0].timeout_seconds', 'a number > 0'],
    ['timeout_strategy: smart', 'steps[0].timeout_strategy', 'one of "fixed", "adaptive"'],
    ['retry: {max_attempts: 0}', 'steps[0].retry.max_attempts', 'a whole number ≥ 1'],
    ['retry: {max_attempts: 3, backoff: linear}', 'steps[0].retry.backoff', 'one of "fixed", "exponential"'],
    ['retry: {max_attempts: 3, jitter: 2}', 'steps[0].retry.jitter', 'a number from 0 to 1'],
    [
      'retry: {max_attempts: 3, retry_on: [{http_status: ["9xx"]}]}',
      'steps[0].retry.retry_on[0].http_status[0]',
      'an HTTP status (404) or a class ("5xx")',
    ],
    ['retry: {max_attempts: 3, retry_on: [sometimes]}', 'steps[0].retry.retry_on[0]', undefined],
    ['resource_limits: {max_memory_mb: -1}', 'steps[0].resource_limits.max_memory_mb', 'a number > 0'],
  ])('%s', (line, path, expected) => {
    const e = errorsOnly(mustFail(missionWithSteps(cmd('a') + `    ${line}\n`)))[0]!;
    expect(e.path).toBe(path);
    if (expected !== undefined) expect(e.expected).toBe(expected);
    expect(e.position).toBeDefined();
  });

  test('config ranges', () => {
    const all = errorsOnly(
      mustFail(
        missionWithSteps(
          cmd('a'),
          'config:\n  max_parallel_steps: 0\n  monitoring: {warn_threshold_percent: 150}\n  kill_grace_seconds: -1\n',
        ),
      ),
    );
    expect(all.map((e) => [e.path, e.expected])).toEqual([
      ['config.max_parallel_steps', 'a whole number ≥ 1'],
      ['config.monitoring.warn_threshold_percent', 'a percentage from 1 to 100'],
      ['config.kill_grace_seconds', 'a number ≥ 0'],
    ]);
  });

  test('cross-field rules: max below base, stall warning after stall timeout', () => {
    const all = errorsOnly(
      mustFail(
        missionWithSteps(
          cmd('a') +
            '    base_timeout_seconds: 60\n    max_timeout_seconds: 30\n    stall_warning_seconds: 20\n    stall_timeout_seconds: 10\n',
        ),
      ),
    );
    expect(all.map((e) => e.path)).toEqual([
      'steps[0].max_timeout_seconds',
      'steps[0].stall_warning_seconds',
    ]);
  });

  test('a retry that can never retry is a warning', () => {
    const m = mustParse(missionWithSteps(cmd('a') + '    retry: {delay_seconds: 2}\n'));
    expect(m.warnings[0]).toMatchObject({ code: 'invalid_value', path: 'steps[0].retry' });
    expect(m.warnings[0]!.hint).toContain('max_attempts: 3');
  });
});

describe('unknown keys', () => {
  const text = missionWithSteps(
    cmd('a', '\n  workdir: /tmp') + '    depends-on: []\n    retry: {max_attemps: 3}\n',
    'config:\n  fail_fats: false\nvars: {}\n',
  );

  test('are warnings with "did you mean" at every level', () => {
    const m = mustParse(text);
    const byPath = Object.fromEntries(m.warnings.map((w) => [w.path, w]));
    expect(byPath['steps[0].parameters.workdir']!.hint).toBe('did you mean `working_dir`?');
    expect(byPath['steps[0].depends-on']!.hint).toBe('did you mean `depends_on`?');
    expect(byPath['steps[0].retry.max_attemps']!.hint).toBe('did you mean `max_attempts`?');
    expect(byPath['config.fail_fats']!.hint).toBe('did you mean `fail_fast`?');
    expect(byPath['vars']!.hint).toBe('did you mean `variables`?');
    expect(m.warnings.every((w) => w.code === 'unknown_key' || w.code === 'invalid_value')).toBe(true);
    // Positioned at the key itself.
    expect(byPath['config.fail_fats']!.position).toEqual({ line: 13, column: 3 });
  });

  test('are errors under strict: true', () => {
    const errors = errorsOnly(mustFail(text, { strict: true }));
    expect(errors.filter((e) => e.code === 'unknown_key')).toHaveLength(5);
  });

  test('a merge key `<<` is explained', () => {
    const m = mustParse(missionWithSteps(cmd('a'), 'config:\n  <<: {fail_fast: false}\n'));
    expect(m.warnings[0]!.hint).toContain('merge keys');
  });
});

test('duplicate keys: every one, with where the first was', () => {
  const all = errorsOnly(mustFail(missionWithSteps(cmd('a', '\n  command: ls')) + 'name: again\n'));
  expect(all.map((e) => [e.code, e.path, e.position?.line])).toEqual([
    ['duplicate_key', 'steps[0].parameters.command', 9],
    ['duplicate_key', 'name', 10],
  ]);
  expect(all[0]!.message).toBe('duplicate key `command` (first at line 8)');
});

test('a duplicate key and a forbidden tag do not hide the other errors', () => {
  const all = errorsOnly(
    mustFail(
      missionWithSteps(cmd('a') + '    timeout_seconds: -1\n', 'name: again\ndescription: !!binary AA==\n'),
    ),
  );
  expect(all.map((e) => e.code)).toEqual(['invalid_value', 'duplicate_key', 'forbidden_tag']);
});

test('duplicate step ids', () => {
  const e = onlyError(mustFail(missionWithSteps(cmd('a') + cmd('b') + cmd('a'))), 'duplicate_step_id');
  expect(e).toMatchObject({
    path: 'steps[2].id',
    message: 'step id `a` is already used by steps[0]',
    position: { line: 14, column: 9 },
  });
});

describe('references between steps', () => {
  test('an unknown depends_on, with did you mean', () => {
    const e = onlyError(
      mustFail(
        missionWithSteps(
          cmd('auth_check') + step('id: b\nname: b\nstep_type: noop\ndepends_on: [auth_chek]'),
        ),
      ),
      'unknown_dependency',
    );
    expect(e).toMatchObject({
      path: 'steps[1].depends_on[0]',
      hint: 'did you mean `auth_check`?',
      found: '"auth_chek"',
    });
    expect(e.position).toEqual({ line: 12, column: 18 });
  });

  test('an unknown conditional dependency and an unknown alternative', () => {
    const all = errorsOnly(
      mustFail(
        missionWithSteps(
          cmd('build') +
            step(
              'id: c\nname: c\nstep_type: noop\ndependency_strategy: conditional\ndependencies:\n  - {step_id: biuld, on_failure: skip}\n  - {step_id: build, on_failure: {retry_with_alternative: fallback}}',
            ),
        ),
      ),
    );
    expect(all.map((e) => [e.path, e.hint])).toEqual([
      ['steps[1].dependencies[0].step_id', 'did you mean `build`?'],
      ['steps[1].dependencies[1].on_failure.retry_with_alternative', 'the step ids are: `build`, `c`'],
    ]);
  });

  test('a cycle is printed a → b → c → a, once', () => {
    const e = onlyError(
      mustFail(
        missionWithSteps(
          step('id: a\nname: a\nstep_type: noop\ndepends_on: [c]') +
            step('id: b\nname: b\nstep_type: noop\ndepends_on: [a]') +
            step('id: c\nname: c\nstep_type: noop\ndepends_on: [b]'),
        ),
      ),
      'dependency_cycle',
    );
    expect(e.message).toBe('dependency cycle: a → c → b → a');
    expect(e.path).toBe('steps[0].depends_on[0]');
  });

  test('two separate cycles are two errors; a self-dependency is its own', () => {
    const steps = [
      ['a', 'b'],
      ['b', 'a'],
      ['c', 'd'],
      ['d', 'c'],
      ['e', 'e'],
    ]
      .map(([id, dep]) => step(`id: ${id}\nname: ${id}\nstep_type: noop\ndepends_on: [${dep}]`))
      .join('');
    const cycles = errorsOnly(mustFail(missionWithSteps(steps))).filter((e) => e.code === 'dependency_cycle');
    expect(cycles.map((e) => e.message).sort()).toEqual([
      'dependency cycle: a → b → a',
      'dependency cycle: c → d → c',
      'step `e` depends on itself',
    ]);
  });
});

describe('step types', () => {
  test('"Command" capitalised, as a real RustChain mission wrote it', () => {
    const e = onlyError(
      mustFail(missionWithSteps(step('id: a\nname: a\nstep_type: "Command"\nparameters: {command: ls}'))),
      'unknown_step_type',
    );
    expect(e.hint).toMatch(/^step types are lower-case: write `step_type: "command"`/);
    expect(e.hint).toContain('runMission(mission, { stepTypes: [myType] })');
    expect(e.expected).toBe(
      'one of `command`, `copy_file`, `create_file`, `delete_file`, `edit_file`, `http`, `list_directory`, `llm`, `move_file`, `noop`, `read_file`',
    );
  });

  test("a misspelt type, in RustChain's map form", () => {
    const e = onlyError(
      mustFail(missionWithSteps(step('id: a\nname: a\nstep_type: {type: comand}'))),
      'unknown_step_type',
    );
    expect(e.path).toBe('steps[0].step_type.type');
    expect(e.hint).toMatch(/^did you mean `command`\?/);
  });

  test('the map form of a known type is normalised', () => {
    expect(
      mustParse(missionWithSteps(step('id: a\nname: a\nstep_type: {type: noop}'))).steps[0]!.step_type,
    ).toBe('noop');
  });
});

describe('RustChain mistakes', () => {
  test('`args:` on the step instead of under parameters is an error that shows where it goes', () => {
    const e = onlyError(mustFail(missionWithSteps(cmd('a') + '    args: ["-la"]\n')), 'misplaced_field');
    expect(e.path).toBe('steps[0].args');
    expect(e.hint).toContain('move it under `parameters:`');
  });

  test('`command:` on the step and under parameters: a warning that the step one is ignored', () => {
    const m = mustParse(missionWithSteps(cmd('a') + '    command: ls\n'));
    expect(m.warnings[0]).toMatchObject({
      code: 'misplaced_field',
      severity: 'warning',
      path: 'steps[0].command',
    });
  });

  test('`timeout:` on a step suggests timeout_seconds with the value', () => {
    const m = mustParse(missionWithSteps(cmd('a') + '    timeout: 45\n'));
    expect(m.warnings[0]!.hint).toBe('did you mean `timeout_seconds: 45`?');
  });
});

describe('shell syntax without a shell', () => {
  test.each([['|'], ['&&'], ['>'], ['2>&1'], [';']])('a lone %s argument warns', (op) => {
    const m = mustParse(missionWithSteps(cmd('a', `\n  args: [x, "${op}", y]`)));
    expect(m.warnings[0]).toMatchObject({ code: 'shell_syntax', path: 'steps[0].parameters.args[1]' });
  });

  test('$( in an argument warns; shell: true silences both', () => {
    expect(mustParse(missionWithSteps(cmd('a', '\n  args: ["$(date)"]'))).warnings[0]!.message).toContain(
      '`$(`',
    );
    expect(
      mustParse(missionWithSteps(cmd('a', '\n  args: ["$(date)", "|", "x"]\n  shell: true'))).warnings,
    ).toEqual([]);
  });

  test('a whole command line in `command` warns with the split form', () => {
    const w = mustParse(
      missionWithSteps(
        step('id: a\nname: a\nstep_type: command\nparameters:\n  command: "go test -v ./..."'),
      ),
    ).warnings[0]!;
    expect(w.path).toBe('steps[0].parameters.command');
    expect(w.hint).toBe('write `command: "go"` and `args: ["test", "-v", "./..."]`');
  });
});

describe('conflicting fields', () => {
  test('timeout_seconds on the step and in parameters with different values', () => {
    const e = onlyError(
      mustFail(missionWithSteps(cmd('a', '\n  timeout_seconds: 60') + '    timeout_seconds: 30\n')),
      'conflicting_fields',
    );
    expect(e.path).toBe('steps[0].parameters.timeout_seconds');
    expect(e.message).toBe('`timeout_seconds` is set both on the step (30) and in `parameters` (60)');
    expect(e.position?.line).toBe(9);
  });

  test('the same value in both places is fine', () => {
    expect(
      mustParse(missionWithSteps(cmd('a', '\n  timeout_seconds: 30') + '    timeout_seconds: 30\n')).steps[0]!
        .timeout_source,
    ).toBe('step');
  });

  test('dependencies with a strategy other than conditional', () => {
    const e = onlyError(
      mustFail(
        missionWithSteps(
          cmd('a') +
            step(
              'id: b\nname: b\nstep_type: noop\ndependency_strategy: any_required\ndependencies: [{step_id: a}]',
            ),
        ),
      ),
      'conflicting_fields',
    );
    expect(e.path).toBe('steps[1].dependencies');
  });

  test('conditional without dependencies', () => {
    expect(
      onlyError(
        mustFail(missionWithSteps(step('id: b\nname: b\nstep_type: noop\ndependency_strategy: conditional'))),
        'missing_field',
      ).path,
    ).toBe('steps[0].dependencies');
  });

  test('an error in a lifted field points inside parameters', () => {
    const e = onlyError(mustFail(missionWithSteps(cmd('a', '\n  timeout_strategy: smart'))), 'invalid_value');
    expect(e.path).toBe('steps[0].parameters.timeout_strategy');
  });
});

test('all errors are reported at once, in text order, each with file, position and path', () => {
  const text = [
    'version: 1',
    'name: "many problems"',
    'steps:',
    '  - id: a',
    '    name: A',
    '    step_type: comand',
    '  - id: b',
    '    step_type: noop',
    '    depends_on: [x]',
    '    timeout_seconds: -1',
    '  - id: a',
    '    name: A again',
    '    step_type: noop',
    'config:',
    '  max_parallel_steps: many',
  ].join('\n');
  const all = mustFail(text, { file: 'many.yaml' });
  const errors = errorsOnly(all);
  expect(errors.map((e) => e.code)).toEqual([
    'invalid_type',
    'unknown_step_type',
    'missing_field',
    'unknown_dependency',
    'invalid_value',
    'duplicate_step_id',
    'invalid_type',
  ]);
  for (const e of all) {
    expect(e.file).toBe('many.yaml');
    expect(e.position!.line).toBeGreaterThan(0);
    expect(typeof e.path).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
  const lines = errors.map((e) => e.position!.line);
  expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  expect(formatMissionError(errors[1]!)).toBe(
    'many.yaml:6:16: error: steps[0].step_type: unknown step type `comand` (found "comand", expected one of `command`, `copy_file`, `create_file`, `delete_file`, `edit_file`, `http`, `list_directory`, `llm`, `move_file`, `noop`, `read_file`)\n' +
      '  hint: did you mean `command`? If it is a type of your own, register it: `runMission(mission, { stepTypes: [myType] })`, or `parseMission(text, { stepTypes: makeRegistry([myType]) })`',
  );
});

test('a non-string input is an error value, not an exception', () => {
  const r = parseMission(42 as unknown as string);
  expect(r._tag).toBe('Left');
  expect((r as { left: ReadonlyArray<MissionError> }).left[0]!.code).toBe('invalid_type');
});
