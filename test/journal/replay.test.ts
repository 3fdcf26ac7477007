// Durable runs on virtual time: a run's host "dies" after any number of journal entries, a new
// host resumes it from the journal, and the mission ends as if nothing had happened.
import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import { parseMission } from '../../src/mission/parse.js';
import { createPlan } from '../../src/plan/plan.js';
import { readRun } from '../../src/runtime/journal-lines.js';
import { replay } from '../../src/runtime/replay.js';
import type { MissionReport, StepResult } from '../../src/scheduler/report.js';
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { resumeTestMission } from '../../src/testing/resume-test-mission.js';
import { runTestMission, type TestMissionOptions } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const DIAMOND = `version: "1.0"
name: diamond
steps:
  - id: fetch
    name: fetch
    step_type: command
    parameters: { command: fetch }
  - id: flaky
    name: flaky
    step_type: command
    depends_on: [fetch]
    retry: { max_attempts: 2, backoff: fixed, delay_seconds: 3 }
    parameters: { command: flaky }
  - id: slow
    name: slow
    step_type: command
    depends_on: [fetch]
    timeout_seconds: 2
    continue_on_error: true
    parameters: { command: slow }
  - id: once
    name: once
    step_type: command
    depends_on: [fetch]
    on_interrupt: fail
    continue_on_error: true
    parameters: { command: once }
  - id: report
    name: report
    step_type: command
    depends_on: [flaky, slow, once]
    dependency_strategy: best_effort
    parameters: { command: report }
config:
  max_parallel_steps: 2
  fail_fast: false
`;

type Scripts = NonNullable<TestMissionOptions['commands']>;

const SCRIPTS: Scripts = {
  fetch: { output: [{ atMs: 100, text: 'fetched\n' }], exitAfterMs: 500 },
  flaky: { output: [{ atMs: 50, text: 'trying\n' }], exitAfterMs: 400, exitCode: 1 },
  slow: { output: [{ atMs: 10, text: 'working\n' }], hang: true },
  once: { output: [{ atMs: 20, text: 'charged\n' }], exitAfterMs: 700 },
  report: { output: [{ atMs: 5, text: 'done\n' }], exitAfterMs: 100 },
};

/** A step's result without timing; an attempt interrupted and settled without a rerun leaves only its verdict. */
const shape = (r: StepResult): unknown => {
  const interrupted = r.attempts.some((a) => a.interrupted === true);
  const settledByInterrupt = r.attempts[r.attempts.length - 1]?.interrupted === true;
  if (settledByInterrupt) return { id: r.id, settled_by_interrupt: true };
  return {
    id: r.id,
    status: r.status,
    outcome: r.outcome,
    exit_code: r.exit_code,
    stdout: r.stdout.text,
    kill_reason: r.kill_reason,
    skip_reason: r.skip_reason,
    attempts: r.attempts
      .filter((a) => a.interrupted !== true)
      .map((a) => [a.outcome, a.exit_code, a.kill_reason]),
    interrupted,
  };
};

/** What the resumed run's steps should look like: the uninterrupted run's, as `shape` sees them. */
const expected = (full: MissionReport, resumed: MissionReport): unknown[] =>
  full.steps.map((r, i) => {
    const attempts = resumed.steps[i]!.attempts;
    if (attempts.at(-1)?.interrupted === true) return { id: r.id, settled_by_interrupt: true };
    return { ...(shape(r) as object), interrupted: attempts.some((a) => a.interrupted === true) };
  });

const runJournaled = async (
  text: string,
  journal: MemoryJournal,
  runId: string,
  scripts: Scripts,
): Promise<MissionReport> => (await runTestMission(text, { journal, runId, commands: scripts })).report;

/** The time of the last event a journal holds. */
const lastAt = (journal: MemoryJournal, runId: string): number => {
  const lines = journal
    .text(runId)
    .log.split('\n')
    .filter((l) => l !== '');
  const events = lines.map((l) => JSON.parse(l) as { _tag: string; event?: { at: number } });
  return events.reduce((t, e) => (e.event !== undefined ? Math.max(t, e.event.at) : t), 0);
};

