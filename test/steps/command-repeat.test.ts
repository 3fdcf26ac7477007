// The command step's repeats and expectations, on virtual time with scripted processes.
import type { SpawnRequest } from '../../src/ports/executor.js';
import type { FakeScript } from '../../src/testing/fake-script.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { commandMission } from '../support/command-mission.js';

const mission = (params: string, step = ''): string => commandMission('probe', params, step);

/** The roadmap's fix 3 step parameters. */
const fix3 = `
command: "curl"
args: ["-s", "-w", "%{http_code}\\\\n", "http://localhost:8084/api/v1/stats"]
repeat_count: 10
delay_between_repeats_ms: 100
expect_status_codes: [200, 401, 429]
timeout_seconds: 30`;

/** curl answering the given statuses in turn, each after 20 ms, with a body before the status. */
const curl = (statuses: ReadonlyArray<number | string>, calls: SpawnRequest[] = []) => {
  let i = 0;
  return (req: SpawnRequest): FakeScript => {
    calls.push(req);
    const status = String(statuses[Math.min(i++, statuses.length - 1)]);
    return { output: [{ atMs: 20, text: `{"requests":${i}}${status}\n` }], exitAfterMs: 20 };
  };
};

describe('repeat_count and expect_status_codes', () => {
  test("the roadmap's fix 3: ten requests 100 ms apart, every status expected", async () => {
    const calls: SpawnRequest[] = [];
    const { report, executor } = await runTestMission(mission(fix3), {
      commands: { curl: curl([200, 200, 401, 429, 429, 429, 429, 200, 200, 200], calls) },
    });
    const step = report.steps[0]!;
    expect(step.status).toBe('succeeded');
    expect(executor.spawns).toHaveLength(10);
    expect(calls[0]!.args).toEqual(['-s', '-w', '%{http_code}\\n', 'http://localhost:8084/api/v1/stats']);
    // 10 requests of 20 ms and 9 pauses of 100 ms, on the virtual clock.
    expect(step.duration_ms).toBe(10 * 20 + 9 * 100);
    const reps = (step.output as { repetitions: Array<Record<string, unknown>> }).repetitions;
    expect(reps.map((r) => r['status_code'])).toEqual([200, 200, 401, 429, 429, 429, 429, 200, 200, 200]);
    expect(reps[0]).toEqual({
      repetition: 1,
      exit_code: 0,
      signal: null,
      status_code: 200,
      duration_ms: 20,
      ok: true,
    });
    expect(step.stdout.text.split('\n')).toHaveLength(11);
    expect(step.exit_code).toBe(0);
  });

  test('one unexpected status fails the step, naming the repetition', async () => {
    const { report } = await runTestMission(mission(fix3), {
      commands: { curl: curl([200, 200, 200, 500, 200, 200, 200, 200, 200, 200]) },
    });
    const step = report.steps[0]!;
    expect(step).toMatchObject({
      status: 'failed',
      failure_kind: 'http_status',
      message:
        '1 of 10 repetitions did not meet the expectations: #4 HTTP status 500 (expected 200, 401 or 429)',
    });
    expect(step.hint).toContain("-w '%{http_code}'");
    // Every repetition still ran: the test is of the whole sequence.
    expect((step.output as { repetitions: unknown[] }).repetitions).toHaveLength(10);
  });

  test('no response (curl prints 000 and exits 7) and a missing status are both reported', async () => {
    const { report } = await runTestMission(mission(fix3.replace('repeat_count: 10', 'repeat_count: 2')), {
      commands: {
        curl: (() => {
          let i = 0;
          return (): FakeScript =>
            i++ === 0
              ? { output: [{ text: '000\n' }], exitCode: 7 }
              : { output: [{ text: 'no status here\n' }], exitCode: 0 };
        })(),
      },
    });
    expect(report.steps[0]!.message).toBe(
      '2 of 2 repetitions did not meet the expectations: #1 exit code 7 (expected 0); #2 no HTTP status at the end of the output',
    );
    const reps = (report.steps[0]!.output as { repetitions: Array<{ status_code: number | null }> })
      .repetitions;
    expect(reps.map((r) => r.status_code)).toEqual([0, null]);
  });

  test('expect_exit_codes is judged on every repetition', async () => {
    const { report } = await runTestMission(
      mission('command: "probe"\nrepeat_count: 3\nexpect_exit_codes: [0, 1]'),
      { commands: { probe: { exitCode: 1 } } },
    );
    expect(report.steps[0]).toMatchObject({ status: 'succeeded', exit_code: 1 });
  });

  test('a program that cannot start is not started nine more times', async () => {
    const { report, executor } = await runTestMission(mission('command: "nope"\nrepeat_count: 10'), {
      commands: { nope: { spawnError: 'ENOENT' } },
    });
    expect(executor.spawns).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ status: 'failed', failure_kind: 'command_not_found' });
  });

  test('the step timeout covers all repetitions; the ones done are kept', async () => {
    const { report } = await runTestMission(
      mission(
        fix3
          .replace('repeat_count: 10', 'repeat_count: 100')
          .replace('timeout_seconds: 30', 'timeout_seconds: 1'),
      ),
      { commands: { curl: curl([200]) } },
    );
    const step = report.steps[0]!;
    expect(step.status).toBe('timed_out');
    const reps = (step.output as { repetitions: unknown[] }).repetitions;
    // 120 ms per repetition (20 ms request + 100 ms pause): the 9th ends at 1,060 ms, after the 1 s timeout.
    expect(reps).toHaveLength(9);
  });
});

describe('repeat_until_success (polling)', () => {
  test('stops at the first repetition that meets the expectations', async () => {
    const { report, executor } = await runTestMission(
      mission(
        'command: "curl"\nargs: ["-s", "-w", "%{http_code}", "http://127.0.0.1/health"]\nexpect_status_codes: [200]\nrepeat_until_success: true\nrepeat_count: 5\ndelay_between_repeats_ms: 500',
      ),
      { commands: { curl: curl([503, 503, 200, 200]) } },
    );
    expect(executor.spawns).toHaveLength(3);
    expect(report.steps[0]).toMatchObject({
      status: 'succeeded',
      duration_ms: 3 * 20 + 2 * 500,
    });
  });

  test('without repeat_count it polls once a second until the step timeout', async () => {
    const { report, executor } = await runTestMission(
      mission(
        'command: "curl"\nargs: ["-w", "%{http_code}", "http://x"]\nexpect_status_codes: [200]\nrepeat_until_success: true\ntimeout_seconds: 10',
      ),
      { commands: { curl: curl([503]) } },
    );
    expect(report.steps[0]!.status).toBe('timed_out');
    expect(executor.spawns).toHaveLength(10);
  });

  test('a count that runs out fails with the last problem', async () => {
    const { report } = await runTestMission(
      mission(
        'command: "curl"\nargs: ["-w", "%{http_code}", "http://x"]\nexpect_status_codes: [200]\nrepeat_until_success: true\nrepeat_count: 3\ndelay_between_repeats_ms: 10',
      ),
      { commands: { curl: curl([503]) } },
    );
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      failure_kind: 'http_status',
      message: 'no repetition met the expectations in 3 tries (last: HTTP status 503 (expected 200))',
    });
  });
});

describe('a plain command is unchanged', () => {
  test('no repetitions, no output field', async () => {
    const { report } = await runTestMission(mission('command: "make"'), {
      commands: { make: { exitCode: 0 } },
    });
    expect(report.steps[0]!.status).toBe('succeeded');
    expect(report.steps[0]!.output).toBeUndefined();
  });
});
