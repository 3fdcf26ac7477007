// The scheduler: `transition(state, event) → [state, commands]`. Pure — it performs nothing and
// reads no clock; the runtime carries its commands out and feeds back what happened.
import { resolveDependencies, type DependencyOutcome } from '../plan/dependencies.js';
import { retryDelayMs, shouldRetry } from '../plan/retry.js';
import { attemptTimeout, capByDeadline } from '../plan/timeouts.js';
import type { StepId } from '../mission/model.js';
import type { StepOutcome } from '../ports/step-type.js';
import { unreachable } from '../unreachable.js';
import type { SchedulerCommand } from './commands.js';
import type { SchedulerEvent } from './events.js';
import type { KillReason } from './report.js';
import { buildReport, notRunResult, rawOutcome, ranResult, recordAttempt } from './results.js';
import {
  addWarning,
  consume,
  type SchedulerInternals,
  type SchedulerState,
  type Stopping,
  type TimerPurpose,
} from './state.js';
import { isFailure, isSuccess, type StepStatus } from './step-status.js';
import { newWatch, recordSample } from './resource-watch.js';
import type { TreeUsage } from '../ports/sampler.js';

/** The first resource sample of an attempt, at the latest (short steps get measured too). */
const FIRST_SAMPLE_MS = 1000;

/** Collects the commands of one transition. */
class Step {
  readonly commands: SchedulerCommand[] = [];
  constructor(
    readonly s: SchedulerInternals,
    readonly at: number,
  ) {}

  arm(purpose: TimerPurpose, delayMs: number): number {
    const timer = this.s.nextTimer++;
    this.s.timers.set(timer, purpose);
    this.commands.push({ _tag: 'arm_timer', timer, delay_ms: Math.max(0, delayMs) });
    return timer;
  }

  disarm(timer: number): void {
    if (timer !== 0 && this.s.timers.delete(timer)) this.commands.push({ _tag: 'cancel_timer', timer });
  }
}

/** mulberry32: a tiny seeded PRNG, so jittered retries replay identically. */
const nextRandom = (s: SchedulerInternals): number => {
  s.seed = (s.seed + 0x6d2b79f5) >>> 0;
  let t = s.seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const startAttempt = (x: Step, i: number): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.steps[i]!;
  st.phase = 'running';
  st.attempt += 1;
  st.attemptStartedAt = at;
  st.firstStartedAt ??= at;
  st.killReason = undefined;
  st.outputBytes = 0;
  st.lastLine = null;
  st.lastOutputAt = at;
  st.stallWarned = false;
  s.running.add(i);
  const remaining = s.missionDeadlineAt === undefined ? undefined : s.missionDeadlineAt - at;
  st.attemptTimeout = capByDeadline(
    attemptTimeout(planned.timeout, st.attempt, planned.retry?.timeout_multiplier ?? 1),
    remaining,
  );
  const attempt = st.attempt;
  st.deadlineAt = at + st.attemptTimeout.ms;
  st.nextProgressAt = at + planned.progress_interval_ms;
  const stallCheck = Math.min(planned.stall_warning_ms ?? Infinity, planned.stall_timeout_ms ?? Infinity);
  st.stallCheckAt = at + stallCheck;
  // Made at the first sample: most steps (no-ops, quick commands) are never sampled.
  st.resources = undefined;
  st.limitMessage = undefined;
  // The first sample comes early so short steps are measured too; then every check interval.
  st.nextSampleAt = at + Math.min(planned.sample_interval_ms, FIRST_SAMPLE_MS);
  armWatch(x, i);
  x.commands.push({
    _tag: 'emit',
    event: {
      type: 'step_start',
      at,
      step_id: planned.id,
      attempt,
      timeout_ms: st.attemptTimeout.ms,
      timeout_explanation: st.attemptTimeout.explanation,
    },
  });
  x.commands.push({
    _tag: 'start_step',
    step: planned,
    attempt,
    timeout_ms: st.attemptTimeout.ms,
    defaults: st.defaults,
    substitutes: st.substitutes,
  });
};

