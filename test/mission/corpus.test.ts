// Compatibility: every RustChain-valid mission in the corpus loads unchanged; the two that
// SOURCES.md marks invalid are rejected with messages naming their real problem.
import { formatMissionError } from '../../src/mission/errors.js';
import { makeRegistry } from '../../src/steps/registry.js';
import {
  corpusFiles,
  corpusRegistry,
  errorsOnly,
  LATER_STEP_TYPES,
  mustFail,
  mustParse,
  NEGATIVE_CORPUS,
  readCorpus,
} from './support.js';

const valid = corpusFiles().filter((f) => !NEGATIVE_CORPUS.has(f));

test('the corpus has the files SOURCES.md lists', () => {
  expect(corpusFiles()).toHaveLength(15);
  for (const f of NEGATIVE_CORPUS) expect(corpusFiles()).toContain(f);
});

describe.each(valid)('valid corpus mission %s', (file) => {
  test('parses with the later step types registered as custom types', () => {
    const mission = mustParse(readCorpus(file), { file, stepTypes: corpusRegistry });
    const text = readCorpus(file);
    const declared = (text.match(/^\s*- id:/gm) ?? []).length;
    expect(mission.steps).toHaveLength(declared);
    expect(mission.version).toBe('1.0');
    expect(mission.source_file).toBe(file);
    for (const w of mission.warnings) expect(w.severity).toBe('warning');
  });
});

test('a corpus mission keeps its declared values and gets the documented defaults', () => {
  const m = mustParse(readCorpus('contextlite__mission_3.1_security_audit_corrected.yaml'), {
    stepTypes: corpusRegistry,
  });
  expect(m.name).toBe('Security Audit Mission');
  expect(m.config).toMatchObject({
    max_parallel_steps: 2,
    timeout_seconds: 300,
    fail_fast: true,
    kill_grace_seconds: 5,
  });
  const [authCheck, authTest] = m.steps;
  expect(authCheck).toMatchObject({
    id: 'auth_check',
    step_type: 'command',
    timeout_seconds: 30,
    timeout_source: 'step',
    depends_on: [],
  });
  expect(authCheck!.parameters).toEqual({
    command: 'grep',
    args: ['-r', 'Bearer', 'internal/auth/', '--include=*.go'],
  });
  expect(authTest!.depends_on).toEqual(['auth_check']);
  expect(m.warnings).toEqual([]);
});

test('hello_world: config.fail_fast and a step timeout', () => {
  const m = mustParse(readCorpus('rustchain__hello_world.yaml'));
  expect(m.config.fail_fast).toBe(true);
  expect(m.config.timeout_seconds).toBe(60);
  expect(m.steps[1]).toMatchObject({ id: 'confirmation', timeout_seconds: 10 });
  expect(m.steps[0]!.timeout_seconds).toBeUndefined();
});

test("api_integration: `timeout_seconds` inside an http step's parameters is lifted onto the step", () => {
  const m = mustParse(readCorpus('rustchain__api_integration.yaml'), { stepTypes: corpusRegistry });
  const get = m.steps[0]!;
  expect(get).toMatchObject({ id: 'test_get', timeout_seconds: 30, timeout_source: 'parameters' });
  expect(get.parameters).not.toHaveProperty('timeout_seconds');
  expect(get.parameters).toMatchObject({ method: 'GET', expected_status: 200 });
  expect(m.config.fail_fast).toBe(false);
});

test('mission 3.3 loads, with a warning that its `|` argument is passed literally to find', () => {
  const m = mustParse(readCorpus('contextlite__mission_3.3_database_import_corrected.yaml'), {
    file: '3.3.yaml',
    stepTypes: corpusRegistry,
  });
  expect(m.warnings).toHaveLength(1);
  const w = m.warnings[0]!;
  expect(w).toMatchObject({
    code: 'shell_syntax',
    severity: 'warning',
    path: 'steps[2].parameters.args[20]',
    file: '3.3.yaml',
  });
  expect(w.position).toEqual({ line: 27, column: 172 });
  expect(w.message).toContain('passed to the program literally');
  expect(w.hint).toContain('shell: true');
});

test('find -exec … ";" is not mistaken for a shell operator (missions 3.1 and 3.4)', () => {
  for (const f of [
    'contextlite__mission_3.1_security_audit_corrected.yaml',
    'contextlite__mission_3.4_security_hardening_corrected.yaml',
  ]) {
    expect(mustParse(readCorpus(f), { stepTypes: corpusRegistry }).warnings).toEqual([]);
  }
});

test('test_coverage_file_operations: `timeout:` inside parameters is reported, suggesting timeout_seconds', () => {
  const m = mustParse(readCorpus('rustchain-community__test_coverage_file_operations.yaml'), {
    stepTypes: corpusRegistry,
  });
  expect(m.warnings).toHaveLength(1);
  expect(m.warnings[0]).toMatchObject({
    code: 'unknown_key',
    path: 'steps[5].parameters.timeout',
    position: { line: 86, column: 7 },
  });
  expect(m.warnings[0]!.hint).toBe('did you mean `timeout_seconds: 300`?');
});

