// Compatibility: the RustChain corpus missions whose step types missionkit ships run end to end,
// unchanged — llm steps against a local server speaking Ollama's API (found through OLLAMA_HOST,
// since corpus missions set no base_url), http steps against a local httpbin, commands scripted
// with a FakeExecutor, files in memory. They run through `runMission` on the real clock rather
// than `runTestMission`: a virtual clock moves on as soon as nothing *it* knows of is pending, so
// it would fire the steps' timeouts while a real HTTP request is still on its way.
import * as t from 'io-ts';
import { runMission } from '../../src/index.js';
import { MissionValidationError } from '../../src/mission/errors.js';
import { systemClock } from '../../src/node/system-clock.js';
import type { AnyStepType } from '../../src/ports/step-type.js';
import type { MissionReport, StepResult } from '../../src/scheduler/report.js';
import { defineStepType, NonRetryableError } from '../../src/steps/define-step-type.js';
import { rustChainStepType } from '../../src/steps/rustchain-catalog.js';
import { FakeExecutor } from '../../src/testing/fake-executor.js';
import type { FakeScriptSource } from '../../src/testing/fake-script.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { offlineHttp, startHttpbin, startModelServer } from './services.js';
import type { TestServer } from './support.js';
import { readCorpus } from '../mission/support.js';

let model: TestServer;
let httpbin: TestServer;
beforeAll(async () => {
  model = await startModelServer();
  httpbin = await startHttpbin();
});
afterAll(async () => {
  await model.close();
  await httpbin.close();
});

interface CorpusRun {
  readonly report: MissionReport;
  readonly fs: MemoryFileSystem;
  readonly step: (id: string) => StepResult;
}

const runCorpus = async (
  file: string,
  options: {
    readonly stepTypes?: ReadonlyArray<AnyStepType>;
    readonly commands?: Readonly<Record<string, FakeScriptSource>>;
  } = {},
): Promise<CorpusRun> => {
  const mem = new MemoryFileSystem();
  const report = await runMission(
    { text: readCorpus(file), file },
    {
      fs: mem,
      cwd: '/mission',
      env: { OLLAMA_HOST: model.url },
      http: offlineHttp({ 'https://httpbin.org': httpbin.url }),
      executor: new FakeExecutor({
        clock: systemClock,
        defaultScript: { exitCode: 0 },
        commands: options.commands ?? {},
      }),
      stepTypes: options.stepTypes ?? [],
    },
  );
  const step = (id: string): StepResult => {
    const s = report.steps.find((x) => x.id === id);
    if (s === undefined) throw new Error(`no step ${id}`);
    return s;
  };
  return { report, fs: mem, step };
};

/** What the local model server answered to a prompt (it echoes the first 60 characters). */
const answer = (prompt: string): string => `ollama says: ${prompt.slice(0, 60)}`;

describe.each([
  ['contextlite__champion_test_mission.yaml', 'docs/mission-stacks/current/trial_result.txt'],
  [
    'contextlite__mission_001_security_analysis.yaml',
    'docs/mission-stacks/current/security_priority_analysis.md',
  ],
  ['contextlite__mission_3.1_security_audit_corrected.yaml', 'docs/security/SECURITY_AUDIT_REPORT.md'],
  ['contextlite__mission_3.2_test_coverage_corrected.yaml', 'docs/testing/TEST_COVERAGE_PLAN.md'],
  ['contextlite__mission_3.3_database_import_corrected.yaml', 'docs/database/DATABASE_IMPORT_STATUS.md'],
  [
    'contextlite__mission_3.4_security_hardening_corrected.yaml',
    'docs/security/SECURITY_HARDENING_REPORT.md',
  ],
])('%s (commands, llm via Ollama, create_file)', (file, report) => {
  it('runs to success and writes its report file', async () => {
    const before = model.requests.length;
    const { report: r, fs: mem } = await runCorpus(file);
    expect(r.steps.filter((s) => s.status !== 'succeeded')).toEqual([]);
    expect(r.status).toBe('succeeded');
    expect(mem.text(`/mission/${report}`)).toBeDefined();
    const asked = model.requests.slice(before);
    expect(asked.length).toBe(r.steps.filter((s) => s.step_type === 'llm').length);
    for (const q of asked) expect(q.url).toBe('/api/generate');
    for (const s of r.steps.filter((x) => x.step_type === 'llm'))
      expect(s.output).toMatchObject({
        provider: 'ollama',
        response: expect.stringMatching(/^ollama says: /),
      });
  });
});

