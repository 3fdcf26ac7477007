// missionkit/distributed: missions across many machines, on BullMQ and Redis. A coordinator
// (`runDistributed`) schedules; workers (`startWorker`) run the attempts; runs are recorded in
// Redis, resumable from any machine, and standby coordinators take over a run whose coordinator
// died. The only entry point that loads bullmq and ioredis.
export {
  runDistributed,
  resumeDistributed,
  type DistributedRunOptions,
  type DistributedResumeOptions,
} from './run-distributed.js';
export { startWorker, MIN_LOST_AFTER_MS, type WorkerHandle, type WorkerOptions } from './worker.js';
export { DEFAULT_QUEUE, queueFor, queuesOf } from './names.js';
export { fingerprintOf } from './fingerprint.js';
export type {
  AttemptRequest,
  AttemptSink,
  RunContext,
  RunnerAttempt,
  StepRunner,
  StepRunnerFactory,
} from '../ports/step-runner.js';
export { redisJournal, type RedisJournal, type RedisJournalOptions } from './redis-journal.js';
export { listRedisRuns, pruneRedisRuns, type RedisRunListing } from './redis-journal-runs.js';
export {
  RedisConnectionError,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisTlsOptions,
} from './redis-connection.js';
export { RedisJournalError } from '../node/redis-run-log.js';
export { standbyCoordinator, type Standby, type StandbyOptions } from './standby-coordinator.js';