test('dogfood_error_handling: a create_file step without `path` loads (continue_on_error), warned, and fails at run time', () => {
  const m = mustParse(readCorpus('rustchain-community__dogfood_error_handling_validation.yaml'), {
    stepTypes: corpusRegistry,
  });
  const step = m.steps[7]!;
  expect(step.id).toBe('test_missing_required_parameter');
  expect(step.parameter_errors).toHaveLength(1);
  expect(step.parameter_errors![0]).toMatchObject({
    code: 'missing_field',
    path: 'steps[7].parameters.path',
  });
  expect(m.warnings.map((w) => w.path)).toEqual(['steps[7].parameters.path']);
  expect(m.warnings[0]!.hint).toContain('continue_on_error: true');
  // The same mission under strict parsing: the missing parameter is an error.
  const strict = errorsOnly(
    mustFail(readCorpus('rustchain-community__dogfood_error_handling_validation.yaml'), {
      stepTypes: corpusRegistry,
      strict: true,
    }),
  );
  expect(strict.map((e) => e.path)).toEqual(['steps[7].parameters.path']);
});

describe('negative corpus', () => {
  test('mission_3.1_security_audit.yaml is named as a planning document, with the shape of a real step', () => {
    const all = mustFail(readCorpus('contextlite__mission_3.1_security_audit.yaml'), { file: 'audit.yaml' });
    const errors = errorsOnly(all);
    const planning = errors.find((e) => e.code === 'not_a_mission')!;
    expect(planning.message).toContain('this is a planning document');
    expect(planning.message).toContain('`mission:`');
    expect(planning.message).toContain('numbered map of shell commands');
    expect(planning.position).toEqual({ line: 47, column: 3 });
    // The hint shows the first planned command as a real step.
    expect(planning.hint).toContain('step_type: "command"');
    expect(planning.hint).toContain('command: "grep"');
    expect(planning.hint).toContain('args: ["-r", "Bearer", "internal/auth/", "--include=*.go"]');
    const name = errors.find((e) => e.path === 'name')!;
    expect(name.code).toBe('missing_field');
    expect(name.hint).toContain('move `mission.name` out');
    expect(errors).toHaveLength(2);
    expect(formatMissionError(planning)).toMatch(
      /^audit\.yaml:47:3: error: steps: this is a planning document/,
    );
  });

  test('mission_3.1_security_audit_minimal.yaml: `command:` at step level, with the split command in the hint', () => {
    const all = mustFail(readCorpus('contextlite__mission_3.1_security_audit_minimal.yaml'));
    const errors = errorsOnly(all);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['misplaced_field', 'steps[0].command'],
      ['misplaced_field', 'steps[1].command'],
      ['misplaced_field', 'steps[2].command'],
      ['misplaced_field', 'steps[3].command'],
    ]);
    expect(errors[0]!.position).toEqual({ line: 82, column: 5 });
    expect(errors[0]!.message).toContain('belongs under `parameters:`');
    expect(errors[0]!.hint).toContain('command: "grep"');
    expect(errors[2]!.hint).toContain('args: [".", "-name", "*.db", "-exec", "ls", "-la", "{}", ";"]');
    // `timeout:` is named as what it is, with the value carried over.
    const timeouts = all.filter((e) => e.path.endsWith('.timeout'));
    expect(timeouts).toHaveLength(4);
    expect(timeouts[0]!.hint).toBe('did you mean `timeout_seconds: 30`?');
    expect(timeouts[0]!.message).toContain('default timeout');
    // The planning keys are reported, not silently ignored.
    expect(all.find((e) => e.path === 'objectives')?.hint).toContain('planning document');
  });
});

test('dogfood_comprehensive_step_coverage with only the built-ins: every unknown step type named, with how to register one', () => {
  const errors = errorsOnly(
    mustFail(readCorpus('rustchain-community__dogfood_comprehensive_step_coverage.yaml'), {
      stepTypes: makeRegistry(),
    }),
  );
  expect(errors.every((e) => e.code === 'unknown_step_type')).toBe(true);
  expect(errors.map((e) => e.found)).toEqual(
    ['sql_query', 'ftp_upload', 'compile_code', 'run_tests', 'csv_process', 'generate_embedding'].map((s) =>
      JSON.stringify(s),
    ),
  );
  const sql = errors.find((e) => e.found === '"sql_query"')!;
  expect(sql.path).toBe('steps[7].step_type');
  expect(sql.expected).toBe(
    'one of `command`, `copy_file`, `create_file`, `delete_file`, `edit_file`, `http`, `list_directory`, `llm`, `move_file`, `noop`, `read_file`',
  );
  expect(sql.message).toBe('`sql_query` is a RustChain step type that missionkit does not ship');
  expect(sql.hint).toContain('defineStepType');
});

test('the permissive stand-ins cover every step type the corpus uses', () => {
  const used = new Set<string>();
  for (const f of valid) for (const m of readCorpus(f).matchAll(/step_type: "([a-z_]+)"/g)) used.add(m[1]!);
  const registered = new Set<string>(['command', 'create_file', 'noop', ...LATER_STEP_TYPES]);
  expect([...used].filter((u) => !registered.has(u))).toEqual([]);
});
