// The custom step type API at run time, on virtual time: typed params, output readable by later
// steps, thrown errors, non-retryable errors, the signal on timeout, progress, and ctx.exec.
import * as t from 'io-ts';
import { MissionValidationError } from '../../src/mission/errors.js';
import { defineStepType, NonRetryableError, StepError } from '../../src/steps/define-step-type.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

const mission = (steps: string, config = ''): string =>
  `version: "1.0"\nname: custom\nsteps:\n${steps}${config !== '' ? `config:\n${config}` : ''}`;

/** Waits `ms` on the step's clock, or rejects when the step's signal fires. */
const sleep = (ctx: Parameters<Parameters<typeof defineStepType>[0]['run']>[0], ms: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = ctx.clock.setTimer(ms, resolve);
    ctx.signal.addEventListener('abort', () => {
      timer.cancel();
      reject(ctx.signal.reason as Error);
    });
  });

describe('defineStepType at run time', () => {
  it('validates parameters at load time with positioned errors', async () => {
    const greet = defineStepType({
      name: 'greet',
      parameters: t.type({ who: t.string }),
      run: async (_ctx, p) => ({ greeting: `hello ${p.who}` }),
    });
    const err = (await runTestMission(
      mission('  - id: g\n    name: G\n    step_type: greet\n    parameters: { who: 42, extra: 1 }\n'),
      { stepTypes: [greet], strict: true },
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(err).toBeInstanceOf(MissionValidationError);
    expect(err.errors.map((e) => [e.path, e.code])).toEqual([
      ['steps[0].parameters.who', 'invalid_type'],
      ['steps[0].parameters.extra', 'unknown_key'],
    ]);
    expect(err.errors[0]!.position).toEqual({ line: 7, column: 24 });
  });

  it('returns output that later steps read as {<id>_result} (its `response` when it has one)', async () => {
    const greet = defineStepType({
      name: 'greet',
      parameters: t.type({ who: t.string }),
      run: async (ctx, p) => {
        ctx.progress('greeting', 0.5);
        return { response: `hello ${p.who}`, length: p.who.length };
      },
    });
    const { report, events, fs } = await runTestMission(
      mission(
        '  - id: g\n    name: G\n    step_type: greet\n    parameters: { who: ada }\n' +
          '  - id: save\n    name: Save\n    step_type: create_file\n    depends_on: [g]\n    parameters: { path: out.txt, content: "{g_result}" }\n',
      ),
      { stepTypes: [greet] },
    );
    expect(report.steps[0]).toMatchObject({
      status: 'succeeded',
      output: { response: 'hello ada', length: 3 },
    });
    expect(new TextDecoder().decode(await fs.readFile('/mission/out.txt'))).toBe('hello ada');
    expect(events.find((e) => e.type === 'step_progress')).toMatchObject({
      message: 'greeting',
      fraction: 0.5,
    });
  });

  it('a thrown error fails the step with its message; StepError adds hint, kind and http status', async () => {
    const quota = defineStepType({
      name: 'quota',
      parameters: t.partial({}),
      run: () =>
        Promise.reject(
          new StepError('quota exceeded', {
            hint: 'wait an hour',
            failure_kind: 'http_status',
            http_status: 429,
          }),
        ),
    });
    const plain = defineStepType({
      name: 'plain',
      parameters: t.partial({}),
      run: () => Promise.reject(new Error('disk on fire')),
    });
    const { report } = await runTestMission(
      mission(
        '  - id: q\n    name: Q\n    step_type: quota\n    continue_on_error: true\n' +
          '  - id: p\n    name: P\n    step_type: plain\n    continue_on_error: true\n',
      ),
      { stepTypes: [quota, plain] },
    );
    expect(report.steps[0]).toMatchObject({
      outcome: 'failed',
      message: 'quota exceeded',
      hint: 'wait an hour',
      failure_kind: 'http_status',
    });
    expect(report.steps[1]).toMatchObject({
      outcome: 'failed',
      message: 'disk on fire',
      failure_kind: 'error',
    });
  });

  it('retries a plain error under the policy, but not a NonRetryableError', async () => {
    let flaky = 0;
    let fatal = 0;
    const types = [
      defineStepType({
        name: 'flaky',
        parameters: t.partial({}),
        run: async () => {
          if (++flaky < 3) throw new Error('try again');
          return { tries: flaky };
        },
      }),
      defineStepType({
        name: 'fatal',
        parameters: t.partial({}),
        run: async () => {
          fatal++;
          throw new NonRetryableError('bad credentials', { hint: 'rotate the key' });
        },
      }),
    ];
    const retry = '    retry: { max_attempts: 5, delay_seconds: 1 }\n    continue_on_error: true\n';
    const { report } = await runTestMission(
      mission(
        `  - id: a\n    name: A\n    step_type: flaky\n${retry}  - id: b\n    name: B\n    step_type: fatal\n${retry}`,
      ),
      { stepTypes: types },
    );
    expect(report.steps[0]).toMatchObject({ status: 'succeeded', output: { tries: 3 } });
    expect(report.steps[0]!.attempts).toHaveLength(3);
    expect(report.steps[1]).toMatchObject({ outcome: 'failed', hint: 'rotate the key' });
    expect(fatal).toBe(1);
  });

  it('ctx.signal fires on timeout, so a step that honours it ends at once', async () => {
    let reason: unknown;
    const wait = defineStepType({
      name: 'wait',
      parameters: t.type({ seconds: t.number }),
      run: async (ctx, p) => {
        try {
          await sleep(ctx, p.seconds * 1000);
        } catch (e) {
          reason = ctx.signal.reason;
          throw e;
        }
        return { waited: p.seconds };
      },
    });
    const { report } = await runTestMission(
      mission(
        '  - id: w\n    name: W\n    step_type: wait\n    timeout_seconds: 5\n    parameters: { seconds: 60 }\n',
      ),
      { stepTypes: [wait] },
    );
    expect(report.steps[0]!.status).toBe('timed_out');
    expect(report.duration_ms).toBe(5_000);
    expect(String(reason)).toMatch(/timeout/);
  });

  it('refuses an output that is not JSON, instead of breaking the report later', async () => {
    const big = defineStepType({
      name: 'big',
      parameters: t.partial({}),
      run: async () => ({ n: BigInt(1) }),
    });
    const { report } = await runTestMission(mission('  - id: b\n    name: B\n    step_type: big\n'), {
      stepTypes: [big],
    });
    expect(report.steps[0]).toMatchObject({ status: 'failed' });
    expect(report.steps[0]!.message).toMatch(/returned an output that is not JSON-serialisable/);
  });

  it('ctx.exec spawns through the mission’s executor, under the step’s control', async () => {
    const gitHead = defineStepType({
      name: 'git_head',
      parameters: t.partial({ repo: t.string }),
      run: async (ctx, p) => {
        const r = await ctx.exec({ command: 'git', args: ['rev-parse', 'HEAD'], cwd: p.repo ?? '.' });
        if (r.exit._tag !== 'exited' || r.exit.code !== 0)
          throw new StepError(`git failed: ${r.stderr.text}`);
        return { commit: r.stdout.text.trim() };
      },
    });
    const { report, executor } = await runTestMission(
      mission('  - id: h\n    name: H\n    step_type: git_head\n    parameters: { repo: src }\n'),
      { stepTypes: [gitHead], commands: { git: { output: [{ text: 'abc123\n' }] } } },
    );
    expect(report.steps[0]).toMatchObject({ status: 'succeeded', output: { commit: 'abc123' } });
    expect(executor.spawns[0]!.request).toMatchObject({
      command: 'git',
      args: ['rev-parse', 'HEAD'],
      cwd: '/mission/src',
    });
  });
});