/** Starts queued steps while there is room. */
const fill = (x: Step): void => {
  const { s } = x;
  while (s.stopping === undefined && s.running.size < s.plan.max_parallel) {
    const i = s.queue.pop();
    if (i === undefined) return;
    startAttempt(x, i);
  }
};

/** (Re)arms a running attempt's one watch timer for the earliest of its deadline, progress tick and stall check. */
const armWatch = (x: Step, i: number): void => {
  const st = x.s.steps[i]!;
  const due = Math.min(
    st.killReason === undefined ? st.deadlineAt : Infinity,
    st.nextProgressAt,
    st.stallCheckAt,
    st.nextSampleAt,
  );
  x.disarm(st.watchTimer);
  st.watchTimer = due === Infinity ? 0 : x.arm({ kind: 'watch', step: i, attempt: st.attempt }, due - x.at);
};

const clearAttemptTimers = (x: Step, i: number): void => {
  const st = x.s.steps[i]!;
  x.disarm(st.watchTimer);
  x.disarm(st.graceTimer);
  st.watchTimer = st.graceTimer = 0;
};

/** Settles step `i` and decides, for each dependent that has now heard from every dependency, whether it runs. */
const settle = (x: Step, first: number, firstStatus: StepStatus | 'skipped', skipReason?: string): void => {
  const { s, at } = x;
  // A worklist, not recursion: a skip can cascade down a chain of 100,000 steps.
  const work: Array<{ i: number; status: StepStatus; reason: string | undefined }> = [
    { i: first, status: firstStatus, reason: skipReason },
  ];
  while (work.length > 0) {
    const { i, status, reason } = work.pop()!;
    const planned = s.plan.steps[i]!;
    const st = s.steps[i]!;
    // A fail_fast stop earlier in this loop may have settled a step already queued here.
    if (st.phase === 'settled') continue;
    st.phase = 'settled';
    s.settled += 1;
    st.result =
      status === 'skipped' || (status === 'cancelled' && st.attempt === 0)
        ? notRunResult(planned, st, status, reason ?? '')
        : ranResult(planned, st, status, at);
    x.commands.push({ _tag: 'emit', event: { type: 'step_end', at, result: st.result } });
    if (isFailure(st.result.conclusion) && s.plan.fail_fast && s.stopping === undefined) {
      stop(x, { kind: 'fail_fast', reason: `step ${planned.id} ${st.result.conclusion.replace('_', ' ')}` });
    }
    const succeeded = isSuccess(st.result.conclusion);
    for (const k of planned.dependents) {
      const dep = s.steps[k]!;
      dep.remaining -= 1;
      if (!succeeded) dep.failedDependencies += 1;
      if (dep.remaining !== 0 || dep.phase !== 'waiting') continue;
      if (s.plan.steps[k]!.on_demand && !dep.demanded) continue;
      decide(x, k, work);
    }
    for (const k of st.waiters) if (s.steps[k]!.phase === 'waiting') decide(x, k, work);
    st.waiters = [];
  }
};

type Work = Array<{ i: number; status: StepStatus; reason: string | undefined }>;

