// Suspending a journaled run (a deploy's SIGTERM): its steps are stopped, its journal is left as a
// host that died would leave it, and a resume goes on from there — unlike a cancel, which ends it.
import fc from 'fast-check';
import type { StepResult } from '../../src/scheduler/report.js';
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { resumeTestMission } from '../../src/testing/resume-test-mission.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const MISSION = `version: "1.0"
name: suspend
config:
  max_parallel_steps: 4
steps:
  - id: fetch
    name: fetch
    step_type: command
    parameters: { command: fetch }
  - id: load
    name: load
    step_type: command
    depends_on: [fetch]
    parameters: { command: load }
  - id: charge
    name: charge
    step_type: command
    depends_on: [fetch]
    on_interrupt: fail
    continue_on_error: true
    parameters: { command: charge }
  - id: notify
    name: notify
    step_type: command
    depends_on: [load, charge]
    dependency_strategy: best_effort
    parameters: { command: notify }
`;

const SCRIPTS = {
  fetch: { output: [{ atMs: 10, text: 'fetched\n' }], exitAfterMs: 100 },
  load: { output: [{ atMs: 10, text: 'loading\n' }], exitAfterMs: 1000 },
  charge: { output: [{ atMs: 10, text: 'charging\n' }], exitAfterMs: 800 },
  notify: { exitAfterMs: 50 },
};

/** Runs the mission, suspending it `atMs` after its start. */
const suspendedAt = async (atMs: number, journal = new MemoryJournal()) => {
  const clock = new VirtualClock();
  const suspend = new AbortController();
  clock.setTimer(atMs, () => suspend.abort(new Error('the host received SIGTERM')));
  const run = await runTestMission(MISSION, {
    journal,
    runId: 'r',
    clock,
    commands: SCRIPTS,
    suspendSignal: suspend.signal,
  });
  return { ...run, journal };
};

describe('a suspended journaled run', () => {
  it('stops its steps, says it is suspended, and leaves its journal resumable', async () => {
    const { report, executor, journal } = await suspendedAt(400);
    expect(report.status).toBe('cancelled');
    expect(report.suspended).toEqual({
      at: expect.any(String),
      run_id: 'r',
      reason: 'the host received SIGTERM',
    });
    // The steps that ran were stopped, gracefully first, and nothing started after.
    expect(executor.signalsFor('load')[0]).toBe('graceful');
    expect(executor.spawnsFor('notify')).toHaveLength(0);
    expect(executor.running()).toEqual([]);
    // The journal says nothing of the suspension: to a resume, load and charge were running.
    expect(journal.text('r').log).not.toMatch(/"cancel"/);
    expect(journal.text('r').log).not.toMatch(/"step":[12],"attempt":1,"outcome"/);

    const resumed = await resumeTestMission('r', {
      journal,
      clock: new VirtualClock({ startAt: Date.parse(report.ended_at) + 1000 }),
      commands: SCRIPTS,
    });
    const byId = Object.fromEntries(resumed.report.steps.map((s) => [s.id, s]));
    expect(resumed.report.resumed).toBeDefined();
    expect(resumed.report.suspended).toBeUndefined();
    expect(byId.fetch!.attempts).toHaveLength(1);
    expect(resumed.executor.spawnsFor('fetch')).toHaveLength(0);
    // Interrupted: load runs again, charge (on_interrupt: fail) does not.
    expect(byId.load!.attempts.map((a) => [a.interrupted === true, a.outcome])).toEqual([
      [true, 'failed'],
      [false, 'succeeded'],
    ]);
    expect(byId.charge!.attempts).toEqual([
      expect.objectContaining({ interrupted: true, outcome: 'failed' }),
    ]);
    expect(resumed.executor.spawnsFor('charge')).toHaveLength(0);
    expect(byId.notify!.conclusion).toBe('succeeded');
  });

  it('can be suspended again after a resume, and ends as one run', async () => {
    const { report, journal } = await suspendedAt(50);
    expect(report.suspended).toBeDefined();
    const clock = new VirtualClock({ startAt: Date.parse(report.ended_at) + 1000 });
    const suspend = new AbortController();
    clock.setTimer(300, () => suspend.abort());
    const second = await resumeTestMission('r', {
      journal,
      clock,
      commands: SCRIPTS,
      suspendSignal: suspend.signal,
    });
    expect(second.report.suspended).toBeDefined();
    const third = await resumeTestMission('r', {
      journal,
      clock: new VirtualClock({ startAt: Date.parse(second.report.ended_at) + 1000 }),
      commands: SCRIPTS,
    });
    // fetch was running at the first suspension, load and charge at the second.
    expect(
      third.report.steps.map((r) => [r.id, r.conclusion, r.attempts.map((a) => a.interrupted === true)]),
    ).toEqual([
      ['fetch', 'succeeded', [true, false]],
      ['load', 'succeeded', [true, false]],
      ['charge', 'succeeded_with_warnings', [true]],
      ['notify', 'succeeded', [false]],
    ]);
  });

  it('without a journal, suspending cancels', async () => {
    const clock = new VirtualClock();
    const suspend = new AbortController();
    clock.setTimer(400, () => suspend.abort(new Error('stop')));
    const { report } = await runTestMission(MISSION, {
      clock,
      commands: SCRIPTS,
      suspendSignal: suspend.signal,
    });
    expect(report.status).toBe('cancelled');
    expect(report.suspended).toBeUndefined();
    expect(report.cancel_reason).toBe('stop');
  });
});

it('random DAGs suspended at a random moment and resumed end as the uninterrupted run, interrupted attempts aside', async () => {
  const dag = fc
    .array(
      fc.record({
        deps: fc.array(fc.nat(), { maxLength: 3 }),
        exitCode: fc.constantFrom(0, 0, 0, 1),
        ms: fc.integer({ min: 1, max: 2000 }),
        retries: fc.constantFrom(1, 2),
      }),
      { minLength: 1, maxLength: 7 },
    )
    .map((steps) =>
      steps.map((s, i) => ({
        ...s,
        deps: [...new Set(i === 0 ? [] : s.deps.map((d) => d % i))].map((d) => `s${d}`),
      })),
    );
  await fc.assert(
    fc.asyncProperty(dag, fc.integer({ min: 0, max: 5000 }), async (steps, suspendAt) => {
      const text = `version: "1.0"\nname: random\nsteps:\n${steps
        .map(
          (s, i) =>
            `  - id: s${i}\n    name: s${i}\n    step_type: command\n    dependency_strategy: best_effort\n    depends_on: [${s.deps.join(', ')}]\n    retry: { max_attempts: ${s.retries}, delay_seconds: 1 }\n    parameters: { command: c${i} }\n`,
        )
        .join('')}config:\n  max_parallel_steps: 3\n  fail_fast: false\n`;
      const scripts = Object.fromEntries(
        steps.map((s, i) => [
          `c${i}`,
          { output: [{ atMs: 0, text: `s${i}\n` }], exitAfterMs: s.ms, exitCode: s.exitCode },
        ]),
      );
      const full = (await runTestMission(text, { commands: scripts })).report;
      const journal = new MemoryJournal();
      const clock = new VirtualClock();
      const suspend = new AbortController();
      clock.setTimer(suspendAt, () => suspend.abort());
      const first = await runTestMission(text, {
        journal,
        runId: 'r',
        clock,
        commands: scripts,
        suspendSignal: suspend.signal,
      });
      const resumed = await resumeTestMission('r', {
        journal,
        clock: new VirtualClock({ startAt: Date.parse(first.report.ended_at) + 500 }),
        commands: scripts,
      });
      const shape = (r: StepResult): unknown => [
        r.id,
        r.conclusion,
        r.exit_code,
        r.attempts.filter((a) => a.interrupted !== true).map((a) => [a.outcome, a.exit_code]),
      ];
      expect(resumed.report.steps.map(shape)).toEqual(full.steps.map(shape));
      expect(resumed.report.status).toBe(full.status);
    }),
    { numRuns: 40 },
  );
});
