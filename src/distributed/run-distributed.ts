// runDistributed: runMission with the steps sent to BullMQ workers. The mission is loaded,
// planned and scheduled here, in the coordinator, exactly as in a local run; only where each
// attempt runs differs, and the report has the same shape (plus the worker of each attempt).
import { nodeHost, withHostSignals } from '../node/node-host.js';
import { newRunId } from '../runtime/journaled-run.js';
import { runMissionWith, type MissionSource, type RunMissionOptions } from '../runtime/run-mission.js';
import type { MissionReport } from '../scheduler/report.js';
import { makeRegistry } from '../steps/registry.js';
import { systemClock } from '../node/system-clock.js';
import { BullStepRunner } from './bull-step-runner.js';
import { fingerprintsOf } from './fingerprint.js';

/** Options of `runDistributed`: those of `runMission`, and where the workers are. */
export interface DistributedRunOptions extends RunMissionOptions {
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
  const { redis, heartbeatCheckMs, ...rest } = options;
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
