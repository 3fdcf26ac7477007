// missionkit/distributed: missions across many machines, on BullMQ and Redis. A coordinator
// (`runDistributed`) schedules; workers (`startWorker`) run the attempts. The only entry point
// that loads bullmq and ioredis.
export { runDistributed, type DistributedRunOptions } from './run-distributed.js';
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
