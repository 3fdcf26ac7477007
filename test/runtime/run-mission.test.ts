import * as t from 'io-ts';
import { MissionValidationError } from '../../src/mission/errors.js';
import type { AnyStepType } from '../../src/ports/step-type.js';
import { defineStepType } from '../../src/steps/define-step-type.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const mission = (steps: string, config = ''): string => `version: "1.0"
name: "runtime test"
steps:
${steps}
${config ? `config:\n${config}` : ''}`;

const command = (id: string, cmd: string, extra = ''): string => `  - id: "${id}"
    name: "${id}"
    step_type: "command"
    parameters:
      command: "${cmd}"
${extra}`;

describe('runMission on the test kit', () => {
  it('runs commands to a complete report with output, exit codes and virtual durations', async () => {
    const { report, events } = await runTestMission(
      mission(command('build', 'make') + command('test', 'make', '    depends_on: ["build"]\n')),
      {
        steps: {
          build: {
            output: [
              { atMs: 100, text: 'compiling\n' },
              { atMs: 200, text: 'done\n' },
            ],
            exitAfterMs: 1500,
          },
          test: {
            output: [{ atMs: 10, stream: 'stderr', text: '2 tests failed\n' }],
            exitAfterMs: 500,
            exitCode: 2,
          },
        },
      },
    );
    expect(report.status).toBe('failed');
    const [build, test] = report.steps;
    expect(build).toMatchObject({
      id: 'build',
      status: 'succeeded',
      exit_code: 0,
      stdout: { text: 'compiling\ndone\n', total_bytes: 15, dropped_bytes: 0 },
      started_at: '2025-01-01T00:00:00.000Z',
      ended_at: '2025-01-01T00:00:01.500Z',
      duration_ms: 1500,
    });
    expect(test).toMatchObject({
      status: 'failed',
      exit_code: 2,
      failure_kind: 'exit_code',
      message: 'exited with code 2 (expected 0)',
      stderr: { text: '2 tests failed\n' },
    });
    expect(report.duration_ms).toBe(2000);
    expect(report.success_rate).toBe(0.5);
    expect(events.map((e) => e.type)).toEqual([
      'mission_start',
      'step_start',
      'step_output',
      'step_output',
      'step_end',
      'step_start',
      'step_output',
      'step_end',
      'mission_end',
    ]);
    expect(events[2]).toMatchObject({
      type: 'step_output',
      step_id: 'build',
      stream: 'stdout',
      line: 'compiling',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('terminates a hanging step at its timeout, forces it after the grace period, and keeps its output', async () => {
    const { report, executor } = await runTestMission(
      mission(command('scan', 'grep', '    timeout_seconds: 30\n'), '  kill_grace_seconds: 2\n'),
      {
        steps: { scan: { output: [{ atMs: 1000, text: 'match 1\n' }], hang: true, ignoreGraceful: true } },
      },
    );
    const scan = report.steps[0]!;
    expect(scan).toMatchObject({
      status: 'timed_out',
      kill_reason: 'timeout',
      signal: 'SIGKILL',
      stdout: { text: 'match 1\n' },
      duration_ms: 32_000,
    });
    expect(scan.message).toBe('timed out after 30 s (step timeout_seconds: 30 s)');
    expect(executor.signalsFor('scan')).toEqual(['graceful', 'force']);
  });

  it('cancels through an AbortSignal: every running step is stopped and the report says cancelled', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    clock.setTimer(5000, () => controller.abort(new Error('deploy window closed')));
    const { report } = await runTestMission(
      mission(command('a', 'sleep') + command('b', 'sleep', '    depends_on: ["a"]\n')),
      {
        clock,
        signal: controller.signal,
        steps: { a: { hang: true } },
      },
    );
    expect(report.status).toBe('cancelled');
    expect(report.cancel_reason).toBe('deploy window closed');
    expect(report.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(report.steps[0]!.signal).toBe('SIGTERM');
  });

  it('emits progress with elapsed time, output bytes and the last line on the virtual clock', async () => {
    const { events } = await runTestMission(
      mission(command('long', 'build'), '  progress_interval_seconds: 10\n'),
      {
        steps: { long: { output: [{ atMs: 12_000, text: 'step 3/9\n' }], exitAfterMs: 25_000 } },
      },
    );
    const progress = events.filter((e) => e.type === 'step_progress');
    expect(
      progress.map((e) => e.type === 'step_progress' && [e.elapsed_ms, e.output_bytes, e.last_line]),
    ).toEqual([
      [10_000, 0, null],
      [20_000, 9, 'step 3/9'],
    ]);
  });

  it('captures output bounded: head and tail kept, dropped bytes counted', async () => {
    const big = 'x'.repeat(9999) + '\n';
    const { report } = await runTestMission(mission(command('flood', 'yes')), {
      maxOutputBytes: 1000,
      steps: {
        flood: { output: Array.from({ length: 300 }, (_, i) => ({ atMs: i, text: big })), exitAfterMs: 400 },
      },
    });
    const out = report.steps[0]!.stdout;
    expect(out.total_bytes).toBe(3_000_000);
    expect(out.dropped_bytes).toBe(2_999_000);
    expect(out.text.length).toBeLessThan(1100);
  });

  it('reports a missing program as a failed step with a hint, not an exception', async () => {
    const { report } = await runTestMission(mission(command('lint', 'golangci-lint')), {
      steps: { lint: { spawnError: 'ENOENT', spawnErrorHint: 'is golangci-lint installed?' } },
    });
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      failure_kind: 'command_not_found',
      hint: 'is golangci-lint installed?',
    });
  });

  it('writes create_file output with RustChain {variable} substitution and refuses paths outside the working directory', async () => {
    const yaml = `version: "1.0"
