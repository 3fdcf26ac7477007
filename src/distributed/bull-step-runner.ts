// The coordinator's side of a distributed run: each attempt becomes one BullMQ job (id
// `<run>:<step>:<attempt>`, so a start sent twice is one job) on the queue of its `runs_on` labels;
// its events come back on the run's Redis stream; kills go out on pub/sub; a worker whose
// heartbeat lapses has its attempts interrupted. The scheduler stays missionkit's own.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Step } from '../mission/model.js';
import type { TreeUsage } from '../ports/sampler.js';
import type {
  AttemptRequest,
  AttemptSink,
  RunContext,
  RunnerAttempt,
  StepRunner,
  StepRunnerFactory,
} from '../ports/step-runner.js';
import type { KillReason } from '../scheduler/report.js';
import { checkReachable, connect } from './connection.js';
import type { OrphanedAttempt } from '../runtime/journaled-run.js';
import { stopRemoteAttempts } from './remote-orphans.js';
import { CONTROL_CHANNEL, eventStreamOf, heartbeatKeyOf, jobIdOf, killKeyOf, queueFor } from './names.js';
import type { AttemptJob, KillMessage, WireEvent } from './wire.js';

const NOTHING: TreeUsage = Object.freeze({ processes: 0, rss_bytes: 0, cpu_ms: 0 });

/** Extra time a worker gives an attempt past its timeout before it kills it on its own. */
const DEADLINE_MARGIN_MS = 5_000;

/**
 * How long Redis must have been answering again, after it was away, before a missing heartbeat
 * counts. A heartbeat that expired while Redis was down (or restarting) says nothing about the
 * worker: a live worker's connection comes back within ioredis's longest retry delay (2 s) and
 * sends the heartbeats it queued meanwhile at once.
 */
const REDIS_BACK_GRACE_MS = 5_000;

/** How long kill keys and stream entries outlive their run at most. */
const KEY_TTL_MS = 24 * 3600_000;

interface Tracked {
  readonly sink: AttemptSink;
  readonly queue: string;
  worker: string | undefined;
  usage: TreeUsage;
  done: boolean;
}

/** Options of the coordinator's runner. */
export interface BullStepRunnerOptions {
  readonly redis: string;
  /** Fingerprints of the coordinator's step types, by name. */
  readonly fingerprints: ReadonlyMap<string, string>;
  /** How often workers' heartbeats are checked. @default 500 */
  readonly heartbeatCheckMs?: number;
  /** A run id for runs that are not journaled. */
  readonly newRunId: () => string;
}

/** Runs attempts on BullMQ workers for one coordinator. */
export class BullStepRunner {
  private readonly commands: Redis;
  private readonly reader: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly tracked = new Map<string, Tracked>();
  private stream: string | undefined;
  private reading: Promise<void> | undefined;
  private closed = false;
  private readonly watch: ReturnType<typeof setInterval>;
  /** When the connection last came back after Redis was away; 0 while it never was. */
  private backSince = 0;
  private away = false;

  constructor(private readonly options: BullStepRunnerOptions) {
    this.commands = connect(options.redis, 'missionkit-coordinator');
    this.reader = connect(options.redis, 'missionkit-coordinator-events');
    // A connection error is retried by ioredis; without a listener it would crash the process.
    this.commands.on('error', () => undefined);
    this.reader.on('error', () => undefined);
    this.commands.on('close', () => {
      this.away = true;
    });
    this.commands.on('ready', () => {
      if (this.away) this.backSince = Date.now();
      this.away = false;
    });
    this.watch = setInterval(() => void this.checkWorkers(), options.heartbeatCheckMs ?? 500);
    this.watch.unref();
  }

  /** Resolves once Redis answers; rejects with a TypeError saying where and what to do otherwise. */
  ready(): Promise<void> {
    return checkReachable(this.commands, this.options.redis);
  }

