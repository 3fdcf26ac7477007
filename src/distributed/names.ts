// Every name the distributed runner puts in Redis, in one place: queues, keys, channels and ids.

/** The queue of steps without `runs_on`. */
export const DEFAULT_QUEUE = 'missionkit.default';

/** The queue of steps needing every one of `labels` (sorted, so `[db, linux]` and `[linux, db]` agree). */
export const queueFor = (labels: ReadonlyArray<string>): string =>
  labels.length === 0 ? DEFAULT_QUEUE : `missionkit.on.${[...new Set(labels)].sort().join('+')}`;

/** The most labels a worker may carry: it listens on a queue for every combination of them. */
export const MAX_WORKER_LABELS = 6;

/** The queues a worker with `labels` takes steps from: the default one and each combination of its labels. */
export const queuesOf = (labels: ReadonlyArray<string>): ReadonlyArray<string> => {
  const sorted = [...new Set(labels)].sort();
  const queues = [DEFAULT_QUEUE];
  for (let mask = 1; mask < 1 << sorted.length; mask++)
    queues.push(queueFor(sorted.filter((_, i) => (mask & (1 << i)) !== 0)));
  return queues;
};

/** Job ids have exactly two colons (BullMQ allows no other), so a step id's own colons are replaced. */
export const jobIdOf = (runId: string, stepId: string, attempt: number): string =>
  `${runId.replace(/:/g, '_')}:${stepId.replace(/:/g, '_')}:${attempt}`;

/** The stream a run's workers send the attempts' events on. */
export const eventStreamOf = (runId: string): string => `missionkit:run:${runId}:attempt-events`;

/** The channel every worker listens on for kills. */
export const CONTROL_CHANNEL = 'missionkit:control';

/** Set with a kill, so a worker that takes the job after the message went out still sees it. */
export const killKeyOf = (jobId: string): string => `missionkit:kill:${jobId}`;

/** Set by the one worker that takes an attempt: a job delivered again after a stall is not run twice. */
export const claimKeyOf = (jobId: string): string => `missionkit:claim:${jobId}`;

/** A live worker's heartbeat: it expires when the worker stops answering. */
export const heartbeatKeyOf = (worker: string): string => `missionkit:worker:${worker}`;

/** The start of the tree marker of every process a worker starts; the worker's pid follows. */
export const WORKER_MARKER_PREFIX = 'mkw.';
