// runDistributed: runMission with the steps sent to BullMQ workers. The mission is loaded,
// planned and scheduled here, in the coordinator, exactly as in a local run; only where each
// attempt runs differs, and the report has the same shape (plus the worker of each attempt).
import { nodeHost, withHostSignals } from '../node/node-host.js';
import {
  newRunId,
  resumeMissionWith,
  type OrphanedAttempt,
  type ResumeMissionOptions,
} from '../runtime/journaled-run.js';
import { runMissionWith, type MissionSource, type RunMissionOptions } from '../runtime/run-mission.js';
import type { Journal } from '../ports/journal.js';
import { orphanKiller } from '../node/orphans.js';
import { redisJournal } from './redis-journal.js';
import type { MissionReport } from '../scheduler/report.js';
import { makeRegistry } from '../steps/registry.js';
import { systemClock } from '../node/system-clock.js';
import { BullStepRunner } from './bull-step-runner.js';
import { fingerprintsOf } from './fingerprint.js';

/** Options of `runDistributed`: those of `runMission`, and where the workers are. */
export interface DistributedRunOptions extends Omit<RunMissionOptions, 'journal'> {
  /**
   * Where the run is recorded, so that `resumeDistributed` (or `missionkit resume --redis`, or a
   * standby coordinator) finishes it on any machine if this one dies; `false` records nothing.
   * @default the Redis journal on `redis` (redisJournal(redis))
   */
  readonly journal?: Journal | false;
  /**
   * The Redis the workers listen on: `redis://host:6379`, `redis://:password@host:6379`, or
   * `rediss://host:6380` for TLS.
   * @example runDistributed('deploy.yaml', { redis: 'redis://queue.internal:6379' })
   */
  readonly redis: string;
  /** How often workers' heartbeats are checked, in milliseconds. @default 500 */
  readonly heartbeatCheckMs?: number;
}

/**
 * Runs a mission with its steps on `missionkit worker` processes (steps with
 * `runs_on: [coordinator]` run here). Resolves the same report as `runMission`, each attempt
 * naming its worker. Rejects only for an invalid mission or option, like `runMission`.
 * @example
 * const report = await runDistributed('missions/nightly.yaml', { redis: 'redis://127.0.0.1:6379' });
 */
export const runDistributed = async (
  source: MissionSource,
  options: DistributedRunOptions,
): Promise<MissionReport> => {
  if (typeof options?.redis !== 'string' || options.redis === '')
    throw new TypeError('runDistributed needs a `redis` option: redis://host:6379 (rediss:// for TLS)');
  const { redis, heartbeatCheckMs, journal, ...others } = options;
  const rest: RunMissionOptions =
    journal === false ? others : { ...others, journal: journal ?? redisJournal(redis) };
  const runner = new BullStepRunner({
    redis,
    fingerprints: fingerprintsOf(makeRegistry(rest.stepTypes)),
    ...(heartbeatCheckMs !== undefined ? { heartbeatCheckMs } : {}),
    newRunId: () => newRunId(systemClock.now()),
  });
  try {
    await runner.ready();
    return await withHostSignals(rest.signal, (signal) =>
      runMissionWith({ ...nodeHost(), stepRunner: runner.factory }, source, { ...rest, signal }),
    );
  } finally {
    await runner.close();
  }
};

/** Options of `resumeDistributed`: those of `resumeMission`, and where the workers are. */
export interface DistributedResumeOptions extends Omit<ResumeMissionOptions, 'journal'> {
  /** The Redis the workers listen on (as for `runDistributed`). */
  readonly redis: string;
  /** Where the run was recorded. @default the Redis journal on `redis` */
  readonly journal?: Journal;
  /** How often workers' heartbeats are checked, in milliseconds. @default 500 */
  readonly heartbeatCheckMs?: number;
}

/**
 * Finishes a distributed run whose coordinator died, from its journal, on this machine: steps that
 * settled keep their results; an attempt that was running — here or on a worker — is stopped and
 * confirmed over first, then follows `on_interrupt`.
 * @example
 * const report = await resumeDistributed('run-lq2x-4f1a', { redis: 'redis://127.0.0.1:6379' });
 */
export const resumeDistributed = async (
  runId: string,
  options: DistributedResumeOptions,
): Promise<MissionReport> => {
  if (typeof options?.redis !== 'string' || options.redis === '')
    throw new TypeError('resumeDistributed needs a `redis` option: redis://host:6379 (rediss:// for TLS)');
  const { redis, heartbeatCheckMs, journal, ...rest } = options;
  const runner = new BullStepRunner({
    redis,
    fingerprints: fingerprintsOf(makeRegistry(rest.stepTypes)),
    ...(heartbeatCheckMs !== undefined ? { heartbeatCheckMs } : {}),
    newRunId: () => runId,
  });
  const local = orphanKiller(process.platform);
  try {
    await runner.ready();
    return await withHostSignals(rest.signal, (signal) =>
      resumeMissionWith(
        {
          ...nodeHost(),
          stepRunner: runner.factory,
          killOrphans: async (attempts: ReadonlyArray<OrphanedAttempt>) => {
            await local(attempts);
            await runner.stopAttempts(runId, attempts);
          },
        },
        runId,
        { ...rest, signal, journal: journal ?? redisJournal(redis) },
      ),
    );
  } finally {
    await runner.close();
  }
};
