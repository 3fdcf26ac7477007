// missionkit/testing: run missions in-process on virtual time, with scripted processes, so an
// hour of mission logic is tested in milliseconds.
export {
  VirtualClock,
  DEFAULT_VIRTUAL_START_MS,
  DEFAULT_MAX_TIMERS,
  type VirtualClockOptions,
  type DriveOptions,
  type PendingTimer,
} from './virtual-clock.js';
export {
  FakeExecutor,
  type FakeExecutorOptions,
  type FakeSpawnRecord,
  type KillMode,
  type ScriptOrigin,
} from './fake-executor.js';
export type {
  FakeScript,
  FakeScriptSource,
  FakeOutput,
  FakeTextOutput,
  FakeBytesOutput,
} from './fake-script.js';
export { fakePrograms, type FakeProgramName } from './fake-programs.js';
export { MemoryFileSystem } from './memory-filesystem.js';
export { fakeHostFacts, type FakeHostFactsOptions, type FakeSize } from './fake-host-facts.js';
export {
  FakeSampler,
  type FakeSamplerOptions,
  type FakeUsage,
  type FakeUsageScript,
} from './fake-sampler.js';
export { MemoryJournal, type CrashPlan } from './memory-journal.js';
export { resumeTestMission, type ResumeTestMissionOptions } from './resume-test-mission.js';
export {
  JOURNAL_FORMAT,
  JournalRefusal,
  type Journal,
  type JournalEntry,
  type JournalRefusalCode,
  type RecordedRun,
  type RunInputs,
  type RunLog,
} from '../ports/journal.js';
export {
  runTestMission,
  TEST_WORKING_DIRECTORY,
  type TestMissionOptions,
  type TestMissionResult,
} from './run-test-mission.js';
