// A worker: takes attempts from the queues of its labels and runs them like a local run would.
// It proves it is alive with a heartbeat key; a reaper process kills its step trees if it dies;
// it kills its own trees first if it loses Redis for longer than its heartbeat lasts; and at start
// it kills what a dead worker on this host left running.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnyStepType } from '../ports/step-type.js';
import { makeRegistry } from '../steps/registry.js';
import { nodeHost } from '../node/node-host.js';
import { startReaper, type Reaper } from '../node/reaper.js';
import { killLeftoverTrees } from '../node/leftover-trees.js';
import { defaultWorkerName } from '../node/worker-identity.js';
import { createResourceSampler } from '../node/resource-usage.js';
import { checkReachable, connect } from './connection.js';
import { EventBatcher } from './event-batcher.js';
import {
  claimKeyOf,
  CONTROL_CHANNEL,
  heartbeatKeyOf,
  killKeyOf,
  MAX_WORKER_LABELS,
  queuesOf,
  WORKER_MARKER_PREFIX,
} from './names.js';
import type { AttemptJob, KillMessage, WireEvent } from './wire.js';
import { startWorkerAttempt, type WorkerAttempt } from './worker-attempt.js';

/** The shortest lost-worker delay accepted. */
export const MIN_LOST_AFTER_MS = 2000;

/** Options of `startWorker`. */
export interface WorkerOptions {
  /**
   * The Redis the coordinators use: `redis://host:6379`, `redis://:password@host:6379`, or
   * `rediss://host:6380` for TLS.
   * @example startWorker({ redis: 'redis://queue.internal:6379' })
   */
  readonly redis: string;
  /**
   * What this worker offers: it takes steps whose `runs_on` labels it all has, and steps without
   * `runs_on`. At most 6.
   * @default [] (steps without runs_on only)
   * @example startWorker({ redis, labels: ['linux', 'db'] })
   */
  readonly labels?: ReadonlyArray<string>;
  /** Attempts run at once on this worker. @default 4 */
  readonly concurrency?: number;
  /** Step types added to the built-ins; the coordinator must register the same ones. @default [] */
  readonly stepTypes?: ReadonlyArray<AnyStepType>;
  /** The worker's name in reports. @default `<hostname>-<pid>` */
  readonly name?: string;
  /**
   * How long after this worker stops answering its attempts count as interrupted and follow
   * `on_interrupt`. Its step trees are killed before that by its reaper. At least 2000.
   * @default 10000
   */
  readonly lostAfterMs?: number;
  /** Receives one line per notable thing the worker does (attempts taken and ended, problems). */
  readonly onLog?: (line: string) => void;
}

/** A running worker. */
export interface WorkerHandle {
  readonly name: string;
  readonly labels: ReadonlyArray<string>;
  /** The queues it takes attempts from. */
  readonly queues: ReadonlyArray<string>;
  /** Stops taking attempts, kills the running ones' trees, and disconnects. */
  close(): Promise<void>;
}

// Claims the attempt and says which worker has it, atomically: a job handed out again after a
// stall finds the claim and is not run a second time.
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'e', ARGV[3])
  return 1
end
return 0`;

const checkLabel = (label: string): string => {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(label) || label === 'coordinator')
    throw new TypeError(
      `worker label "${label}" is not allowed — use letters, digits, _, - and . (and not "coordinator", which means the coordinator's own process)`,
    );
  return label;
};