name: files
variables:
  who: "world"
steps:
  - id: greet
    name: greet
    step_type: create_file
    parameters:
      path: "out/hello.txt"
      content: "hello {who}, {unknown} and {\\"json\\": true}"
  - id: escape
    name: escape
    step_type: create_file
    parameters:
      path: "../etc/passwd"
      content: "nope"
config:
  fail_fast: false
`;
    const fs = new MemoryFileSystem();
    const { report } = await runTestMission(yaml, { fs });
    expect(fs.text('/mission/out/hello.txt')).toBe('hello world, {unknown} and {"json": true}');
    expect(report.steps[1]).toMatchObject({ status: 'failed', failure_kind: 'invalid_input' });
    expect(report.steps[1]!.message).toMatch(/outside the working directory/);
    expect(fs.list()).toEqual(['/mission/out/hello.txt']);
  });

  it('passes host variables over the mission’s own', async () => {
    const yaml = `version: "1.0"
name: vars
variables: { env: "dev" }
steps:
  - { id: w, name: w, step_type: create_file, parameters: { path: env.txt, content: "{env}" } }
`;
    const { fs } = await runTestMission(yaml, { variables: { env: 'prod' } });
    expect((fs as MemoryFileSystem).text('/mission/env.txt')).toBe('prod');
  });

  it('runs a custom step type with typed parameters, its output, and its AbortSignal on timeout', async () => {
    const seen: string[] = [];
    const wait = defineStepType({
      name: 'wait_for',
      parameters: t.type({ seconds: t.number }),
      run: (ctx, p) =>
        new Promise((resolve, reject) => {
          const timer = ctx.clock.setTimer(p.seconds * 1000, () => resolve({ waited: p.seconds }));
          ctx.signal.addEventListener('abort', () => {
            seen.push(String((ctx.signal.reason as Error).message));
            timer.cancel();
            reject(new Error('stopped'));
          });
        }),
    });
    const yaml = `version: "1.0"
name: custom
steps:
  - { id: quick, name: quick, step_type: wait_for, parameters: { seconds: 5 } }
  - { id: slow, name: slow, step_type: wait_for, parameters: { seconds: 500 }, timeout_seconds: 10 }
config: { fail_fast: false }
`;
    const { report } = await runTestMission(yaml, { stepTypes: [wait] });
    expect(report.steps[0]).toMatchObject({ status: 'succeeded', output: { waited: 5 } });
    expect(report.steps[1]).toMatchObject({
      status: 'timed_out',
      kill_reason: 'timeout',
      duration_ms: 10_000,
    });
    expect(seen).toEqual(['step stopped: timeout']);
  });

  it('abandons a custom step that ignores its AbortSignal and says so, so the mission still ends', async () => {
    const deaf = defineStepType({
      name: 'deaf',
      parameters: t.type({}),
      run: () => new Promise(() => undefined),
    });
    const yaml = `version: "1.0"
name: deaf
steps:
  - { id: d, name: d, step_type: deaf, parameters: {}, timeout_seconds: 1 }
config: { kill_grace_seconds: 1 }
`;
    const { report } = await runTestMission(yaml, { stepTypes: [deaf] });
    expect(report.steps[0]!.status).toBe('timed_out');
    expect(report.steps[0]!.warnings.join(' ')).toMatch(/did not stop/);
    expect(report.duration_ms).toBe(3000);
  });

  it('ends a no-op at the same point among other microtasks as a step type whose promise is already settled', async () => {
    // A step type's outcome reaches the run one microtask turn after its promise settles; the
    // built-in no-op takes the same one, so of two steps started together, the one started first
    // ends first — and a step type one turn slower ends after a no-op started after it.
    const settled: AnyStepType = {
      name: 'settled',
      parameters: t.type({}),
      run: () => Promise.resolve({ status: 'succeeded' }),
    };
    const later: AnyStepType = {
      name: 'later',
      parameters: t.type({}),
      run: () => Promise.resolve().then(() => ({ status: 'succeeded' })),
    };
    const ends = async (first: string): Promise<string[]> => {
      const yaml = `version: "1.0"