/** A value as text, byte for byte, Maps, Sets and typed arrays included (a comparator function is named only). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'function'
      ? 'function'
      : v instanceof Map
        ? { map: [...(v as Map<unknown, unknown>).entries()] }
        : v instanceof Set
          ? { set: [...(v as Set<unknown>).values()] }
          : ArrayBuffer.isView(v)
            ? { bytes: Array.from(v as unknown as ArrayLike<number>) }
            : v,
  );

/** Crashes a run after `after` entries and resumes it a little later on a fresh host. */
const crashAndResume = async (
  text: string,
  scripts: Scripts,
  after: number,
  loseUnsynced = false,
): Promise<MissionReport> => {
  const journal = new MemoryJournal();
  journal.crashNextRun({ afterEntries: after, loseUnsynced });
  await runJournaled(text, journal, 'r', scripts);
  const clock = new VirtualClock({ startAt: lastAt(journal, 'r') + 250 });
  const resumed = await resumeTestMission('r', { journal, clock, commands: scripts });
  // The resumed host never runs two copies of a step at once.
  const spawns = resumed.executor.spawns;
  for (const a of spawns)
    for (const b of spawns)
      if (a !== b && a.request.stepId === b.request.stepId && a.startedAt <= b.startedAt)
        expect({ after, step: a.request.stepId, overlap: (a.endedAt ?? Infinity) > b.startedAt }).toEqual({
          after,
          step: a.request.stepId,
          overlap: false,
        });
  return resumed.report;
};

