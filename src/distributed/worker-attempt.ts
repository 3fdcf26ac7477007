// One attempt on a worker: the same step context, containment, output capture and sampler as a
// local attempt, with every event masked and sent back on the run's stream. The attempt's process
// groups are handed to the reaper while they run, and it is killed by the job's own deadline if
// the coordinator goes silent.
import type { ContainmentKind } from '../ports/executor.js';
import type { ResourceSampler } from '../ports/sampler.js';
import type { StepOutcome, StepTypeRegistry } from '../ports/step-type.js';
import type { KillReason } from '../scheduler/report.js';
import { LiveAttempt, type StepContextHost } from '../runtime/step-context.js';
import { maskedValues } from '../runtime/secret-mask.js';
import { runStepType } from '../runtime/run-attempt.js';
import { withCommandEnvironment } from '../steps/command.js';
import type { RuntimeHost } from '../runtime/run-mission.js';
import type { Reaper } from '../node/reaper.js';
import { fingerprintOf } from './fingerprint.js';
import { WORKER_MARKER_PREFIX } from './names.js';
import type { AttemptJob, WireEvent } from './wire.js';

/** How often a running attempt's tree is measured and the measurement sent back. */
const SAMPLE_EVERY_MS = 1000;

/** What a worker lends each of its attempts. */
export interface WorkerHost {
  readonly name: string;
  readonly registry: StepTypeRegistry;
  readonly host: RuntimeHost;
  readonly sampler: ResourceSampler;
  readonly reaper: Reaper;
  /** Sends an event (masked by the caller's batcher). */
  readonly send: (event: WireEvent) => void;
}

/** A running attempt as its worker holds it. */
export interface WorkerAttempt {
  /** Stops it; `why`, when given, leads the message of an attempt that did not succeed. */
  kill(reason: KillReason, mode: 'graceful' | 'force', why?: string): void;
  readonly done: Promise<void>;
}

const failure = (message: string, hint: string): StepOutcome => ({
  status: 'failed',
  failure_kind: 'invalid_input',
  message,
  hint,
  retryable: false,
});

/** Starts one attempt of `job` on this worker; `done` settles once its outcome was sent. */
export const startWorkerAttempt = (w: WorkerHost, job: AttemptJob): WorkerAttempt => {
  const base = w.registry.get(job.step_type);
  const finish = (outcome: StepOutcome, containment: ContainmentKind | undefined): void =>
    w.send({
      k: 'finished',
      job: job.job,
      o: outcome,
      ...(containment !== undefined ? { c: containment } : {}),
      worker: w.name,
    });
  if (base === undefined || (job.fingerprint !== null && fingerprintOf(base) !== job.fingerprint)) {
    finish(
      base === undefined
        ? failure(
            `step type ${job.step_type} is not registered on worker ${w.name}`,
            'start the worker with the module that defines it: missionkit worker --step-types ./my-types.js',
          )
        : failure(
            `step type ${job.step_type} on worker ${w.name} differs from the coordinator's (another version of its code or parameters)`,
            'register the same step types, from the same code, on the coordinator and every worker',
          ),
      undefined,
    );
    return { kill: () => undefined, done: Promise.resolve() };
  }
  const registry = withCommandEnvironment(w.registry, {
    platform: job.facts.platform ?? process.platform,
    facts: job.facts,
    maxParallel: job.max_parallel,
    ...(w.host.facts !== undefined ? { listFiles: w.host.facts.listFiles.bind(w.host.facts) } : {}),
  });
  const groups = new Set<number>();
  const send = w.send;
  const id = job.job;
  const ctxHost: StepContextHost = {
    workingDirectory: job.working_dir,
    env: job.env,
    allowedPaths: job.allowed_paths,
    config: job.config,
    clock: w.host.clock,
    fs: w.host.fs,
    http: w.host.http,
    executor: w.host.executor,
    maxOutputBytes: job.max_output_bytes,
    killGraceMs: job.kill_grace_ms,
    secrets: maskedValues(job.secrets),
    onLine: (_stepId, stream, line) => send({ k: 'line', job: id, s: stream, l: line }),
    onRedraw: (_stepId, stream, text) => send({ k: 'redraw', job: id, s: stream, t: text }),
    onActivity: (_step, _attempt, bytes, lastLine) => send({ k: 'activity', job: id, b: bytes, l: lastLine }),
    onProgress: (_step, _attempt, message, fraction) =>
      send({ k: 'progress', job: id, m: message, ...(fraction !== undefined ? { f: fraction } : {}) }),
    onWarning: (_step, _attempt, message) => send({ k: 'warning', job: id, m: message }),
    onInfo: (_step, _attempt, message) => send({ k: 'info', job: id, m: message }),
    variablesFor: () => job.variables,
    treeMarker: () => ({
      name: 'MISSIONKIT_TREE',
      value: `${WORKER_MARKER_PREFIX}${process.pid}.${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    }),
    onSpawn: (_step, _attempt, pid) => {
      groups.add(pid);
      w.reaper.watch(pid);
    },
  };
  const attempt = new LiveAttempt(ctxHost, job.step, job.step_id as LiveAttempt['stepId'], job.attempt, []);
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  // A kill the worker decides on its own (Redis lost) must say so, or the step reads "killed by SIGKILL".
  let why: string | undefined;
  const stop = (reason: KillReason, mode: 'graceful' | 'force', because?: string): void => {
    why ??= because;
    attempt.kill(reason, mode);
    if (mode === 'graceful') {
      const t = setTimeout(() => attempt.kill(reason, 'force'), job.kill_grace_ms);
      t.unref();
      timers.push(t);
    }
  };
  // The coordinator normally stops a late attempt; this holds when it cannot any more.
  const deadline = setTimeout(() => stop('timeout', 'graceful'), job.deadline_ms);
  deadline.unref();
  timers.push(deadline);
  const sampling = setInterval(() => {
    const pids = attempt.pids();
    if (pids.length === 0) return;
    w.sampler.sample(pids).then(
      (u) => send({ k: 'sample', job: id, u }),
      () => undefined,
    );
  }, SAMPLE_EVERY_MS);
  sampling.unref();
  const done = runStepType(registry.get(job.step_type), job.step_type, attempt, job.params).then(
    (outcome) => {
      clearInterval(sampling);
      for (const t of timers) clearTimeout(t);
      for (const g of groups) w.reaper.release(g);
      const told =
        why === undefined || outcome.status === 'succeeded'
          ? outcome
          : { ...outcome, message: outcome.message === undefined ? why : `${why}: ${outcome.message}` };
      finish(told, attempt.containment());
    },
  );
  return { kill: stop, done };
};