name: turns
steps:
  - { id: first, name: first, step_type: ${first}, parameters: {} }
  - { id: noop, name: noop, step_type: noop, parameters: {} }
config: { max_parallel_steps: 2 }
`;
      const { events } = await runTestMission(yaml, { stepTypes: [settled, later] });
      return events.flatMap((e) => (e.type === 'step_end' ? [e.result.id] : []));
    };
    expect(await ends('settled')).toEqual(['first', 'noop']);
    expect(await ends('later')).toEqual(['noop', 'first']);
  });

  it('takes an outcome a step type returns without a promise, and fails one that returns no outcome or throws', async () => {
    // `run` is typed to return a promise, but a step type written in JavaScript may not: its answer
    // still counts, and anything that is not an outcome fails that step, not the run.
    const plain = { name: 'plain', parameters: t.type({}), run: () => ({ status: 'succeeded' }) };
    const odd = { name: 'odd', parameters: t.type({}), run: () => 42 };
    const thrower = {
      name: 'thrower',
      parameters: t.type({}),
      run: () => {
        throw new Error('no such thing');
      },
    };
    const yaml = `version: "1.0"
name: plain answers
steps:
  - { id: a, name: a, step_type: plain, parameters: {} }
  - { id: b, name: b, step_type: odd, parameters: {}, continue_on_error: true }
  - { id: c, name: c, step_type: thrower, parameters: {}, continue_on_error: true }
`;
    const { report } = await runTestMission(yaml, {
      stepTypes: [plain, odd, thrower] as unknown as AnyStepType[],
    });
    expect(report.steps.map((s) => [s.id, s.outcome, s.message])).toEqual([
      ['a', 'succeeded', undefined],
      ['b', 'failed', 'step type odd returned 42 instead of an outcome'],
      ['c', 'failed', 'no such thing'],
    ]);
  });

  it('isolates a listener that throws', async () => {
    const { report } = await runTestMission(mission(command('a', 'true')), {
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect(report.status).toBe('succeeded');
  });

  it('rejects an invalid mission with every error at once', async () => {
    const bad = mission(command('a', 'x', '    depends_on: ["nope"]\n') + command('a', 'y'));
    const err = await runTestMission(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissionValidationError);
    const codes = (err as MissionValidationError).errors.map((e) => e.code).sort();
    expect(codes).toEqual(['duplicate_step_id', 'unknown_dependency']);
  });

  it('rejects a wrong option with a TypeError naming it', async () => {
    await expect(
      runTestMission(mission(command('a', 'x')), { signal: 'soon' as unknown as AbortSignal }),
    ).rejects.toThrow(new TypeError('option signal must be an AbortSignal, got string "soon"'));
    await expect(runTestMission(mission(command('a', 'x')), { maxOutputBytes: -1 })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('mission sources', () => {
  it('runs a mission given as plain data, validated like YAML', async () => {
    const { report } = await runTestMission({
      mission: { version: '1.0', name: 'typed', steps: [{ id: 'a', name: 'a', step_type: 'noop' }] },
    });
    expect(report.status).toBe('succeeded');
    const bad = await runTestMission({
      mission: { version: '1.0', name: 'typed', steps: [{ id: 'a', step_type: 'noop' }] },
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(MissionValidationError);
    expect((bad as MissionValidationError).errors[0]).toMatchObject({
      code: 'missing_field',
      path: 'steps[0].name',
    });
  });

  it('refuses a source of the wrong shape with a TypeError', async () => {
    await expect(runTestMission({ steps: [] } as never)).rejects.toThrow(TypeError);
  });

  it('fails a step whose parameters are invalid when the mission may still load (continue_on_error)', async () => {
    const yaml = `version: "1.0"
name: p
steps:
  - { id: broken, name: broken, step_type: create_file, parameters: { content: "x" }, continue_on_error: true }
  - { id: after, name: after, step_type: noop, depends_on: [broken] }
`;
    const { report } = await runTestMission(yaml);
    expect(report.steps[0]).toMatchObject({
      outcome: 'failed',
      conclusion: 'succeeded_with_warnings',
      failure_kind: 'invalid_input',
    });
    expect(report.steps[0]!.message).toMatch(/^invalid parameters: steps\[0\]\.parameters/);
    expect(report.steps[1]!.status).toBe('succeeded');
  });
});
