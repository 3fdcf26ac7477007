// A standby coordinator: watches a Redis journal for runs whose coordinator died (their lease
// lapsed before they ended with a report) and resumes them here. Taking a run is the journal's
// atomic lease acquisition, so of several standbys exactly one finishes each run.
import { resumeMission } from '../index.js';
import { resumeDistributed } from './run-distributed.js';
import { JournalRefusal, type ResumeMissionOptions } from '../index.js';
import type { MissionReport } from '../scheduler/report.js';
import type { RedisConnection } from './redis-connection.js';
import { redisJournal, type RedisJournalOptions } from './redis-journal.js';
import { listRedisRuns } from './redis-journal-runs.js';

/** Options of `standbyCoordinator`. */
export interface StandbyOptions extends Omit<ResumeMissionOptions, 'journal' | 'source' | 'signal'> {
  /** The Redis the coordinators journal to. */
  readonly redis: RedisConnection;
  /**
   * The Redis URL the workers of distributed runs listen on, to resume those runs on workers.
   * @default `redis` when it is a URL; with connection options, distributed runs are refused
   */
  readonly workers?: string;
  /** The journal's options; `prefix` and `leaseMs` must match the coordinators'. */
  readonly journal?: RedisJournalOptions;
  /**
   * How often the standby looks for runs to take over. A run is taken at most `leaseMs + pollMs`
   * after its coordinator's last lease renewal.
   * @default 1000
   */
  readonly pollMs?: number;
  /** Cancels the runs this standby is finishing (and stops it). */
  readonly signal?: AbortSignal;
  /** Called when this standby took a run over, before it resumes it. */
  readonly onTakeover?: (runId: string) => void;
  /** Called with the report of each run it finished. */
  readonly onReport?: (runId: string, report: MissionReport) => void;
  /**
   * Called when a run cannot be taken over (a `JournalRefusal`: the mission changed, a secret not
   * given here…; the run is not tried again by this standby) or Redis cannot be reached (tried again
   * at the next poll). `runId` is undefined for the latter.
   * @default writes the message to stderr
   */
  readonly onError?: (runId: string | undefined, error: Error) => void;
}

/** A running standby. */
export interface Standby {
  /** Stops looking for runs; resolves once the runs it took are finished. */
  stop(): Promise<void>;
  /** The runs this standby took over, in order. */
  readonly taken: ReadonlyArray<string>;
}

/**
 * Starts a standby coordinator: any run of the journal whose coordinator died is resumed here
 * (docs/distributed.md). Runs started on another host need the mission file and working directory
 * at the same paths here, and their secret variables given again in `variables`.
 * @example
 * const standby = standbyCoordinator({ redis: 'redis://redis.internal:6379', variables: { token } });
 * process.on('SIGTERM', () => void standby.stop());
 */
export const standbyCoordinator = (options: StandbyOptions): Standby => {
  const {
    redis,
    journal: journalOptions = {},
    pollMs = 1000,
    onTakeover,
    onReport,
    onError,
    workers: _workers,
    ...resume
  } = options;
  if (!Number.isFinite(pollMs) || pollMs <= 0)
    throw new TypeError(
      `standbyCoordinator: pollMs must be a positive number of milliseconds, got ${String(pollMs)}`,
    );
  const journal = redisJournal(redis, journalOptions);
  const workers = options.workers ?? (typeof redis === 'string' ? redis : undefined);
  const report =
    onError ??
    ((runId, e) => console.error(`standby: ${runId !== undefined ? `run ${runId}: ` : ''}${e.message}`));
  const taken: string[] = [];
  const running = new Map<string, Promise<void>>();
  const refused = new Set<string>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Promise<void> = Promise.resolve();

  const take = (runId: string): void => {
    const finished = (async () => {
      try {
        // Runs whose steps ran on workers are sent to the workers on the same Redis again.
        const resumeRun = (id: string, o: ResumeMissionOptions): Promise<MissionReport> =>
          workers !== undefined ? resumeDistributed(id, { ...o, redis: workers }) : resumeMission(id, o);
        const r = await resumeRun(runId, {
          ...resume,
          // The run is ours once its lease is: that is when the journal's open succeeds.
          journal: {
            create: (inputs) => journal.create(inputs),
            open: async (id) => {
              const opened = await journal.open(id);
              taken.push(id);
              onTakeover?.(id);
              return opened;
            },
          },
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        });
        onReport?.(runId, r);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        // Another standby (or a `missionkit resume`) got there first, or the run is gone: not ours.
        if (error instanceof JournalRefusal && (error.code === 'locked' || error.code === 'not_found'))
          return;
        if (error instanceof JournalRefusal) refused.add(runId);
        report(runId, error);
      } finally {
        running.delete(runId);
      }
    })();
    running.set(runId, finished);
  };

  const poll = async (): Promise<void> => {
    try {
      const runs = await listRedisRuns(redis, { ...journalOptions, only: 'active' });
      for (const run of runs)
        if (!stopped && run.resumable && !running.has(run.id) && !refused.has(run.id)) take(run.id);
    } catch (e) {
      report(undefined, e instanceof Error ? e : new Error(String(e)));
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      polling = poll().then(schedule);
    }, pollMs);
  };
  const stop = async (): Promise<void> => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    await polling;
    await Promise.all([...running.values()]);
  };
  // A signal aborted already: the standby starts stopped.
  if (options.signal?.aborted === true) stopped = true;
  else {
    polling = poll().then(schedule);
    options.signal?.addEventListener('abort', () => void stop(), { once: true });
  }
  return { stop, taken };
};