test('mission_001 keeps the `$(date)` RustChain never expanded, exactly as written', async () => {
  const { fs: mem } = await runCorpus('contextlite__mission_001_security_analysis.yaml');
  expect(mem.text('/mission/docs/mission-stacks/current/security_priority_analysis.md')).toContain(
    '**Generated**: $(date)\n',
  );
});

test('test_corrected_chaining: {step1} and {step2} carry each llm answer into the next step and the file', async () => {
  const { report, fs: mem, step } = await runCorpus('rustchain-community__test_corrected_chaining.yaml');
  expect(report.status).toBe('succeeded');
  const first = answer(
    'Analyze the following Rust code and provide 3 improvement suggestions: fn add(a: i32, b: i32) -> i32 { a + b }',
  );
  expect(step('step1').output).toMatchObject({ response: first, model: 'llama32-champion' });
  const second = answer(
    `Based on this analysis: ${first}, create a detailed implementation plan for the suggested improvements.`,
  );
  expect(step('step2').output).toMatchObject({ response: second });
  const text = mem.text('/mission/chaining_test_result.txt')!;
  expect(text).toContain(`Step 1 Analysis:\n${first}\n`);
  expect(text).toContain(`Step 2 Implementation Plan:\n${second}\n`);
});

test('hello_world: create_file then a command; `{{ timestamp }}` stays as written, as in RustChain', async () => {
  const { report, fs: mem } = await runCorpus('rustchain__hello_world.yaml');
  expect(report.status).toBe('succeeded');
  expect(mem.text('/mission/hello_rustchain.txt')).toContain('Mission executed at: {{ timestamp }}\n');
});

test('api_integration: GET, POST with body_file and `expected_status: 404`, against a local httpbin', async () => {
  const { report, step } = await runCorpus('rustchain__api_integration.yaml');
  expect(report.steps.map((s) => [s.id, s.status])).toEqual([
    ['test_get', 'succeeded'],
    ['create_payload', 'succeeded'],
    ['test_post', 'succeeded'],
    ['test_error_handling', 'succeeded'],
    ['done', 'succeeded'],
  ]);
  expect(step('test_get').output).toMatchObject({
    status: 200,
    body: { method: 'GET', headers: { accept: 'application/json' } },
  });
  const posted = step('test_post').output as {
    body: { method: string; data: string; headers: Record<string, string> };
  };
  expect(posted.body.method).toBe('POST');
  expect(posted.body.headers['content-type']).toBe('application/json');
  expect(JSON.parse(posted.body.data)).toEqual({
    timestamp: '{{ timestamp }}',
    data: { key: 'value', count: 42 },
  });
  expect(step('test_error_handling').output).toMatchObject({ status: 404 });
  // `timeout_seconds` written under parameters became the step's timeout.
  expect(step('test_get').timeout).toMatchObject({ ms: 30_000 });
});

test('test_coverage_file_operations: `operation: "append"` appends (RustChain overwrote the file)', async () => {
  const { report, step } = await runCorpus('rustchain-community__test_coverage_file_operations.yaml');
  expect(report.steps.filter((s) => s.status !== 'succeeded')).toEqual([]);
  expect(step('append_edge_case_tests').output).toMatchObject({ mode: 'append' });
});