/** Whether a step whose dependencies have all settled runs, is skipped, or first needs an alternative. */
const decide = (x: Step, k: number, work: Work): void => {
  const { s } = x;
  const dep = s.steps[k]!;
  if (dep.failedDependencies === 0) {
    dep.phase = 'queued';
    s.queue.push(k);
    return;
  }
  const target = s.plan.steps[k]!;
  const standIn = new Map<string, StepId>(dep.substitutes.map((sub) => [sub.step_id, sub.by]));
  const conclusionOf = (id: StepId): StepStatus => s.steps[s.plan.graph.index.get(id)!]!.result!.conclusion;
  const outcomes: DependencyOutcome[] = target.dependencies.map((j) => {
    const id = s.plan.steps[j]!.id;
    return { step_id: id, conclusion: conclusionOf(standIn.get(id) ?? id) };
  });
  const decision = resolveDependencies(target.strategy, target.step.continue_on_failure, outcomes);
  switch (decision._tag) {
    case 'run':
      addWarning(dep, ...decision.warnings);
      dep.defaults = decision.defaults;
      dep.phase = 'queued';
      s.queue.push(k);
      return;
    case 'skip':
      work.push({ i: k, status: 'skipped', reason: decision.reason });
      return;
    case 'alternative': {
      const a = s.plan.graph.index.get(decision.alternative)!;
      const alt = s.steps[a]!;
      if (alt.phase === 'settled') {
        const ok = isSuccess(alt.result!.conclusion);
        if (ok) {
          dep.substitutes = [...dep.substitutes, { step_id: decision.failed, by: decision.alternative }];
          addWarning(
            dep,
            `dependency ${decision.failed} failed; using its alternative ${decision.alternative} (conditional: retry_with_alternative)`,
          );
          decide(x, k, work);
          return;
        }
        const how = alt.result!.conclusion === 'skipped' ? 'was skipped' : 'failed';
        work.push({
          i: k,
          status: 'skipped',
          reason: `dependency ${decision.failed} failed and its alternative ${decision.alternative} ${how} too (conditional: retry_with_alternative)`,
        });
        return;
      }
      alt.waiters = [...alt.waiters, k];
      if (!alt.demanded && s.plan.steps[a]!.on_demand) {
        alt.demanded = true;
        s.idleOnDemand -= 1;
        if (alt.phase === 'waiting' && alt.remaining === 0) decide(x, a, work);
      }
      return;
    }
    default:
      unreachable(decision);
  }
};

/** A resource sample arrived: account for it, warn once per limit, stop the step over a limit. */
const onSample = (x: Step, i: number, usage: TreeUsage): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.steps[i]!;
  const watch = (st.resources ??= newWatch(st.attemptStartedAt));
  const cpuBefore = watch.lastCpuMs;
  const lastAt = watch.lastAt;
  const verdict = recordSample(watch, usage, at, planned.resources);
  if (usage.processes > 0) {
    x.commands.push({
      _tag: 'emit',
      event: {
        type: 'step_resources',
        at,
        step_id: planned.id,
        processes: usage.processes,
        memory_bytes: usage.rss_bytes,
        cpu_percent:
          Math.round(Math.max(0, ((usage.cpu_ms - cpuBefore) / Math.max(1, at - lastAt)) * 100) * 10) / 10,
      },
    });
  }
  for (const message of verdict.warnings) {
    addWarning(st, message);
    x.commands.push({ _tag: 'emit', event: { type: 'step_warning', at, step_id: planned.id, message } });
  }
  if (verdict.kill !== undefined && st.killReason === undefined) {
    st.limitMessage = `stopped: ${verdict.kill}`;
    requestKill(x, i, 'limit');
  }
  st.nextSampleAt = at + planned.sample_interval_ms;
  armWatch(x, i);
};

const killFor = (stopping: Stopping): KillReason => stopping.kind;

/** Stops the mission from starting anything new; running steps are asked to stop, waiting ones settle now. */
const stop = (x: Step, stopping: Stopping): void => {
  const { s, at } = x;
  s.stopping = stopping;
  for (const i of s.running) requestKill(x, i, killFor(stopping));
  s.queue.drain();
  const notStarted =
    stopping.kind === 'cancel'
      ? `mission cancelled before this step started: ${stopping.reason}`
      : stopping.kind === 'fail_fast'
        ? `not started: the mission stopped after ${stopping.reason} (fail_fast)`
        : `not started: the mission deadline passed (config.mission_timeout_seconds)`;
  s.steps.forEach((st, i) => {
    if (st.phase === 'waiting' || st.phase === 'queued') {
      if (s.plan.steps[i]!.on_demand && !st.demanded) s.idleOnDemand -= 1;
      st.phase = 'settled';
      s.settled += 1;
      st.result = notRunResult(
        s.plan.steps[i]!,
        st,
        stopping.kind === 'cancel' ? 'cancelled' : 'skipped',
        notStarted,
      );
      x.commands.push({ _tag: 'emit', event: { type: 'step_end', at, result: st.result } });
    } else if (st.phase === 'retry_wait') {
      x.disarm(st.retryTimer);
      st.retryTimer = 0;
      addWarning(st, `not retried: ${notStarted.replace('not started: ', '')}`);
      st.phase = 'settled';
      s.settled += 1;
      st.result = ranResult(s.plan.steps[i]!, st, st.attempts[st.attempts.length - 1]!.outcome, at);
      x.commands.push({ _tag: 'emit', event: { type: 'step_end', at, result: st.result } });
    }
  });
};

