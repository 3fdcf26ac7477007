// The step-runner seam on the virtual clock: attempts a runner takes run "elsewhere" (a scripted
// runner here), and the report is the one a local run gives, plus each attempt's worker. A lost
// host interrupts one attempt while the run goes on; on_interrupt decides what follows; kills
// reach the runner.
import { runMissionWith, type RuntimeHost } from '../../src/runtime/run-mission.js';
import type { AttemptRequest, AttemptSink, StepRunnerFactory } from '../../src/ports/step-runner.js';
import type { KillReason } from '../../src/scheduler/report.js';
import { FakeExecutor, MemoryFileSystem, VirtualClock } from '../../src/testing/index.js';

type Script = (
  request: AttemptRequest,
  sink: AttemptSink,
  clock: VirtualClock,
) => (reason: KillReason) => void;

const run = async (mission: string, script: Script) => {
  const clock = new VirtualClock();
  const kills: string[] = [];
  const started: string[] = [];
  const stepRunner: StepRunnerFactory = () => ({
    takes: (step) => !(step.runs_on?.length === 1 && step.runs_on[0] === 'coordinator'),
    start: (request, sink) => {
      started.push(`${request.stepId}#${request.attempt}`);
      const onKill = script(request, sink, clock);
      return {
        kill: (reason, mode) => {
          kills.push(`${request.stepId}#${request.attempt} ${reason} ${mode}`);
          onKill(reason);
        },
        usage: () => ({ processes: 1, rss_bytes: 1024, cpu_ms: 5 }),
      };
    },
  });
  const host: RuntimeHost = {
    executor: new FakeExecutor({
      clock,
      steps: {},
      commands: {},
      defaultScript: { exitCode: 0, exitAfterMs: 10 },
    }),
    clock,
    fs: new MemoryFileSystem({}),
    http: { request: () => Promise.reject(new Error('no network')) } as unknown as RuntimeHost['http'],
    cwd: '/mission',
    env: {},
    stepRunner,
  };
  const report = await clock.runUntilSettled(runMissionWith(host, { text: mission }, { seed: 1 }));
  return { report, kills, started };
};

const mission = (onInterrupt: 'rerun' | 'fail', extra = ''): string => `version: "1.0"
name: seam
steps:
  - id: far
    name: far
    step_type: command
    on_interrupt: ${onInterrupt}
${extra}    parameters: { command: work }
  - id: here
    name: here
    step_type: command
    runs_on: [coordinator]
    depends_on: [far]
    dependency_strategy: best_effort
    parameters: { command: local }
`;

// Attempt 1 is lost on worker w1 after 100 ms; attempt 2 succeeds on w2 after 50 ms.
const loseFirst: Script = (request, sink, clock) => {
  clock.setTimer(request.attempt === 1 ? 100 : 50, () => {
    if (request.attempt === 1) sink.interrupted('worker w1 stopped answering', 'w1');
    else {
      sink.line('stdout', 'done');
      sink.finished(
        { status: 'succeeded', exit_code: 0, stdout: { text: 'done\n', total_bytes: 5, dropped_bytes: 0 } },
        'process-group',
        'w2',
      );
    }
  });
  return () => undefined;
};

test('an attempt whose worker is lost is interrupted and runs again (on_interrupt: rerun); the report names each worker', async () => {
  const { report, started } = await run(mission('rerun'), loseFirst);
  expect(report.status).toBe('succeeded');
  const far = report.steps[0]!;
  expect(started).toEqual(['far#1', 'far#2']);
  expect(far.attempts.map((a) => [a.outcome, a.interrupted ?? false, a.worker])).toEqual([
    ['failed', true, 'w1'],
    ['succeeded', false, 'w2'],
  ]);
  expect(far.attempts[0]!.message).toBe(
    'interrupted: worker w1 stopped answering; run again (on_interrupt: rerun)',
  );
  expect(far.stdout.text).toBe('done\n');
  expect(far.containment).toBe('process-group');
  // runs_on: [coordinator] ran in this process, through the executor: no worker.
  const here = report.steps[1]!;
  expect(here.status).toBe('succeeded');
  expect(here.attempts[0]!.worker).toBeUndefined();
});

test('with on_interrupt: fail, a lost worker fails the step and it does not run again', async () => {
  const { report, started } = await run(mission('fail'), loseFirst);
  const far = report.steps[0]!;
  expect(started).toEqual(['far#1']);
  expect(far.status).toBe('failed');
  expect(far.message).toMatch(
    /interrupted: worker w1 stopped answering; not run again \(on_interrupt: fail\)/,
  );
  expect(far.attempts[0]!.worker).toBe('w1');
});

test('a timeout reaches the runner as a kill, and the attempt ends timed out', async () => {
  const hang: Script = (_request, sink) => (reason) =>
    sink.finished({ status: 'failed', signal: 'SIGTERM', message: `stopped: ${reason}` }, undefined, 'w1');
  const { report, kills } = await run(mission('rerun', '    timeout_seconds: 2\n'), hang);
  expect(kills).toEqual(['far#1 timeout graceful']);
  expect(report.steps[0]!.status).toBe('timed_out');
  expect(report.steps[0]!.attempts[0]!.worker).toBe('w1');
  expect(report.steps[0]!.duration_ms).toBe(2000);
});