describe('a journaled run resumed after its host died', () => {
  it('records nothing and changes nothing without a journal', async () => {
    const plain = (await runTestMission(DIAMOND, { commands: SCRIPTS })).report;
    const journal = new MemoryJournal();
    const recorded = await runJournaled(DIAMOND, journal, 'r', SCRIPTS);
    expect(JSON.stringify(recorded)).toBe(JSON.stringify(plain));
  });

  it('ends as the uninterrupted run did, whatever entry it died after', async () => {
    const journal = new MemoryJournal();
    const full = await runJournaled(DIAMOND, journal, 'full', SCRIPTS);
    const total = journal.text('full').log.split('\n').length - 1;
    expect(total).toBeGreaterThan(20);
    expect(full.steps.map((r) => [r.id, r.conclusion, r.attempts.length])).toEqual([
      ['fetch', 'succeeded', 1],
      ['flaky', 'failed', 2],
      ['slow', 'succeeded_with_warnings', 1],
      ['once', 'succeeded', 1],
      ['report', 'succeeded_with_warnings', 1],
    ]);
    for (let after = 0; after <= total; after++) {
      const resumed = await crashAndResume(DIAMOND, SCRIPTS, after);
      expect({ after, status: resumed.status, steps: resumed.steps.map(shape) }).toEqual({
        after,
        status: full.status,
        steps: expected(full, resumed),
      });
      // A run that had finished is not resumed: its report is returned as it was.
      if (after < total) expect(resumed.resumed?.from_event).toBeLessThanOrEqual(after);
      else expect(resumed.resumed).toBeUndefined();
    }
  });

  it('loses only what was not yet durable: an unsynced tail changes nothing but where it resumes from', async () => {
    const journal = new MemoryJournal();
    const full = await runJournaled(DIAMOND, journal, 'full', SCRIPTS);
    const total = journal.text('full').log.split('\n').length - 1;
    for (let after = 0; after <= total; after += 3) {
      const resumed = await crashAndResume(DIAMOND, SCRIPTS, after, true);
      expect(resumed.steps.map((r) => r.id)).toEqual(full.steps.map((r) => r.id));
      // A step never runs twice unless an attempt of it was interrupted.
      for (const r of resumed.steps) {
        const interrupted = r.attempts.filter((a) => a.interrupted === true).length;
        const expected = full.steps.find((f) => f.id === r.id)!.attempts.length;
        expect(r.attempts.length).toBeLessThanOrEqual(expected + interrupted);
      }
    }
  });

  it('an attempt that was running is interrupted: `rerun` runs it again, `fail` does not', async () => {
    const journal = new MemoryJournal();
    await runJournaled(DIAMOND, journal, 'full', SCRIPTS);
    // Find a crash point where both `once` and `flaky` were running.
    const lines = journal
      .text('full')
      .log.split('\n')
      .filter((l) => l !== '');
    const startedOnce = lines.findIndex((l) => l.includes('"step_output"') && l.includes('"step":3'));
    const resumed = await crashAndResume(DIAMOND, SCRIPTS, startedOnce + 1);
    const once = resumed.steps.find((s) => s.id === 'once')!;
    expect(once.attempts).toHaveLength(1);
    expect(once.attempts[0]).toMatchObject({ interrupted: true, outcome: 'failed' });
    expect(once.attempts[0]!.message).toMatch(/on_interrupt: fail/);
    expect(once.conclusion).toBe('succeeded_with_warnings');
    expect(resumed.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
  });

  it('replaying the same journal twice gives the same report', async () => {
    const reports: string[] = [];
    for (let n = 0; n < 2; n++) {
      const journal = new MemoryJournal();
      journal.crashNextRun({ afterEntries: 12 });
      await runJournaled(DIAMOND, journal, 'r', SCRIPTS);
      const clock = new VirtualClock({ startAt: lastAt(journal, 'r') + 250 });
      reports.push(
        JSON.stringify((await resumeTestMission('r', { journal, clock, commands: SCRIPTS })).report),
      );
    }
    expect(reports[1]).toBe(reports[0]);
  });

  it('resuming a run that had finished gives its report', async () => {
    const journal = new MemoryJournal();
    const full = await runJournaled(DIAMOND, journal, 'r', SCRIPTS);
    const again = await resumeTestMission('r', { journal, commands: SCRIPTS });
    expect(again.report).toEqual(full);
  });

  it('random DAGs with failures and retries end the same after a crash at a random point', async () => {
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
      fc.asyncProperty(dag, fc.nat(), async (steps, crashAt) => {
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
        const journal = new MemoryJournal();
        const full = await runJournaled(text, journal, 'full', scripts);
        const total = journal.text('full').log.split('\n').length - 1;
        // Replaying a journal (cut anywhere) twice rebuilds the same state, timers and events.
        const recorded = journal.text('full');
        const cut = recorded.log
          .split('\n')
          .slice(0, crashAt % (total + 1))
          .map((l) => `${l}\n`)
          .join('');
        const run = readRun('full', recorded.inputs, cut);
        const parsed = parseMission(text);
        if (!isRight(parsed)) throw new Error('the mission does not parse');
        const plan = createPlan(parsed.right, run.inputs.facts);
        const [a, b] = [0, 1].map(() => replay(plan, run.inputs.options.seed, true, run.entries));
        expect(canonical(a)).toBe(canonical(b));
        const resumed = await crashAndResume(text, scripts, crashAt % (total + 1));
        // The same journal replayed by another host: byte for byte the same report.
        const again = await crashAndResume(text, scripts, crashAt % (total + 1));
        expect(JSON.stringify(again)).toBe(JSON.stringify(resumed));
        expect(resumed.steps.map(shape)).toEqual(expected(full, resumed));
        // Only an interrupted, not rerun attempt can change how the mission ends.
        if (!resumed.steps.some((r) => r.attempts.at(-1)?.interrupted === true))
          expect(resumed.status).toBe(full.status);
      }),
      { numRuns: 40 },
    );
  });
});