/** Asks a running step to stop gracefully, and arms the grace period after which it is forced. */
const requestKill = (x: Step, i: number, reason: KillReason): void => {
  const st = x.s.steps[i]!;
  if (st.killReason !== undefined) return;
  st.killReason = reason;
  const id = x.s.plan.steps[i]!.id;
  x.commands.push({
    _tag: 'emit',
    event: { type: 'step_kill', at: x.at, step_id: id, reason, mode: 'graceful' },
  });
  x.commands.push({ _tag: 'kill_step', step: i, attempt: st.attempt, reason, mode: 'graceful' });
  armWatch(x, i);
  st.graceTimer = x.arm({ kind: 'grace', step: i, attempt: st.attempt }, x.s.plan.kill_grace_ms);
};

const forceKill = (x: Step, i: number): void => {
  const st = x.s.steps[i]!;
  const reason = st.killReason ?? 'cancel';
  const id = x.s.plan.steps[i]!.id;
  x.commands.push({
    _tag: 'emit',
    event: { type: 'step_kill', at: x.at, step_id: id, reason, mode: 'force' },
  });
  x.commands.push({ _tag: 'kill_step', step: i, attempt: st.attempt, reason, mode: 'force' });
  // A step that does not end even when forced (a custom step ignoring its AbortSignal) is
  // abandoned after one more grace period, so the mission still ends and reports it.
  x.disarm(st.graceTimer);
  st.graceTimer = x.arm(
    { kind: 'abandon', step: i, attempt: st.attempt },
    Math.max(1000, x.s.plan.kill_grace_ms),
  );
};

const finishAttempt = (x: Step, i: number, outcome: StepOutcome): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.steps[i]!;
  clearAttemptTimers(x, i);
  s.running.delete(i);
  st.lastOutcome = outcome;
  const raw = rawOutcome(st, outcome, planned);
  recordAttempt(st, raw, outcome, at, planned);
  const stoppedByEngine =
    st.killReason === 'cancel' || st.killReason === 'fail_fast' || st.killReason === 'mission_timeout';
  if (!stoppedByEngine && s.stopping === undefined && shouldRetry(planned.retry, st.attempt, raw, outcome)) {
    const delay = retryDelayMs(planned.retry!, st.attempt, nextRandom(s));
    if (s.missionDeadlineAt === undefined || at + delay < s.missionDeadlineAt) {
      st.phase = 'retry_wait';
      st.delayBeforeMs = delay;
      st.retryTimer = x.arm({ kind: 'retry', step: i }, delay);
      const why = st.attempts[st.attempts.length - 1]!.message ?? raw;
      x.commands.push({
        _tag: 'emit',
        event: {
          type: 'step_retry',
          at,
          step_id: planned.id,
          next_attempt: st.attempt + 1,
          delay_ms: delay,
          reason: why,
        },
      });
      return;
    }
    addWarning(st, 'not retried: the mission deadline would pass during the retry delay');
  }
  settle(x, i, raw);
};

