// What a decoded Mission holds: defaults filled in as model.ts documents them, the accepted forms
// of each field, and fields lifted out of `parameters`.
import { decodeMission } from '../../src/mission/parse.js';
import { makeRegistry } from '../../src/steps/registry.js';
import { missionWithSteps, mustParse, permissiveStepType } from './support.js';
import { isRight } from 'fp-ts/Either';

const minimal = missionWithSteps('  - id: a\n    name: A\n    step_type: noop\n');

test('a minimal mission gets every documented default', () => {
  const m = mustParse(minimal);
  expect(m.config).toEqual({
    max_parallel_steps: 1,
    fail_fast: true,
    kill_grace_seconds: 5,
    progress_interval_seconds: 10,
    monitoring: { check_interval_seconds: 5, warn_threshold_percent: 80, kill_on_exceed: true },
  });
  // config.timeout_seconds stays unset: the planner applies RustChain's 300 s and says so.
  expect(m.config.timeout_seconds).toBeUndefined();
  expect(m.steps[0]).toEqual({
    id: 'a',
    name: 'A',
    step_type: 'noop',
    parameters: {},
    depends_on: [],
    continue_on_error: false,
    dependency_strategy: { _tag: 'all_required' },
    continue_on_failure: false,
    allow_partial_results: false,
  });
  expect(m).toMatchObject({ variables: {}, secrets: [], allowed_paths: [], warnings: [] });
  expect(m.source_file).toBeUndefined();
});

test('`parameters:` left empty (null) is an empty map', () => {
  expect(
    mustParse(missionWithSteps('  - id: a\n    name: A\n    step_type: noop\n    parameters:\n')).steps[0]!
      .parameters,
  ).toEqual({});
});

test('`config:` left empty gets the defaults', () => {
  expect(mustParse(minimal + 'config:\n').config.max_parallel_steps).toBe(1);
});

test('a retry block gets its defaults', () => {
  const m = mustParse(
    missionWithSteps('  - id: a\n    name: A\n    step_type: noop\n    retry: {max_attempts: 3}\n'),
  );
  expect(m.steps[0]!.retry).toEqual({
    max_attempts: 3,
    delay_seconds: 1,
    backoff: 'fixed',
    multiplier: 2,
    jitter: 0,
    retry_on: [{ _tag: 'any_failure' }],
    timeout_multiplier: 1,
  });
});

test('every retry_on form', () => {
  const m = mustParse(
    missionWithSteps(
      '  - id: a\n    name: A\n    step_type: noop\n    retry:\n      max_attempts: 4\n      backoff: exponential\n      max_delay_seconds: 30\n      jitter: 0.2\n' +
        '      retry_on: [timeout, command_not_found, spawn_error, resource_exceeded, any_failure, {exit_code: [1, 2]}, {http_status: [503, "5xx", "429"]}]\n',
    ),
  );
  expect(m.steps[0]!.retry!.retry_on).toEqual([
    { _tag: 'timeout' },
    { _tag: 'command_not_found' },
    { _tag: 'spawn_error' },
    { _tag: 'resource_exceeded' },
    { _tag: 'any_failure' },
    { _tag: 'exit_code', codes: [1, 2] },
    { _tag: 'http_status', codes: [503, '5xx', '429'] },
  ]);
  expect(m.steps[0]!.retry).toMatchObject({ backoff: 'exponential', max_delay_seconds: 30, jitter: 0.2 });
});

test('dependency strategies, and the conditional list in every on_failure form', () => {
  const m = mustParse(
    missionWithSteps(
      ['a', 'b', 'alt'].map((id) => `  - {id: ${id}, name: ${id}, step_type: noop}\n`).join('') +
        '  - id: any\n    name: any\n    step_type: noop\n    depends_on: [a, b]\n    dependency_strategy: any_required\n' +
        '  - id: best\n    name: best\n    step_type: noop\n    depends_on: [a]\n    continue_on_failure: true\n' +
        '  - id: cond\n    name: cond\n    step_type: noop\n    depends_on: [a]\n    dependencies:\n' +
        '      - {step_id: a}\n' +
        '      - {step_id: b, required: false, on_failure: log_warning}\n' +
        '      - {step_id: alt, on_failure: {use_default_value: {rows: 0}}}\n' +
        '      - {step_id: b, on_failure: {retry_with_alternative: alt}}\n',
    ),
  );
  const [, , , any, best, cond] = m.steps;
  expect(any!.dependency_strategy).toEqual({ _tag: 'any_required' });
  expect(best).toMatchObject({ continue_on_failure: true, dependency_strategy: { _tag: 'all_required' } });
  // `dependencies:` without a strategy means `conditional`; depends_on stays as written.
  expect(cond!.depends_on).toEqual(['a']);
  expect(cond!.dependency_strategy).toEqual({
    _tag: 'conditional',
    dependencies: [
      { step_id: 'a', required: true, on_failure: { _tag: 'skip' } },
      { step_id: 'b', required: false, on_failure: { _tag: 'log_warning' } },
      { step_id: 'alt', required: true, on_failure: { _tag: 'use_default_value', value: { rows: 0 } } },
      { step_id: 'b', required: true, on_failure: { _tag: 'retry_with_alternative', step_id: 'alt' } },
    ],
  });
});

