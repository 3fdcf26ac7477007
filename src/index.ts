// missionkit: run missions — YAML graphs of commands, HTTP calls and file operations — from a Node app.
import type { Mission } from './mission/model.js';
import { nodeHost, withHostSignals } from './node/node-host.js';
import type { PlanView } from './runtime/plan-view.js';
import {
  loadMissionWith,
  planMissionWith,
  runMissionWith,
  type LoadOptions,
  type MissionSource,
  type RunMissionOptions,
} from './runtime/run-mission.js';
import type { MissionReport } from './scheduler/report.js';
import { resumeMissionWith, type ResumeMissionOptions } from './runtime/journaled-run.js';
import { orphanKiller } from './node/orphans.js';

export * from './core.js';
export type { MissionSource, RunMissionOptions, LoadOptions } from './runtime/run-mission.js';
export type { PlanView, PlannedStepView, PlannedCommandView } from './runtime/plan-view.js';
export type { FanOutView } from './runtime/fan-out-view.js';
export { nodeHostFacts } from './node/node-host-facts.js';
export { createNodeExecutor, NodeExecutor, type NodeExecutorOptions } from './node/node-executor.js';
export type { ContainmentChoice } from './node/containment/choose-containment.js';
export { onHostTermination, type HostSignal } from './node/host-signals.js';
export {
  createResourceSampler,
  defaultSamplerMethod,
  type ResourceSamplerOptions,
  type SamplerMethod,
} from './node/resource-usage.js';
export { systemClock } from './node/system-clock.js';
export { nodeFileSystem } from './node/node-filesystem.js';
export { nodeHttp } from './node/node-http.js';
export { fileJournal, JournalWriteError } from './node/file-journal.js';
export type { ResumeMissionOptions } from './runtime/journaled-run.js';
export {
  JOURNAL_FORMAT,
  JournalRefusal,
  type Journal,
  type JournalEntry,
  type JournalRefusalCode,
  type Durability,
  type RecordedRun,
  type RunInputs,
  type RunLog,
  type RunOutcome,
} from './ports/journal.js';

/**
 * Runs a mission and resolves its report — also when steps fail, time out or are cancelled.
 * Rejects only with a `MissionValidationError` (every problem of an invalid mission at once) or a
 * `TypeError` (a wrong option). SIGINT/SIGTERM of the host cancel the run and terminate every
 * process tree first — except that SIGTERM suspends a journaled run (`suspendSignal`), so that a
 * restarted host resumes it.
 * @example
 * const report = await runMission('missions/deploy.yaml', { signal: AbortSignal.timeout(600_000) });
 * if (report.status !== 'succeeded') process.exitCode = 1;
 */
export const runMission = (source: MissionSource, options: RunMissionOptions = {}): Promise<MissionReport> =>
  withHostSignals(
    options.signal,
    (signal, suspendSignal) =>
      runMissionWith(nodeHost(), source, {
        ...options,
        signal,
        ...(suspendSignal !== undefined ? { suspendSignal } : {}),
      }),
    options.journal !== undefined ? { signal: options.suspendSignal } : undefined,
  );

/** Reads, parses and validates a mission; rejects with a `MissionValidationError` listing every problem. */
export const loadMission = (source: MissionSource, options: LoadOptions = {}): Promise<Mission> =>
  loadMissionWith(nodeHost(), source, options);

/** What a run would do, without running anything: order, waves, and each step's effective settings. */
export const planMission = (source: MissionSource, options: LoadOptions = {}): Promise<PlanView> =>
  planMissionWith(nodeHost(), source, options);

/**
 * Resumes a run recorded with `runMission(source, { journal })` whose host died: settled steps keep
 * their results, attempts that were running have their processes killed and follow `on_interrupt`.
 * Rejects with a `JournalRefusal` when the run cannot be resumed faithfully (the mission changed,
 * another missionkit version, a damaged journal, a live process running it, a secret not given).
 * @example
 * const report = await resumeMission('import-42', { journal: fileJournal('.missionkit/runs') });
 */
export const resumeMission = (runId: string, options: ResumeMissionOptions): Promise<MissionReport> =>
  withHostSignals(
    options.signal,
    (signal, suspendSignal) =>
      resumeMissionWith({ ...nodeHost(), killOrphans: orphanKiller(process.platform) }, runId, {
        ...options,
        signal,
        ...(suspendSignal !== undefined ? { suspendSignal } : {}),
      }),
    { signal: options.suspendSignal },
  );