const onTimer = (x: Step, purpose: TimerPurpose): void => {
  const { s } = x;
  if (purpose.kind === 'mission_deadline') {
    s.missionDeadlineTimer = 0;
    if (s.stopping === undefined) stop(x, { kind: 'mission_timeout', reason: 'the mission deadline passed' });
    return;
  }
  const st = s.steps[purpose.step]!;
  if (purpose.kind === 'retry') {
    st.retryTimer = 0;
    if (st.phase !== 'retry_wait') return;
    st.phase = 'queued';
    s.queue.push(purpose.step);
    return;
  }
  if (st.phase !== 'running' || st.attempt !== purpose.attempt) return;
  const planned = s.plan.steps[purpose.step]!;
  switch (purpose.kind) {
    case 'watch':
      st.watchTimer = 0;
      watch(x, purpose.step);
      return;
    case 'grace':
      st.graceTimer = 0;
      forceKill(x, purpose.step);
      return;
    case 'abandon':
      st.graceTimer = 0;
      addWarning(
        st,
        `the step did not stop after it was forced to; abandoned after ${planned.step.step_type === 'command' ? 'SIGKILL' : 'its AbortSignal fired'}`,
      );
      finishAttempt(x, purpose.step, {
        status: 'failed',
        failure_kind: 'error',
        message: 'did not stop when asked',
      });
      return;
    default:
      unreachable(purpose);
  }
};

/** A running attempt's watch timer fired: enforce its deadline, tick its progress, check for a stall. */
const watch = (x: Step, i: number): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.steps[i]!;
  if (st.killReason === undefined && at >= st.deadlineAt) requestKill(x, i, 'timeout');
  if (at >= st.nextProgressAt) {
    x.commands.push({
      _tag: 'emit',
      event: {
        type: 'step_progress',
        at,
        step_id: planned.id,
        elapsed_ms: at - st.attemptStartedAt,
        output_bytes: st.outputBytes,
        last_line: st.lastLine,
      },
    });
    st.nextProgressAt = at + planned.progress_interval_ms;
  }
  if (at >= st.nextSampleAt) {
    st.nextSampleAt = Infinity;
    x.commands.push({ _tag: 'sample_step', step: i, attempt: st.attempt });
  }
  if (at >= st.stallCheckAt) {
    const silent = at - st.lastOutputAt;
    if (planned.stall_timeout_ms !== undefined && silent >= planned.stall_timeout_ms)
      requestKill(x, i, 'stall');
    if (planned.stall_warning_ms !== undefined && silent >= planned.stall_warning_ms && !st.stallWarned) {
      st.stallWarned = true;
      const message = `no output for ${Math.round(silent / 1000)} s (stall_warning_seconds: ${planned.stall_warning_ms / 1000})`;
      addWarning(st, message);
      x.commands.push({ _tag: 'emit', event: { type: 'step_warning', at, step_id: planned.id, message } });
    }
    // Output may have come since the check was armed: the next check is measured from the last output.
    const thresholds = [
      st.stallWarned ? Infinity : (planned.stall_warning_ms ?? Infinity),
      st.killReason === undefined ? (planned.stall_timeout_ms ?? Infinity) : Infinity,
    ];
    st.stallCheckAt = Math.min(
      ...thresholds.map((t) => (st.lastOutputAt + t > at ? st.lastOutputAt + t : Infinity)),
    );
  }
  armWatch(x, i);
};

const finishIfDone = (x: Step): void => {
  const { s, at } = x;
  if (s.finished || s.startedAt === undefined) return;
  if (s.idleOnDemand > 0 && s.settled + s.idleOnDemand === s.steps.length) {
    // Nothing is left that could need them: unused alternatives are skipped as not needed.
    s.steps.forEach((st, i) => {
      if (st.phase === 'settled' || !s.plan.steps[i]!.on_demand || st.demanded) return;
      st.phase = 'settled';
      s.settled += 1;
      s.notNeeded.add(i);
      st.result = notRunResult(
        s.plan.steps[i]!,
        st,
        'skipped',
        'not needed: no dependency it stands in for failed',
      );
      x.commands.push({ _tag: 'emit', event: { type: 'step_end', at, result: st.result } });
    });
    s.idleOnDemand = 0;
  }
  if (s.settled !== s.steps.length) return;
  s.finished = true;
  x.disarm(s.missionDeadlineTimer);
  s.missionDeadlineTimer = 0;
  for (const timer of s.timers.keys()) x.commands.push({ _tag: 'cancel_timer', timer });
  s.timers.clear();
  const report = buildReport(s, at);
  x.commands.push({ _tag: 'emit', event: { type: 'mission_end', at, report } });
  x.commands.push({ _tag: 'finish', report });
};