  /** The step-runner factory to give the runtime. */
  readonly factory: StepRunnerFactory = (run: RunContext): StepRunner => {
    const runId = (run.runId ?? this.options.newRunId()).replace(/:/g, '_');
    this.stream = eventStreamOf(runId);
    this.reading ??= this.readEvents();
    return {
      takes: (step: Step) => !(step.runs_on?.length === 1 && step.runs_on[0] === 'coordinator'),
      start: (request, sink) => this.start(runId, run, request, sink),
    };
  };

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (q === undefined) {
      q = new Queue(name, { connection: this.commands });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  private start(runId: string, run: RunContext, request: AttemptRequest, sink: AttemptSink): RunnerAttempt {
    const job = jobIdOf(runId, request.stepId, request.attempt);
    const queueName = queueFor(request.runsOn);
    const tracked: Tracked = { sink, queue: queueName, worker: undefined, usage: NOTHING, done: false };
    this.tracked.set(job, tracked);
    const payload: AttemptJob = {
      v: 1,
      run: runId,
      job,
      step: request.step,
      step_id: request.stepId,
      attempt: request.attempt,
      step_type: request.stepType,
      fingerprint: this.options.fingerprints.get(request.stepType) ?? null,
      params: request.params,
      timeout_ms: request.timeoutMs,
      deadline_ms: request.timeoutMs + run.killGraceMs + DEADLINE_MARGIN_MS,
      events: this.stream!,
      working_dir: run.workingDirectory,
      env: run.env,
      variables: request.variables,
      allowed_paths: run.allowedPaths,
      config: run.config,
      max_output_bytes: run.maxOutputBytes,
      kill_grace_ms: run.killGraceMs,
      secrets: run.secrets,
      facts: {
        ...(run.facts.platform !== undefined ? { platform: run.facts.platform } : {}),
        steps:
          run.facts.steps?.[request.stepId] !== undefined
            ? { [request.stepId]: run.facts.steps[request.stepId]! }
            : {},
      },
      max_parallel: run.maxParallel,
    };
    // The payload may carry secrets: it goes when the attempt ends, whatever its end.
    this.queue(queueName)
      .add('attempt', payload, { jobId: job, removeOnComplete: true, removeOnFail: true, attempts: 1 })
      .catch((e: unknown) =>
        this.settle(job, {
          k: 'finished',
          job,
          worker: '',
          o: {
            status: 'failed',
            failure_kind: 'error',
            message: `could not queue the attempt on ${queueName}: ${(e as Error).message ?? String(e)}`,
            hint: 'check that Redis is reachable at the --redis URL',
          },
        }),
      );
    return {
      kill: (reason, mode) => this.kill(job, reason, mode),
      usage: () => tracked.usage,
    };
  }

  private kill(job: string, reason: KillReason, mode: 'graceful' | 'force'): void {
    const tracked = this.tracked.get(job);
    if (tracked === undefined || tracked.done) return;
    this.sendKill(job, reason, mode);
    if (tracked.worker === undefined) {
      // Not taken yet: it never runs if it can still be taken off its queue.
      void this.queue(tracked.queue)
        .remove(job)
        .then(
          (removed) => {
            if (removed === 1 && tracked.worker === undefined)
              this.settle(job, {
                k: 'finished',
                job,
                worker: '',
                o: {
                  status: 'failed',
                  failure_kind: 'error',
                  message: `not started: the step was stopped (${reason})`,
                },
              });
          },
          () => undefined,
        );
    }
  }

  private sendKill(job: string, reason: KillReason, mode: 'graceful' | 'force'): void {
    const message: KillMessage = { job, reason, mode };
    const text = JSON.stringify(message);
    // The key first: a worker that takes the job after the message went out reads it there.
    void this.commands
      .multi()
      .set(killKeyOf(job), text, 'PX', KEY_TTL_MS)
      .publish(CONTROL_CHANNEL, text)
      .exec()
      .catch(() => undefined);
  }

  private settle(job: string, event: Extract<WireEvent, { k: 'finished' }>): void {
    const tracked = this.tracked.get(job);
    if (tracked === undefined || tracked.done) return;
    tracked.done = true;
    this.tracked.delete(job);
    tracked.sink.finished(event.o, event.c, event.worker === '' ? undefined : event.worker);
  }

  private deliver(event: WireEvent): void {
    const tracked = this.tracked.get(event.job);
    if (tracked === undefined || tracked.done) return;
    const sink = tracked.sink;
    switch (event.k) {
      case 'started':
        tracked.worker = event.worker;
        return;
      case 'line':
        sink.line(event.s, event.l);
        return;
      case 'redraw':
        sink.redraw(event.s, event.t);
        return;
      case 'activity':
        sink.activity(event.b, event.l);
        return;
      case 'progress':
        sink.progress(event.m, event.f);
        return;
      case 'warning':
        sink.warning(event.m);
        return;
      case 'info':
        sink.info(event.m);
        return;
      case 'sample':
        tracked.usage = event.u;
        return;
      case 'finished':
        this.settle(event.job, event);
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  /** Reads the run's event stream until the runner closes. */
  private async readEvents(): Promise<void> {
    let last = '0-0';
    while (!this.closed) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await this.reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          1000,
          'STREAMS',
          this.stream!,
          last,
        )) as typeof reply;
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (reply === null) continue;
      for (const [, entries] of reply)
        for (const [id, fields] of entries) {
          last = id;
          for (let f = 0; f + 1 < fields.length; f += 2) {
            if (fields[f] !== 'e') continue;
            let event: WireEvent;
            try {
              event = JSON.parse(fields[f + 1]!) as WireEvent;
            } catch {
              continue;
            }
            this.deliver(event);
          }
        }
    }
  }