describe('fields lifted out of parameters', () => {
  const withParams = (params: string, stepExtra = '', type = 'command'): string =>
    missionWithSteps(
      `  - id: a\n    name: A\n    step_type: ${type}\n${stepExtra}    parameters:\n${params}`,
    );

  test("the roadmap's adaptive timeout fields, written under parameters", () => {
    const s = mustParse(
      withParams(
        '      command: grep\n      timeout_strategy: adaptive\n      base_timeout_seconds: 30\n      max_timeout_seconds: 300\n      size_factor: 1.5\n',
      ),
    ).steps[0]!;
    expect(s).toMatchObject({
      timeout_strategy: 'adaptive',
      base_timeout_seconds: 30,
      max_timeout_seconds: 300,
      size_factor: 1.5,
    });
    expect(s.parameters).toEqual({ command: 'grep' });
    expect(s.timeout_seconds).toBeUndefined();
  });

  test('timeout_seconds under parameters, and where it came from', () => {
    const s = mustParse(withParams('      command: curl\n      timeout_seconds: 30\n')).steps[0]!;
    expect(s).toMatchObject({ timeout_seconds: 30, timeout_source: 'parameters' });
  });

  test('retry, resource limits, partial results and progress settings lift for any step type', () => {
    const registry = makeRegistry([permissiveStepType('llm')]);
    const s = mustParse(
      withParams(
        '      prompt: hi\n      retry: {max_attempts: 2}\n      resource_limits: {max_memory_mb: 512}\n      allow_partial_results: true\n      progress_interval_seconds: 5\n      stall_warning_seconds: 30\n      stall_timeout_seconds: 60\n',
        '',
        'llm',
      ),
      { stepTypes: registry },
    ).steps[0]!;
    expect(s.parameters).toEqual({ prompt: 'hi' });
    expect(s).toMatchObject({
      retry: { max_attempts: 2 },
      resource_limits: { max_memory_mb: 512 },
      allow_partial_results: true,
      progress_interval_seconds: 5,
      stall_warning_seconds: 30,
      stall_timeout_seconds: 60,
    });
  });

  test('a step-level setting and an equal one in parameters agree', () => {
    expect(
      mustParse(
        withParams('      command: ls\n      retry: {max_attempts: 2}\n', '    retry: {max_attempts: 2}\n'),
      ).steps[0]!.retry!.max_attempts,
    ).toBe(2);
  });
});

test("the command step's own roadmap parameters are kept in parameters", () => {
  const s = mustParse(
    missionWithSteps(
      '  - id: a\n    name: A\n    step_type: command\n    parameters:\n      platform_commands:\n        unix: {command: find, args: [.]}\n        windows: {command: powershell, args: ["-Command", "dir"]}\n      fallback_command: ls\n      detect_platform: true\n      repeat_count: 10\n      delay_between_repeats_ms: 100\n      expect_status_codes: [200, 429]\n      chunk_processing: true\n      max_files_per_chunk: 100\n',
    ),
  ).steps[0]!;
  expect(s.parameters).toMatchObject({
    detect_platform: true,
    repeat_count: 10,
    chunk_processing: true,
    fallback_command: 'ls',
  });
});

test('variables, secrets and allowed_paths', () => {
  const m = mustParse(
    minimal + 'variables: {env: prod, region: "eu"}\nsecrets: [API_TOKEN]\nallowed_paths: [/tmp/out]\n',
    { file: 'm.yaml' },
  );
  expect(m).toMatchObject({
    variables: { env: 'prod', region: 'eu' },
    secrets: ['API_TOKEN'],
    allowed_paths: ['/tmp/out'],
    source_file: 'm.yaml',
  });
});

test('config: every field decodes', () => {
  const m = mustParse(
    minimal +
      'config:\n  max_parallel_steps: 4\n  timeout_seconds: 120\n  fail_fast: false\n  mission_timeout_seconds: 3600\n  kill_grace_seconds: 2\n  progress_interval_seconds: 15\n  stall_warning_seconds: 60\n  stall_timeout_seconds: 120\n' +
      '  resource_limits: {max_memory_mb: 512, max_cpu_percent: 75, max_disk_io_mb_per_sec: 100, max_parallel_steps: 2, sustained_samples: 3}\n' +
      '  monitoring: {check_interval_seconds: 1, warn_threshold_percent: 90, kill_on_exceed: false}\n',
  );
  expect(m.config).toEqual({
    max_parallel_steps: 4,
    timeout_seconds: 120,
    fail_fast: false,
    mission_timeout_seconds: 3600,
    kill_grace_seconds: 2,
    progress_interval_seconds: 15,
    stall_warning_seconds: 60,
    stall_timeout_seconds: 120,
    resource_limits: {
      max_memory_mb: 512,
      max_cpu_percent: 75,
      max_disk_io_mb_per_sec: 100,
      max_parallel_steps: 2,
      sustained_samples: 3,
    },
    monitoring: { check_interval_seconds: 1, warn_threshold_percent: 90, kill_on_exceed: false },
  });
});

test('decodeMission takes plain data (errors have paths but no positions)', () => {
  const ok = decodeMission({ version: '1', name: 'x', steps: [{ id: 'a', name: 'a', step_type: 'noop' }] });
  expect(isRight(ok)).toBe(true);
  const bad = decodeMission({
    version: '1',
    name: 'x',
    steps: [{ id: 'a', name: 'a', step_type: 'noop', depends_on: ['b'] }],
  });
  expect(bad).toMatchObject({
    _tag: 'Left',
    left: [{ code: 'unknown_dependency', path: 'steps[0].depends_on[0]' }],
  });
  expect((bad as { left: ReadonlyArray<{ position?: unknown }> }).left[0]!.position).toBeUndefined();
});
