// Determinism: the same mission with the same FakeExecutor scripts gives the same event log and
// the same report, byte for byte — run after run, run beside run, and against the snapshot
// committed next to this file — so users can snapshot-test their own missions. The mission
// exercises everything that could smuggle in disorder: parallel steps finishing at the same
// virtual instant, retries with seeded jitter, the kill ladder, stall warnings, progress
// heartbeats, alternatives, default values, templates, secrets and a custom step type.
import * as t from 'io-ts';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { defineStepType } from '../../src/steps/define-step-type.js';
import { runTestMission, type TestMissionOptions } from '../../src/testing/run-test-mission.js';

const MISSION = `version: "1.0"
name: "Determinism"
variables:
  region: "eu-west-1"
  token: { value: "s3cr3t-t0ken", secret: true }
config:
  max_parallel_steps: 3
  fail_fast: false
  kill_grace_seconds: 2
  progress_interval_seconds: 5
steps:
  - id: fetch
    name: Fetch
    step_type: command
    parameters: { command: fetch, args: ["--region", "{{ variables.region }}", "--token", "{{ variables.token }}"] }
  - id: lint
    name: Lint
    step_type: command
    parameters: { command: lint }
  - id: flaky
    name: Flaky
    step_type: command
    parameters: { command: flaky }
    retry: { max_attempts: 4, delay_seconds: 1, backoff: exponential, jitter: 0.5, retry_on: [{ exit_code: [75] }] }
  - id: stuck
    name: Stuck
    step_type: command
    timeout_seconds: 12
    stall_warning_seconds: 4
    allow_partial_results: true
    parameters: { command: stuck }
  - id: mirror
    name: Mirror
    step_type: command
    parameters: { command: mirror }
  - id: count
    name: Count
    step_type: counter
    depends_on: [fetch]
    parameters: { items: 3 }
  - id: report
    name: Report
    step_type: create_file
    depends_on: [fetch, lint, flaky]
    dependency_strategy: conditional
    dependencies:
      - { step_id: lint, on_failure: { use_default_value: "lint did not run" } }
      - { step_id: flaky, on_failure: { retry_with_alternative: mirror } }
    parameters:
      path: "out/report.txt"
      content: "fetched {{ steps.fetch.stdout }} / lint {{ steps.lint.stdout }} / data {{ steps.flaky.stdout }} / {region} / {{ variables.token }}"
  - id: join
    name: Join
    step_type: noop
    depends_on: [report, stuck, count]
    dependency_strategy: best_effort
`;

/** A custom step type whose progress and output are part of the log. */
const counter = defineStepType({
  name: 'counter',
  parameters: t.type({ items: t.number }),
  run: async (ctx, p) => {
    for (let i = 1; i <= p.items; i++) {
      await new Promise<void>((resolve) => ctx.clock.setTimer(1_000, resolve));
      ctx.progress(`item ${i} of ${p.items}`, i / p.items);
    }
    ctx.log.warn('counted by hand');
    return { response: String(p.items), items: p.items };
  },
});

const options = (): TestMissionOptions => ({
  stepTypes: [counter],
  commands: {
    fetch: {
      output: [
        { atMs: 100, text: 'connecting with s3cr3t-t0ken\n' },
        { atMs: 900, text: '42 rows' },
        { atMs: 900, stream: 'stderr', text: 'warning: slow link\n' },
      ],
      exitAfterMs: 1_000,
    },
    // Ends at the same virtual instant as fetch: the order between them must still be fixed.
    lint: {
      output: [{ atMs: 1_000, stream: 'stderr', text: 'src/a.ts:1 unused\n' }],
      exitAfterMs: 1_000,
      exitCode: 1,
    },
    flaky: { exitAfterMs: 300, exitCode: 75, output: [{ atMs: 10, text: 'try\n' }] },
    stuck: { output: [{ atMs: 500, text: 'started\n' }], hang: true, ignoreGraceful: true },
    mirror: { output: [{ atMs: 200, text: 'from the mirror\n' }], exitAfterMs: 400 },
  },
});

const run = async (extra: Partial<TestMissionOptions> = {}) => {
  const { report, events } = await runTestMission(MISSION, { ...options(), ...extra });
  return { report, events, log: JSON.stringify(events) };
};

it('replays byte for byte: the same event log and report on every run', async () => {
  const first = await run();
  expect(first.report.steps.map((s) => [s.id, s.status])).toEqual([
    ['fetch', 'succeeded'],
    ['lint', 'failed'],
    ['flaky', 'failed'],
    ['stuck', 'partial'],
    ['mirror', 'succeeded'],
    ['count', 'succeeded_with_warnings'],
    ['report', 'succeeded_with_warnings'],
    ['join', 'succeeded'],
  ]);
  // Every kind of event took part.
  const types = new Set(first.events.map((e: MissionEvent) => e.type));
  for (const type of [
    'step_output',
    'step_progress',
    'step_warning',
    'step_kill',
    'step_retry',
    'step_end',
  ] as const)
    expect(types).toContain(type);
  for (let i = 0; i < 4; i++) {
    const again = await run();
    expect(again.log).toBe(first.log);
    expect(JSON.stringify(again.report)).toBe(JSON.stringify(first.report));
  }
});

it('replays byte for byte when runs overlap in one process (no hidden shared state)', async () => {
  const alone = await run();
  const together = await Promise.all(Array.from({ length: 6 }, () => run()));
  for (const r of together) expect(r.log).toBe(alone.log);
});

it('the seed is what varies retry jitter: another seed, other delays, itself repeatable', async () => {
  const one = await run({ seed: 1 });
  const other = await run({ seed: 987_654 });
  const delays = (events: ReadonlyArray<MissionEvent>) =>
    events.flatMap((e) => (e.type === 'step_retry' ? [e.delay_ms] : []));
  expect(delays(other.events)).not.toEqual(delays(one.events));
  expect((await run({ seed: 987_654 })).log).toBe(other.log);
});

it('matches the committed snapshot', async () => {
  const { events, report } = await run();
  expect(events).toMatchSnapshot('events');
  expect(report).toMatchSnapshot('report');
});