describe('dogfood_comprehensive_step_coverage (every RustChain step type it uses)', () => {
  const unshipped = [
    'sql_query',
    'ftp_upload',
    'compile_code',
    'run_tests',
    'csv_process',
    'generate_embedding',
  ];

  it('is refused at load time, naming exactly the step types missionkit does not ship', async () => {
    const err = (await runCorpus('rustchain-community__dogfood_comprehensive_step_coverage.yaml').catch(
      (e: unknown) => e,
    )) as MissionValidationError;
    expect(err).toBeInstanceOf(MissionValidationError);
    expect(err.errors.map((e) => e.found)).toEqual(unshipped.map((s) => JSON.stringify(s)));
    for (const name of unshipped) expect(rustChainStepType(name)?.support._tag).not.toBe('supported');
  });

  it('runs end to end once the host provides those as custom step types', async () => {
    const provided = unshipped.map((name) =>
      defineStepType({
        name,
        parameters: t.UnknownRecord,
        run: async (_ctx, params) => ({ provided_by: 'host', keys: Object.keys(params).sort() }),
      }),
    );
    const {
      report,
      fs: mem,
      step,
    } = await runCorpus('rustchain-community__dogfood_comprehensive_step_coverage.yaml', {
      stepTypes: provided,
    });
    expect(report.steps.filter((s) => s.status !== 'succeeded')).toEqual([]);
    expect(step('test_read_file').output).toMatchObject({ content: 'RustChain step type coverage test' });
    expect(step('test_http_get').output).toMatchObject({
      status: 200,
      body: { slideshow: { title: 'Sample Slide Show' } },
    });
    expect(step('test_sql_query').output).toEqual({ provided_by: 'host', keys: ['database_url', 'query'] });
    expect(mem.text('/mission/coverage_test_file_copy.txt')).toBe('Updated content for coverage test');
    expect(mem.text('/mission/coverage_test_file.txt')).toBeUndefined(); // the cleanup step deleted it
    expect(JSON.parse(mem.text('/mission/step_type_coverage_report.json')!)).toMatchObject({
      test_name: 'Comprehensive Step Type Coverage Test',
    });
  });
});

test('dogfood_error_handling_validation: each failure is contained, explained, and the mission goes on', async () => {
  const featureGated = ['csv_process', 'compile_code'].map((name) =>
    defineStepType({
      name,
      parameters: t.UnknownRecord,
      run: () => Promise.reject(new NonRetryableError(`${name} is not available on this host`)),
    }),
  );
  const { report, step } = await runCorpus('rustchain-community__dogfood_error_handling_validation.yaml', {
    stepTypes: featureGated,
    commands: { nonexistent_command_12345: { spawnError: 'ENOENT' }, cmd: { exitCode: 1 } },
  });
  const failedOutcomes = report.steps.filter((s) => s.outcome === 'failed').map((s) => [s.id, s.message]);
  expect(failedOutcomes).toEqual([
    [
      'test_missing_file_read',
      'could not read /mission/nonexistent_file_12345.txt: no such file or directory (ENOENT)',
    ],
    [
      'test_invalid_file_create',
      'path "/invalid/path/that/does/not/exist/test.txt" resolves to /invalid/path/that/does/not/exist/test.txt, outside the working directory',
    ],
    [
      'test_copy_missing_source',
      'could not copy /mission/missing_source_file_12345.txt: the source does not exist',
    ],
    ['test_invalid_command', 'command not found: nonexistent_command_12345'],
    ['test_command_with_failure', 'exited with code 1 (expected 0)'],
    [
      'test_http_invalid_url',
      'GET https://invalid-domain-that-does-not-exist-12345.com/api failed: DNS lookup failed for invalid-domain-that-does-not-exist-12345.com (ENOTFOUND): the host name could not be resolved',
    ],
    [
      'test_missing_required_parameter',
      'invalid parameters: steps[7].parameters.path: missing required field `path`',
    ],
    ['test_invalid_parameter_type', 'csv_process is not available on this host'],
    ['test_invalid_compilation', 'compile_code is not available on this host'],
  ]);
  for (const s of report.steps) expect(['succeeded', 'succeeded_with_warnings']).toContain(s.conclusion);
  expect(step('test_http_timeout').outcome).toBe('succeeded');
  expect(step('cleanup_error_test_files').outcome).toBe('succeeded');
  expect(report.status).toBe('succeeded_with_warnings');
});