/** Starts a worker; resolves once it listens on its queues. */
export const startWorker = async (options: WorkerOptions): Promise<WorkerHandle> => {
  const labels = [...new Set((options.labels ?? []).map(checkLabel))].sort();
  if (labels.length > MAX_WORKER_LABELS)
    throw new TypeError(`a worker takes at most ${MAX_WORKER_LABELS} labels; got ${labels.length}`);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    throw new TypeError(`concurrency must be a whole number of at least 1; got ${String(concurrency)}`);
  const lostAfterMs = options.lostAfterMs ?? 10_000;
  if (!(lostAfterMs >= MIN_LOST_AFTER_MS))
    throw new TypeError(`lostAfterMs must be at least ${MIN_LOST_AFTER_MS}; got ${String(lostAfterMs)}`);
  const name = options.name ?? defaultWorkerName();
  const log = options.onLog ?? ((): void => undefined);

  const commands: Redis = connect(options.redis, `missionkit-worker-${name}`);
  try {
    await checkReachable(commands, options.redis);
  } catch (e) {
    commands.disconnect();
    throw e;
  }

  // What an earlier worker on this host left is killed before anything new starts.
  const leftovers = await killLeftoverTrees(WORKER_MARKER_PREFIX);
  if (leftovers > 0) log(`killed ${leftovers} process(es) left by a worker that died on this host`);
  const reaper: Reaper = startReaper(`${WORKER_MARKER_PREFIX}${process.pid}.`);

  const control: Redis = connect(options.redis, `missionkit-worker-${name}-control`);
  commands.on('error', (e: Error) => log(`redis: ${e.message}`));
  control.on('error', () => undefined);
  const batcher = new EventBatcher(commands);
  const running = new Map<string, WorkerAttempt>();
  const host = nodeHost();
  const sampler = createResourceSampler();
  const registry = makeRegistry(options.stepTypes);

  // The heartbeat lasts a little less than the lost-worker delay, so the coordinator's check
  // (every half second) sees it lapse within that delay.
  const ttl = Math.max(1500, lostAfterMs - 700);
  let lastBeat = Date.now();
  const beat = async (): Promise<void> => {
    // Checked before the write: while Redis is away a write waits (ioredis queues it until it
    // reconnects), so a check after it would not run until Redis is back.
    if (Date.now() - lastBeat > ttl * 0.8 && running.size > 0) {
      // Cut off from Redis: the coordinator will run these elsewhere, so they must stop here first.
      log(`lost Redis for ${Date.now() - lastBeat} ms: killing ${running.size} running attempt(s)`);
      for (const a of running.values())
        a.kill(
          'cancel',
          'force',
          `worker ${name} lost Redis for ${Date.now() - lastBeat} ms and stopped the step`,
        );
    }
    try {
      await commands.set(heartbeatKeyOf(name), String(process.pid), 'PX', ttl);
      lastBeat = Date.now();
    } catch {
      // Counted above on the next beat: an unanswered heartbeat is a lost lock.
    }
  };
  await beat();
  const heartbeat = setInterval(() => void beat(), Math.max(250, Math.floor(ttl / 4)));

  await control.subscribe(CONTROL_CHANNEL);
  control.on('message', (_channel: string, text: string) => {
    let message: KillMessage;
    try {
      message = JSON.parse(text) as KillMessage;
    } catch {
      return;
    }
    running.get(message.job)?.kill(message.reason, message.mode);
  });

  // One concurrency for all this worker's queues.
  let busy = 0;
  const waiting: Array<() => void> = [];
  const acquire = (): Promise<void> =>
    busy < concurrency
      ? ((busy += 1), Promise.resolve())
      : new Promise((resolve) => waiting.push(() => ((busy += 1), resolve())));
  const releaseSlot = (): void => {
    busy -= 1;
    waiting.shift()?.();
  };

  // A worker that stops kills its attempts and says nothing of them: its heartbeat goes, so the
  // coordinator takes them as interrupted and they follow on_interrupt, as for a worker that died.
  let stopping = false;
  const silencedOnClose =
    (send: (event: WireEvent) => void) =>
    (event: WireEvent): void => {
      if (!(stopping && event.k === 'finished')) send(event);
    };

  const process_ = async (job: Job<AttemptJob>): Promise<void> => {
    const data = job.data;
    await acquire();
    try {
      const started: WireEvent = { k: 'started', job: data.job, worker: name };
      const claimed = (await commands.eval(
        CLAIM_SCRIPT,
        2,
        claimKeyOf(data.job),
        data.events,
        name,
        String(data.deadline_ms + 3600_000),
        JSON.stringify(started),
      )) as number;
      if (claimed !== 1) {
        log(`${data.job}: already taken by another worker; not run again`);
        return;
      }
      // A kill sent before the job was taken (a resumed coordinator stopping what its dead
      // predecessor started) means it never runs at all.
      const killedEarly = await commands.get(killKeyOf(data.job)).catch(() => null);
      if (killedEarly !== null) {
        await commands.set(claimKeyOf(data.job), `done:${name}`, 'KEEPTTL').catch(() => undefined);
        log(`${data.job}: stopped before it started`);
        return;
      }
      log(`${data.job}: started`);
      const attempt = startWorkerAttempt(
        {
          name,
          registry,
          host,
          sampler,
          reaper,
          send: silencedOnClose(batcher.sender(data.events, data.secrets)),
        },
        data,
      );
      running.set(data.job, attempt);
      const killed = await commands.get(killKeyOf(data.job)).catch(() => null);
      if (killed !== null) {
        const m = JSON.parse(killed) as KillMessage;
        attempt.kill(m.reason, m.mode);
      }
      await attempt.done;
      running.delete(data.job);
      // Its tree is gone: a coordinator that resumes the run may run the step again now.
      await commands.set(claimKeyOf(data.job), `done:${name}`, 'KEEPTTL').catch(() => undefined);
      await batcher.flush();
      log(`${data.job}: ended`);
    } finally {
      releaseSlot();
    }
  };

  const queues = queuesOf(labels);
  const blocking: Redis[] = [];
  const workers = queues.map((queue) => {
    const connection = connect(options.redis, `missionkit-worker-${name}-${queue}`);
    connection.on('error', () => undefined);
    blocking.push(connection);
    const w = new Worker<AttemptJob>(queue, process_, {
      connection,
      concurrency,
      name,
      // A lost worker's job is found by the coordinator through the heartbeat; BullMQ's own
      // stall check only hands out again a job whose claim was never made.
      lockDuration: Math.max(ttl, 5000),
      stalledInterval: Math.max(ttl, 5000),
      maxStalledCount: 1,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    w.on('error', (e: Error) => log(`queue ${queue}: ${e.message}`));
    w.on('lockRenewalFailed', (ids: string[]) => {
      for (const id of ids) {
        log(`${id}: lock lost: killing its tree`);
        running
          .get(id)
          ?.kill(
            'cancel',
            'force',
            `worker ${name} lost its lock on the attempt in Redis (Redis away or restarted) and stopped the step`,
          );
      }
    });
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  log(
    `worker ${name} ready (pid ${process.pid}, reaper pid ${reaper.pid ?? 'none'}): queues ${queues.join(', ')}; concurrency ${concurrency}`,
  );

  let closing: Promise<void> | undefined;
  return {
    name,
    labels,
    queues,
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        clearInterval(heartbeat);
        await commands.del(heartbeatKeyOf(name)).catch(() => undefined);
        for (const a of running.values()) a.kill('cancel', 'force');
        await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
        await batcher.flush();
        reaper.close();
        control.disconnect();
        for (const c of blocking) c.disconnect();
        await commands.quit().catch(() => undefined);
      })()),
  };
};