describe('an interrupted attempt', () => {
  const ONE = (extra: string): string => `version: "1.0"
name: one
steps:
  - id: job
    name: job
    step_type: command
    timeout_seconds: 2
${extra}    parameters: { command: job }
`;

  /** Crashes once the job has printed (it is running), resumes 10 s later. */
  const interrupted = async (text: string, scripts: Scripts): Promise<MissionReport> => {
    const journal = new MemoryJournal();
    await runJournaled(text, journal, 'full', scripts);
    const lines = journal.text('full').log.split('\n');
    const printed = lines.findIndex((l) => l.includes('"step_output"'));
    return crashAndResume(text, scripts, printed + 1);
  };

  it('reruns without using a retry, with its own timeout starting over', async () => {
    const report = await interrupted(ONE(''), {
      job: { output: [{ atMs: 1500, text: 'x\n' }], exitAfterMs: 1900 },
    });
    const [first, second] = report.steps[0]!.attempts;
    expect(report.steps[0]!.conclusion).toBe('succeeded');
    expect(first).toMatchObject({ attempt: 1, interrupted: true });
    // No retry policy, yet it ran again; 1.9 s is within a fresh 2 s timeout though 1.5 s had passed before.
    expect(second).toMatchObject({ attempt: 2, outcome: 'succeeded', timeout_ms: 2000, duration_ms: 1900 });
    expect(Date.parse(second!.started_at)).toBe(Date.parse(report.resumed!.at));
  });

  it('with on_interrupt: fail, fails the step, and so the mission', async () => {
    const report = await interrupted(ONE('    on_interrupt: fail\n'), {
      job: { output: [{ atMs: 100, text: 'x\n' }], exitAfterMs: 1000 },
    });
    expect(report.status).toBe('failed');
    expect(report.steps[0]).toMatchObject({
      outcome: 'failed',
      message: 'interrupted: the host running this attempt stopped; not run again (on_interrupt: fail)',
      attempts: [expect.objectContaining({ interrupted: true, outcome: 'failed' })],
    });
  });

  it('on_interrupt takes only rerun or fail', async () => {
    await expect(runTestMission(ONE('    on_interrupt: retry\n'))).rejects.toMatchObject({
      errors: [expect.objectContaining({ path: 'steps[0].on_interrupt' })],
    });
  });
});

describe("a resumed run's listener", () => {
  it('first hears what happened before the host died, flagged replayed, then the rest live', async () => {
    const journal = new MemoryJournal();
    await runJournaled(DIAMOND, journal, 'full', SCRIPTS);
    const lines = journal
      .text('full')
      .log.split('\n')
      .filter((l) => l !== '');
    // Crash once `fetch` ended and the three steps after it started.
    const fetched = lines.findIndex((l) => l.includes('"step_finished"') && l.includes('"step":0'));
    const crashed = new MemoryJournal();
    crashed.crashNextRun({ afterEntries: fetched + 3 });
    const first = await runTestMission(DIAMOND, { journal: crashed, runId: 'r', commands: SCRIPTS });
    const clock = new VirtualClock({ startAt: lastAt(crashed, 'r') + 250 });
    const { events } = await resumeTestMission('r', { journal: crashed, clock, commands: SCRIPTS });

    const replayed = events.filter((e) => e.replayed === true);
    const live = events.filter((e) => e.replayed !== true);
    // Replayed first, with their original times; the start once, never again live.
    expect(events.slice(0, replayed.length)).toEqual(replayed);
    expect(replayed[0]).toMatchObject({ type: 'mission_start', steps: 5 });
    expect(replayed[0]!.at).toBe(first.events.find((e) => e.type === 'mission_start')!.at);
    expect(live.some((e) => e.type === 'mission_start')).toBe(false);
    // `fetch` settled before the crash: its end is replayed, and it does not end again live.
    const ends = (es: typeof events): string[] =>
      es.flatMap((e) => (e.type === 'step_end' ? [e.result.id] : []));
    expect(ends(replayed)).toEqual(['fetch']);
    expect(ends(live)).not.toContain('fetch');
    expect(ends(live).sort()).toEqual(['flaky', 'once', 'report', 'slow']);
    expect(live.at(-1)).toMatchObject({ type: 'mission_end' });
  });

  it('hears the whole run of a run that had finished', async () => {
    const journal = new MemoryJournal();
    const full = await runTestMission(DIAMOND, { journal, runId: 'r', commands: SCRIPTS });
    const { events } = await resumeTestMission('r', { journal, commands: SCRIPTS });
    expect(events.every((e) => e.replayed === true)).toBe(true);
    const shape = (es: typeof events): string[] =>
      es.filter((e) => e.type === 'step_end' || e.type.startsWith('mission_')).map((e) => e.type);
    expect(shape(events)).toEqual(shape(full.events));
  });
});
