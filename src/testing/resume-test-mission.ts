// resumeTestMission: a journaled run resumed on virtual time, as a new host would resume it after
// the first one died — the counterpart of runTestMission with a MemoryJournal.
import type { Journal } from '../ports/journal.js';
import { resumeMissionWith, type ResumeMissionOptions } from '../runtime/journaled-run.js';
import { testHost, type TestMissionOptions, type TestMissionResult } from './run-test-mission.js';

/** Options of `resumeTestMission`: the fakes of `runTestMission`, the journal, and the mission to check against. */
export interface ResumeTestMissionOptions extends Omit<
  TestMissionOptions,
  'journal' | 'runId' | 'seed' | 'cwd'
> {
  /** Where the run was recorded (a `MemoryJournal`). */
  readonly journal: Journal;
  /** The mission to check the recorded one against. @default the recorded mission */
  readonly source?: ResumeMissionOptions['source'];
}

/**
 * Resumes a recorded run with fresh fakes (a new VirtualClock, FakeExecutor and file system unless given).
 * @example
 * const journal = new MemoryJournal();
 * journal.crashNextRun({ afterEntries: 7 });
 * await runTestMission(yaml, { journal, runId: 'r1' });
 * const { report } = await resumeTestMission('r1', { journal, clock: new VirtualClock({ startAt: later }) });
 */
export const resumeTestMission = async (
  runId: string,
  options: ResumeTestMissionOptions,
): Promise<TestMissionResult> => {
  const { journal, source, ...fakes } = options;
  const { host, rest, events, onEvent } = testHost(fakes);
  const report = await host.clock.runUntilSettled(
    resumeMissionWith(host, runId, {
      ...rest,
      journal,
      ...(source !== undefined ? { source } : {}),
      onEvent: (e) => {
        events.push(e);
        onEvent?.(e);
      },
    }),
  );
  return { report, events, clock: host.clock, executor: host.executor, fs: host.fs };
};