  /** Attempts whose worker's heartbeat lapsed are interrupted: the worker and its reaper killed their trees. */
  private async checkWorkers(): Promise<void> {
    const byWorker = new Map<string, string[]>();
    for (const [job, t] of this.tracked)
      if (t.worker !== undefined && !t.done) byWorker.set(t.worker, [...(byWorker.get(t.worker) ?? []), job]);
    if (byWorker.size === 0) return;
    const workers = [...byWorker.keys()];
    let alive: Array<[Error | null, unknown]> | null;
    try {
      const pipeline = this.commands.pipeline();
      for (const w of workers) pipeline.exists(heartbeatKeyOf(w));
      alive = await pipeline.exec();
    } catch {
      return;
    }
    // Checks queued while Redis was away are answered the moment it is back, before the workers'
    // connections are: no verdict until Redis has been answering for a while.
    if (alive === null || this.away || Date.now() - this.backSince < REDIS_BACK_GRACE_MS) return;
    workers.forEach((w, i) => {
      const [error, count] = alive![i] ?? [null, 1];
      if (error !== null || count !== 0) return;
      for (const job of byWorker.get(w)!) {
        const t = this.tracked.get(job);
        if (t === undefined || t.done) continue;
        t.done = true;
        this.tracked.delete(job);
        // Should the worker only be cut off from Redis, this tells it to stop too.
        this.sendKill(job, 'cancel', 'force');
        t.sink.interrupted(`worker ${w} stopped answering (its heartbeat lapsed)`, w);
      }
    });
  }

  /** Stops attempts a dead coordinator of run `runId` left on workers; resolves once each is over. */
  stopAttempts(
    runId: string,
    attempts: ReadonlyArray<Pick<OrphanedAttempt, 'step_id' | 'attempt'>>,
  ): Promise<void> {
    return stopRemoteAttempts(this.commands, runId, attempts);
  }

  /** Stops reading, removes the run's stream and lets go of every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watch);
    if (this.stream !== undefined) await this.commands.del(this.stream).catch(() => undefined);
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.reader.disconnect();
    await this.reading?.catch(() => undefined);
    await this.commands.quit().catch(() => undefined);
  }
}