const current = (s: SchedulerInternals, step: number, attempt: number): boolean => {
  const st = s.steps[step];
  return st !== undefined && st.phase === 'running' && st.attempt === attempt;
};

/** Advances the scheduler by one event. Consumes `state`; use the returned one from then on. */
export const transition = (
  state: SchedulerState,
  event: SchedulerEvent,
): [SchedulerState, ReadonlyArray<SchedulerCommand>] => {
  const s = consume(state);
  const x = new Step(s, event.at);
  if (!s.finished) {
    switch (event._tag) {
      case 'start': {
        if (s.startedAt !== undefined) break;
        s.startedAt = event.at;
        x.commands.push({
          _tag: 'emit',
          event: { type: 'mission_start', at: event.at, name: s.plan.mission.name, steps: s.steps.length },
        });
        if (s.plan.mission_timeout_ms !== undefined) {
          s.missionDeadlineAt = event.at + s.plan.mission_timeout_ms;
          s.missionDeadlineTimer = x.arm({ kind: 'mission_deadline' }, s.plan.mission_timeout_ms);
        }
        s.steps.forEach((st, i) => {
          if (st.remaining === 0 && !s.plan.steps[i]!.on_demand) {
            st.phase = 'queued';
            s.queue.push(i);
          }
        });
        break;
      }
      case 'step_finished':
        if (current(s, event.step, event.attempt)) finishAttempt(x, event.step, event.outcome);
        break;
      case 'step_output': {
        if (!current(s, event.step, event.attempt)) break;
        const st = s.steps[event.step]!;
        st.outputBytes += event.bytes;
        st.lastOutputAt = event.at;
        if (event.last_line !== null) st.lastLine = event.last_line;
        const quietWarning = s.plan.steps[event.step]!.stall_warning_ms;
        if (st.stallWarned && quietWarning !== undefined) {
          // Output resumed after a stall warning: watch for the next stall.
          st.stallWarned = false;
          st.stallCheckAt = Math.min(st.stallCheckAt, event.at + quietWarning);
          armWatch(x, event.step);
        }
        break;
      }
      case 'step_progress': {
        if (!current(s, event.step, event.attempt)) break;
        const st = s.steps[event.step]!;
        x.commands.push({
          _tag: 'emit',
          event: {
            type: 'step_progress',
            at: event.at,
            step_id: s.plan.steps[event.step]!.id,
            elapsed_ms: event.at - st.attemptStartedAt,
            output_bytes: st.outputBytes,
            last_line: st.lastLine,
            message: event.message,
            ...(event.fraction !== undefined ? { fraction: event.fraction } : {}),
          },
        });
        break;
      }
      case 'step_sample': {
        if (!current(s, event.step, event.attempt)) break;
        onSample(x, event.step, event.usage);
        break;
      }
      case 'step_warning': {
        if (!current(s, event.step, event.attempt)) break;
        addWarning(s.steps[event.step]!, event.message);
        x.commands.push({
          _tag: 'emit',
          event: {
            type: 'step_warning',
            at: event.at,
            step_id: s.plan.steps[event.step]!.id,
            message: event.message,
          },
        });
        break;
      }
      case 'timer_fired': {
        const purpose = s.timers.get(event.timer);
        if (purpose === undefined) break;
        s.timers.delete(event.timer);
        onTimer(x, purpose);
        break;
      }
      case 'cancel':
        if (s.startedAt === undefined) s.startedAt = event.at;
        if (s.stopping === undefined || s.stopping.kind !== 'cancel') {
          if (s.stopping !== undefined) s.stopping = undefined;
          stop(x, { kind: 'cancel', reason: event.reason });
        } else {
          // A second cancel does not wait for the grace period.
          for (const i of s.running) forceKill(x, i);
        }
        break;
      default:
        unreachable(event);
    }
    fill(x);
    finishIfDone(x);
  }
  return [{ inner: s }, x.commands];
};
