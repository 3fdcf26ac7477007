// The scheduler: `transition(state, event) → [state, commands]`. Pure — it performs nothing and
// reads no clock; the runtime carries its commands out and feeds back what happened.
import { resolveDependencies, type DependencyOutcome } from '../plan/dependencies.js';
import { retryDelayMs, shouldRetry } from '../plan/retry.js';
import { attemptTimeout, capByDeadline } from '../plan/timeouts.js';
import type { StepId } from '../mission/model.js';
import type { StepOutcome } from '../ports/step-type.js';
import type { ContainmentKind } from '../ports/executor.js';
import { unreachable } from '../unreachable.js';
import type { SchedulerCommand } from './commands.js';
import type { SchedulerEvent } from './events.js';
import type { KillReason, StepResult } from './report.js';
import { buildReport, notRunResult, rawOutcome, ranResult, recordAttempt } from './results.js';
import {
  addWarning,
  consume,
  FANNED_OUT,
  QUEUED,
  RETRY_WAIT,
  RUNNING,
  SETTLED,
  stateOf,
  WAITING,
  type SchedulerInternals,
  type SchedulerState,
  type StepState,
  type Stopping,
  MISSION_DEADLINE,
  purposeOf,
  takeTimerId,
  TIMER_ABANDON,
  TIMER_GRACE,
  TIMER_RETRY,
  TIMER_WATCH,
} from './state.js';
import { isFailure, isSuccess, type StepStatus } from './step-status.js';
import { newWatch, recordSample } from './resource-watch.js';
import { conditionFailedResult, decideCondition, overridesStrategy, survivesStop } from './conditions.js';
import { iso } from './iso-time.js';
import { afterSettled, expand, groupResult, instanceOutcomes, isGroup, type FanOutOps } from './fan-out.js';
import type { TreeUsage } from '../ports/sampler.js';
import type { PlannedStep } from '../plan/plan.js';

/** The first resource sample of an attempt, at the latest (short steps get measured too). */
const FIRST_SAMPLE_MS = 1000;

/** Collects the commands of one transition. */
// One Step is made per event. Its fields are declared (no class-field initialisers) and set in the
// constructor: each class field is a define of its own in a separate initialiser function, which
// the first run of a mission (10,000 steps, ~40,000 events) runs in the interpreter.
class Step {
  declare readonly s: SchedulerInternals;
  declare readonly at: number;
  declare readonly commands: SchedulerCommand[];
  /** Steps decided in this transition and waiting in a work list to be settled (a stop leaves them to it). */
  declare deferred: Set<number> | undefined;
  declare private fanOps: FanOutOps | undefined;
  constructor(s: SchedulerInternals, at: number) {
    this.s = s;
    this.at = at;
    this.commands = [];
    this.deferred = undefined;
    this.fanOps = undefined;
  }

  /** Arms a timer for `purpose` (see `TimerPurpose`); the caller keeps its id where `onTimer` looks. */
  arm(purpose: number, delayMs: number): number {
    const timer = takeTimerId(this.s, purpose);
    this.commands.push({ _tag: 'arm_timer', timer, delay_ms: Math.max(0, delayMs) });
    return timer;
  }

  /** What fan-out may do in this transition (made once, for missions with fan-out only). */
  get fan(): FanOutOps {
    return (this.fanOps ??= {
      queue: (i) => {
        this.s.phase[i] = QUEUED;
        this.s.queue.push(i);
      },
      settle: (i, status) => settle(this, i, status),
      record: (i, result) => markSettled(this, i, result),
      kill: (i, reason) => requestKill(this, i, reason),
      halt: (i, reason) => halt(this, i, reason),
    });
  }

  /** Cancels an armed timer; its holder clears its id. Timers that fired are never disarmed. */
  disarm(timer: number): void {
    if (timer !== 0) this.commands.push({ _tag: 'cancel_timer', timer });
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
  const st = stateOf(s, i);
  s.phase[i] = RUNNING;
  st.attempt += 1;
  st.attemptStartedAt = at;
  st.firstStartedAt ??= at;
  st.killReason = undefined;
  st.killRequestedAt = undefined;
  st.outputBytes = 0;
  st.lastLine = null;
  st.lastOutputAt = at;
  st.stallWarned = false;
  s.running += 1;
  const remaining = s.missionDeadlineAt === undefined ? undefined : s.missionDeadlineAt - at;
  st.attemptTimeout = capByDeadline(
    attemptTimeout(planned.timeout, st.attempt - st.interruptions, planned.retry?.timeout_multiplier ?? 1),
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
  if (s.events) emitStart(x, planned, st);
  x.commands.push({
    _tag: 'start_step',
    step: planned,
    attempt,
    timeout_ms: st.attemptTimeout.ms,
    defaults: st.defaults,
    substitutes: st.substitutes,
  });
};

/** The `step_start` event, for a host that listens. */
const emitStart = (x: Step, planned: PlannedStep, st: StepState): void => {
  x.commands.push({
    _tag: 'emit',
    event: {
      type: 'step_start',
      at: x.at,
      step_id: planned.id,
      attempt: st.attempt,
      timeout_ms: st.attemptTimeout.ms,
      timeout_explanation: st.attemptTimeout.explanation,
      ...(planned.instance !== undefined ? { group: planned.instance.group_id } : {}),
    },
  });
};

/** Starts queued steps while there is room. */
const fill = (x: Step): void => {
  const { s } = x;
  while (s.running < s.plan.max_parallel) {
    const i = s.queue.pop();
    if (i === undefined) return;
    // A fanned-out group's fail_fast may have settled an instance that was queued.
    if (s.phase[i] !== QUEUED) continue;
    // While the mission stops, only steps whose `if:` asks to run then (`always()`…) are queued.
    if (s.stopping !== undefined && !survivesStop(s.plan.steps[i]!.step.if, s.stopping)) {
      const status = s.stopping.kind === 'cancel' ? 'cancelled' : 'skipped';
      markSettled(
        x,
        i,
        notRunResult(s.plan.steps[i]!, s.states[i], status, `not started: ${s.stopping.reason}`),
      );
      continue;
    }
    startAttempt(x, i);
  }
};

/** (Re)arms a running attempt's one watch timer for the earliest of its deadline, progress tick and stall check. */
const armWatch = (x: Step, i: number): void => {
  const st = x.s.states[i]!;
  const due = Math.min(
    st.killReason === undefined ? st.deadlineAt : Infinity,
    st.nextProgressAt,
    st.stallCheckAt,
    st.nextSampleAt,
  );
  if (st.watchTimer !== 0) x.disarm(st.watchTimer);
  st.watchTimer = due === Infinity ? 0 : x.arm(i * 4 + TIMER_WATCH, due - x.at);
};

const clearAttemptTimers = (x: Step, st: StepState): void => {
  if (st.watchTimer !== 0) x.disarm(st.watchTimer);
  if (st.graceTimer !== 0) x.disarm(st.graceTimer);
  st.watchTimer = st.graceTimer = 0;
};

/** Settles step `first` and decides, for each dependent that has now heard from every dependency, whether it runs. */
const settle = (x: Step, first: number, firstStatus: StepStatus | 'skipped', skipReason?: string): void => {
  // A worklist, not recursion: a skip can cascade down a chain of 100,000 steps. It is made only
  // when a dependent is skipped; a step that settles without one allocates nothing here.
  const work: Work = [];
  settleOne(x, first, firstStatus, skipReason, work);
  if (work.length > 0) drain(x, work);
};

/** Settles the steps a decision skipped (or whose condition failed), and whatever that decides in turn. */
const drain = (x: Step, work: Work): void => {
  while (work.length > 0) {
    const next = work.pop()!;
    if (next.failure === undefined) settleOne(x, next.i, 'skipped', next.reason, work);
    else settleOne(x, next.i, 'failed', undefined, work, next.failure);
  }
};

const settleOne = (
  x: Step,
  i: number,
  status: StepStatus,
  reason: string | undefined,
  work: Work,
  conditionFailure?: string,
): void => {
  const { s, at } = x;
  // A fail_fast stop earlier in this loop may have settled a step already queued here.
  if (s.phase[i] === SETTLED) return;
  const planned = s.plan.steps[i]!;
  const st = s.states[i];
  const result =
    conditionFailure !== undefined
      ? conditionFailedResult(planned, st, conditionFailure, iso(at))
      : ((s.phase[i] === FANNED_OUT ? groupResult(s, i, at) : undefined) ??
        (status === 'skipped' || (status === 'cancelled' && (st?.attempt ?? 0) === 0)
          ? notRunResult(planned, st, status, reason ?? '')
          : ranResult(planned, st!, status, at)));
  markSettled(x, i, result);
  if (isFailure(result.conclusion) && s.plan.fail_fast && s.stopping === undefined) {
    stop(x, { kind: 'fail_fast', reason: `step ${planned.id} ${result.conclusion.replace('_', ' ')}` });
  }
  const succeeded = isSuccess(result.conclusion);
  const { dependentStart, dependentList } = s.plan.graph;
  // An instance of a fanned-out step is not in the graph: its group waits for it instead.
  const last = planned.instance === undefined ? dependentStart[i + 1]! : 0;
  for (let d = last === 0 ? 0 : dependentStart[i]!; d < last; d++) {
    const k = dependentList[d]!;
    if (s.phase[k] !== WAITING) continue;
    const left = --s.remaining[k]!;
    if (!succeeded) s.failedDependencies[k]! += 1;
    if (left !== 0) continue;
    // Only when an alternative is still unasked-for is the dependent's plan read: a run of 100,000
    // steps would otherwise fetch a cold plan entry per settled dependency.
    if (s.idleOnDemand > 0 && s.plan.steps[k]!.on_demand && s.states[k]?.demanded !== true) continue;
    decide(x, k, work);
  }
  const waiters = st?.waiters;
  if (waiters !== undefined && waiters.length > 0)
    for (const k of waiters) if (s.phase[k] === WAITING) decide(x, k, work);
};

/** Records a step's result and lets go of its bookkeeping. */
const markSettled = (x: Step, i: number, result: StepResult): void => {
  const { s } = x;
  s.phase[i] = SETTLED;
  s.settled += 1;
  s.results[i] = result;
  s.states[i] = undefined;
  x.commands.push({ _tag: 'emit', event: { type: 'step_end', at: x.at, result }, step: i });
  if (s.fan !== undefined) afterSettled(s, i, result, x.at, x.fan);
};

/** Queues a step whose dependencies let it run; a fanned-out step expands into its instances instead. */
const ready = (x: Step, k: number): void => {
  const { s } = x;
  if (s.fan !== undefined && isGroup(s.plan.steps[k]!)) {
    expand(s, k, x.at, x.fan);
    return;
  }
  s.phase[k] = QUEUED;
  s.queue.push(k);
};

/** Settles one step that has not started (or waits to retry) as not run, as `stop` does for the mission. */
const halt = (x: Step, i: number, reason: string): void => {
  const { s } = x;
  const st = s.states[i];
  if (s.phase[i] === RETRY_WAIT) {
    x.disarm(st!.retryTimer);
    st!.retryTimer = 0;
    addWarning(st!, `not retried: ${reason.replace('not started: ', '')}`);
    markSettled(x, i, ranResult(s.plan.steps[i]!, st!, st!.attempts[st!.attempts.length - 1]!.outcome, x.at));
    return;
  }
  markSettled(x, i, notRunResult(s.plan.steps[i]!, st, 'cancelled', reason));
};

/** Steps to settle as skipped, and why (or as failed, when their condition could not be evaluated). */
type Work = Array<{ readonly i: number; readonly reason: string; readonly failure?: string }>;

/** Puts a decided step on the work list, where it will be settled. */
const defer = (x: Step, work: Work, item: Work[number]): void => {
  (x.deferred ??= new Set()).add(item.i);
  work.push(item);
};

/** Queues step `k` — or first evaluates its `if:`, when it has one. `strategySkip`: why its strategy would skip it. */
const gate = (x: Step, k: number, work: Work, strategySkip?: string): void => {
  const { s } = x;
  if (s.conditioned[k] === 1) {
    const condition = s.plan.steps[k]!.step.if!;
    if (strategySkip !== undefined && !overridesStrategy(condition)) {
      skipAfter(x, k, work, strategySkip);
      return;
    }
    const verdict = decideCondition(s, k, condition, strategySkip === undefined);
    if (verdict._tag === 'skip') {
      // A condition that does not hold is the mission working as written: no warning for the mission.
      s.notNeeded.add(k);
      defer(x, work, { i: k, reason: verdict.reason });
      return;
    }
    if (verdict._tag === 'fail') {
      defer(x, work, { i: k, reason: '', failure: verdict.message });
      return;
    }
  } else if (strategySkip !== undefined) {
    skipAfter(x, k, work, strategySkip);
    return;
  }
  ready(x, k);
};

/**
 * Skips step `k` as its dependency strategy says. When every dependency that did not succeed was
 * itself skipped as not needed (its condition was false), neither is this one: deploy's checks
 * skipped with deploy on a feature branch leave the mission a clean success.
 */
const skipAfter = (x: Step, k: number, work: Work, reason: string): void => {
  const { s } = x;
  if (s.notNeeded.size > 0) {
    const { dependencyStart, dependencyList } = s.plan.graph;
    let onlyUnneeded = true;
    for (let d = dependencyStart[k]!; d < dependencyStart[k + 1]! && onlyUnneeded; d++) {
      const j = dependencyList[d]!;
      if (!isSuccess(s.results[j]!.conclusion) && !s.notNeeded.has(j)) onlyUnneeded = false;
    }
    if (onlyUnneeded) s.notNeeded.add(k);
  }
  defer(x, work, { i: k, reason });
};

/** Whether a step whose dependencies have all settled runs, is skipped, or first needs an alternative. */
const decide = (x: Step, k: number, work: Work): void => {
  const { s } = x;
  if (s.failedDependencies[k] === 0) {
    gate(x, k, work);
    return;
  }
  const dep = stateOf(s, k);
  const target = s.plan.steps[k]!;
  const standIn = new Map<string, StepId>(dep.substitutes.map((sub) => [sub.step_id, sub.by]));
  const conclusionOf = (id: StepId): StepStatus => s.results[s.plan.graph.indexOf(id)!]!.conclusion;
  const { dependencyStart, dependencyList } = s.plan.graph;
  const outcomes: DependencyOutcome[] = [];
  for (let d = dependencyStart[k]!; d < dependencyStart[k + 1]!; d++) {
    // Strategies that count see each instance of a fanned-out dependency.
    if (
      s.fan !== undefined &&
      target.strategy._tag !== 'conditional' &&
      instanceOutcomes(s, dependencyList[d]!, outcomes)
    )
      continue;
    const id = s.plan.steps[dependencyList[d]!]!.id;
    outcomes.push({ step_id: id, conclusion: conclusionOf(standIn.get(id) ?? id) });
  }
  const decision = resolveDependencies(target.strategy, target.step.continue_on_failure, outcomes);
  switch (decision._tag) {
    case 'run':
      addWarning(dep, ...decision.warnings);
      dep.defaults = decision.defaults;
      gate(x, k, work);
      return;
    case 'skip':
      gate(x, k, work, decision.reason);
      return;
    case 'alternative': {
      const a = s.plan.graph.indexOf(decision.alternative)!;
      if (s.phase[a] === SETTLED) {
        const altResult = s.results[a]!;
        const ok = isSuccess(altResult.conclusion);
        if (ok) {
          dep.substitutes = [...dep.substitutes, { step_id: decision.failed, by: decision.alternative }];
          addWarning(
            dep,
            `dependency ${decision.failed} failed; using its alternative ${decision.alternative} (conditional: retry_with_alternative)`,
          );
          decide(x, k, work);
          return;
        }
        const how = altResult.conclusion === 'skipped' ? 'was skipped' : 'failed';
        defer(x, work, {
          i: k,
          reason: `dependency ${decision.failed} failed and its alternative ${decision.alternative} ${how} too (conditional: retry_with_alternative)`,
        });
        return;
      }
      const alt = stateOf(s, a);
      alt.waiters = [...alt.waiters, k];
      if (!alt.demanded && s.plan.steps[a]!.on_demand) {
        alt.demanded = true;
        s.idleOnDemand -= 1;
        if (s.phase[a] === WAITING && s.remaining[a] === 0) decide(x, a, work);
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
  const st = s.states[i]!;
  const watch = (st.resources ??= newWatch(st.attemptStartedAt));
  const cpuBefore = watch.lastCpuMs;
  const lastAt = watch.lastAt;
  const verdict = recordSample(watch, usage, at, planned.resources);
  if (usage.processes > 0 && x.s.events) {
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
    if (x.s.events)
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
  const { s } = x;
  s.stopping = stopping;
  const n = s.plan.steps.length;
  if (s.running > 0)
    for (let i = 0; i < n; i++) if (s.phase[i] === RUNNING) requestKill(x, i, killFor(stopping));
  s.queue.clear();
  // Steps whose `if:` asks to run while the mission stops (`always()`, `failure()`, `cancelled()`) stay.
  const survivors: number[] = [];
  const settledNow: number[] = [];
  const notStarted =
    stopping.kind === 'cancel'
      ? `mission cancelled before this step started: ${stopping.reason}`
      : stopping.kind === 'fail_fast'
        ? `not started: the mission stopped after ${stopping.reason} (fail_fast)`
        : `not started: the mission deadline passed (config.mission_timeout_seconds)`;
  for (let i = 0; i < n; i++) {
    const phase = s.phase[i];
    if (phase === WAITING || phase === QUEUED) {
      // Already decided in this transition: its work list settles it, with its own reason.
      if (x.deferred?.has(i) === true) continue;
      if (s.conditioned[i] === 1 && survivesStop(s.plan.steps[i]!.step.if, stopping)) {
        survivors.push(i);
        continue;
      }
      const st = s.states[i];
      if (s.plan.steps[i]!.on_demand && st?.demanded !== true) s.idleOnDemand -= 1;
      const status = stopping.kind === 'cancel' ? 'cancelled' : 'skipped';
      markSettled(x, i, notRunResult(s.plan.steps[i]!, st, status, notStarted));
      settledNow.push(i);
    } else if (phase === RETRY_WAIT) {
      const st = s.states[i]!;
      x.disarm(st.retryTimer);
      st.retryTimer = 0;
      addWarning(st, `not retried: ${notStarted.replace('not started: ', '')}`);
      markSettled(x, i, ranResult(s.plan.steps[i]!, st, st.attempts[st.attempts.length - 1]!.outcome, x.at));
      settledNow.push(i);
    }
  }
  if (survivors.length > 0) keepSurvivors(x, survivors, settledNow);
};

/**
 * After a stop: each step it settled counts as a dependency that did not succeed for the survivors
 * waiting on it (a step settled before the stop — or the one that caused it — is counted as usual);
 * a survivor that has heard from every dependency is decided; one already queued is queued again.
 */
const keepSurvivors = (
  x: Step,
  survivors: ReadonlyArray<number>,
  settledNow: ReadonlyArray<number>,
): void => {
  const { s } = x;
  const { dependentStart, dependentList } = s.plan.graph;
  const work: Work = [];
  const decided: number[] = [];
  for (const k of survivors) {
    if (s.phase[k] === QUEUED) s.queue.push(k);
    // A mission cancelled before it started: its first steps were never decided.
    else if (s.remaining[k] === 0 && !(s.plan.steps[k]!.on_demand && s.states[k]?.demanded !== true))
      decided.push(k);
  }
  for (const j of settledNow) {
    for (let d = dependentStart[j]!; d < dependentStart[j + 1]!; d++) {
      const k = dependentList[d]!;
      if (s.phase[k] !== WAITING || x.deferred?.has(k) === true) continue;
      if (!isSuccess(s.results[j]!.conclusion)) s.failedDependencies[k]! += 1;
      if (--s.remaining[k]! === 0) decided.push(k);
    }
  }
  for (const k of decided.sort((a, b) => a - b)) decide(x, k, work);
  drain(x, work);
};

/** Asks a running step to stop gracefully, and arms the grace period after which it is forced. */
const requestKill = (x: Step, i: number, reason: KillReason): void => {
  const st = x.s.states[i]!;
  if (st.killReason !== undefined) return;
  st.killReason = reason;
  st.killRequestedAt = x.at;
  const id = x.s.plan.steps[i]!.id;
  if (x.s.events)
    x.commands.push({
      _tag: 'emit',
      event: { type: 'step_kill', at: x.at, step_id: id, reason, mode: 'graceful' },
    });
  x.commands.push({ _tag: 'kill_step', step: i, attempt: st.attempt, reason, mode: 'graceful' });
  armWatch(x, i);
  st.graceTimer = x.arm(i * 4 + TIMER_GRACE, x.s.plan.kill_grace_ms);
};

const forceKill = (x: Step, i: number): void => {
  const st = x.s.states[i]!;
  const reason = st.killReason ?? 'cancel';
  const id = x.s.plan.steps[i]!.id;
  if (x.s.events)
    x.commands.push({
      _tag: 'emit',
      event: { type: 'step_kill', at: x.at, step_id: id, reason, mode: 'force' },
    });
  x.commands.push({ _tag: 'kill_step', step: i, attempt: st.attempt, reason, mode: 'force' });
  // A step that does not end even when forced (a custom step ignoring its AbortSignal) is
  // abandoned after one more grace period, so the mission still ends and reports it.
  x.disarm(st.graceTimer);
  st.graceTimer = x.arm(i * 4 + TIMER_ABANDON, Math.max(1000, x.s.plan.kill_grace_ms));
};

const finishAttempt = (
  x: Step,
  i: number,
  outcome: StepOutcome,
  containment: ContainmentKind | undefined,
  worker?: string,
): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.states[i]!;
  clearAttemptTimers(x, st);
  s.running -= 1;
  st.lastOutcome = outcome;
  st.containment = containment;
  const raw = rawOutcome(st, outcome, planned);
  recordAttempt(st, raw, outcome, at, planned, worker);
  const stoppedByEngine =
    st.killReason === 'cancel' || st.killReason === 'fail_fast' || st.killReason === 'mission_timeout';
  if (
    planned.retry !== undefined &&
    !stoppedByEngine &&
    s.stopping === undefined &&
    shouldRetry(planned.retry, st.attempt - st.interruptions, raw, outcome) &&
    retryLater(x, i, planned, st, raw)
  )
    return;
  settle(x, i, raw);
};

/** Waits to retry a failed attempt; false when the mission deadline would pass first. */
const retryLater = (x: Step, i: number, planned: PlannedStep, st: StepState, raw: StepStatus): boolean => {
  const { s, at } = x;
  const delay = retryDelayMs(planned.retry!, st.attempt - st.interruptions, nextRandom(s));
  if (s.missionDeadlineAt !== undefined && at + delay >= s.missionDeadlineAt) {
    addWarning(st, 'not retried: the mission deadline would pass during the retry delay');
    return false;
  }
  s.phase[i] = RETRY_WAIT;
  st.delayBeforeMs = delay;
  st.retryTimer = x.arm(i * 4 + TIMER_RETRY, delay);
  const why = st.attempts[st.attempts.length - 1]!.message ?? raw;
  if (x.s.events)
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
  return true;
};

/**
 * The host running this attempt died. The attempt is recorded as interrupted; the step runs again
 * (its own timeout starting over, no retry used) or, with `on_interrupt: fail`, fails.
 */
const interrupt = (
  x: Step,
  i: number,
  lost?: { readonly reason: string; readonly worker?: string },
): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.states[i]!;
  clearAttemptTimers(x, st);
  s.running -= 1;
  // An attempt a fanned-out group's fail_fast was stopping is not run again either.
  const rerun =
    planned.step.on_interrupt !== 'fail' && s.stopping === undefined && st.killReason !== 'fail_fast';
  const why = lost?.reason ?? 'the host running this attempt stopped';
  const outcome: StepOutcome = {
    status: 'failed',
    failure_kind: 'error',
    message: rerun
      ? `interrupted: ${why}; run again${lost === undefined ? ' on resume' : ''} (on_interrupt: rerun)`
      : `interrupted: ${why}; not run again (on_interrupt: fail)`,
  };
  st.lastOutcome = outcome;
  recordAttempt(st, 'failed', outcome, at, planned, lost?.worker);
  const last = st.attempts[st.attempts.length - 1]!;
  st.attempts = [...st.attempts.slice(0, -1), { ...last, interrupted: true }];
  if (rerun) {
    st.interruptions += 1;
    st.delayBeforeMs = 0;
    s.phase[i] = QUEUED;
    s.queue.push(i);
    return;
  }
  settle(x, i, st.killReason === undefined ? 'failed' : rawOutcome(st, outcome, planned));
};

const onTimer = (x: Step, timer: number, purpose: number): void => {
  const { s } = x;
  if (timer === 0) return;
  if (purpose === MISSION_DEADLINE) {
    if (timer !== s.missionDeadlineTimer) return;
    s.missionDeadlineTimer = 0;
    if (s.stopping === undefined) stop(x, { kind: 'mission_timeout', reason: 'the mission deadline passed' });
    return;
  }
  const i = purpose >> 2;
  const kind = purpose & 3;
  const st = s.states[i];
  if (st === undefined) return;
  if (kind === TIMER_RETRY) {
    if (timer !== st.retryTimer) return;
    st.retryTimer = 0;
    if (s.phase[i] !== RETRY_WAIT) return;
    s.phase[i] = QUEUED;
    s.queue.push(i);
    return;
  }
  // A step's timers are disarmed when its attempt ends, so one that fires belongs to the current attempt.
  if (s.phase[i] !== RUNNING) return;
  if (kind === TIMER_WATCH) {
    if (timer !== st.watchTimer) return;
    st.watchTimer = 0;
    watch(x, i);
    return;
  }
  if (timer !== st.graceTimer) return;
  st.graceTimer = 0;
  if (kind === TIMER_GRACE) {
    forceKill(x, i);
    return;
  }
  addWarning(
    st,
    `the step did not stop after it was forced to; abandoned after ${s.plan.steps[i]!.step.step_type === 'command' ? 'SIGKILL' : 'its AbortSignal fired'}`,
  );
  finishAttempt(
    x,
    i,
    { status: 'failed', failure_kind: 'error', message: 'did not stop when asked' },
    undefined,
  );
};

/** A running attempt's watch timer fired: enforce its deadline, tick its progress, check for a stall. */
const watch = (x: Step, i: number): void => {
  const { s, at } = x;
  const planned = s.plan.steps[i]!;
  const st = s.states[i]!;
  if (st.killReason === undefined && at >= st.deadlineAt) requestKill(x, i, 'timeout');
  if (at >= st.nextProgressAt) {
    if (x.s.events)
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
      if (x.s.events)
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
  const n = s.plan.steps.length;
  if (s.idleOnDemand > 0 && s.settled + s.idleOnDemand === n) {
    // Nothing is left that could need them: unused alternatives are skipped as not needed.
    for (const i of s.plan.on_demand_steps) {
      const st = s.states[i];
      if (s.phase[i] === SETTLED || st?.demanded === true) continue;
      s.notNeeded.add(i);
      markSettled(
        x,
        i,
        notRunResult(s.plan.steps[i]!, st, 'skipped', 'not needed: no dependency it stands in for failed'),
      );
    }
    s.idleOnDemand = 0;
  }
  if (s.settled !== n) return;
  s.finished = true;
  x.disarm(s.missionDeadlineTimer);
  s.missionDeadlineTimer = 0;
  const report = buildReport(s, at);
  if (x.s.events) x.commands.push({ _tag: 'emit', event: { type: 'mission_end', at, report } });
  x.commands.push({ _tag: 'finish', report });
};

const current = (s: SchedulerInternals, step: number, attempt: number): boolean => {
  return s.phase[step] === RUNNING && s.states[step]!.attempt === attempt;
};

/** The mission starts: the steps with nothing to wait for are decided. */
const onStart = (x: Step, at: number): void => {
  const { s } = x;
  if (s.startedAt !== undefined) return;
  s.startedAt = at;
  if (x.s.events)
    x.commands.push({
      _tag: 'emit',
      event: {
        type: 'mission_start',
        at,
        name: s.plan.mission.name,
        steps: s.plan.steps.length,
      },
    });
  // What the parser found but let load (an unknown key, a lone `|`…), for hosts that only see events.
  if (x.s.events && s.plan.mission.warnings.length > 0)
    x.commands.push({
      _tag: 'emit',
      event: { type: 'mission_warnings', at, warnings: s.plan.mission.warnings },
    });
  if (s.plan.mission_timeout_ms !== undefined) {
    s.missionDeadlineAt = at + s.plan.mission_timeout_ms;
    s.missionDeadlineTimer = x.arm(MISSION_DEADLINE, s.plan.mission_timeout_ms);
  }
  const work: Work = [];
  // The declared steps only: instances a fanned-out step adds here are released by their group.
  const declared = s.plan.steps.length;
  for (let i = 0; i < declared; i++) {
    if (
      s.remaining[i] === 0 &&
      s.phase[i] === WAITING &&
      (s.idleOnDemand === 0 || !s.plan.steps[i]!.on_demand)
    ) {
      if (s.conditioned[i] === 1) gate(x, i, work);
      else ready(x, i);
    }
  }
  drain(x, work);
};

const onOutput = (x: Step, event: Extract<SchedulerEvent, { _tag: 'step_output' }>): void => {
  const { s } = x;
  if (!current(s, event.step, event.attempt)) return;
  const st = s.states[event.step]!;
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
};

const onProgress = (x: Step, event: Extract<SchedulerEvent, { _tag: 'step_progress' }>): void => {
  const { s } = x;
  if (!current(s, event.step, event.attempt)) return;
  const st = s.states[event.step]!;
  if (x.s.events)
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
};

const onWarning = (x: Step, event: Extract<SchedulerEvent, { _tag: 'step_warning' }>): void => {
  const { s } = x;
  if (!current(s, event.step, event.attempt)) return;
  addWarning(s.states[event.step]!, event.message);
  if (x.s.events)
    x.commands.push({
      _tag: 'emit',
      event: {
        type: 'step_warning',
        at: event.at,
        step_id: s.plan.steps[event.step]!.id,
        message: event.message,
      },
    });
};

const onResume = (x: Step, event: Extract<SchedulerEvent, { _tag: 'resume' }>): void => {
  const { s } = x;
  s.resumed = { at: event.at, from_event: event.from_event };
  if (s.running > 0)
    for (let i = 0; i < s.plan.steps.length; i++) if (s.phase[i] === RUNNING) interrupt(x, i);
};

const onCancel = (x: Step, event: Extract<SchedulerEvent, { _tag: 'cancel' }>): void => {
  const { s } = x;
  if (s.startedAt === undefined) s.startedAt = event.at;
  if (s.stopping === undefined || s.stopping.kind !== 'cancel') {
    if (s.stopping !== undefined) s.stopping = undefined;
    stop(x, { kind: 'cancel', reason: event.reason });
  } else {
    // A second cancel does not wait for the grace period.
    for (let i = 0; i < s.plan.steps.length; i++) if (s.phase[i] === RUNNING) forceKill(x, i);
  }
};

/** One event, each kind in a function of its own. */
const handleEvent = (x: Step, event: SchedulerEvent): void => {
  const { s } = x;
  switch (event._tag) {
    case 'start':
      onStart(x, event.at);
      return;
    case 'step_finished':
      if (current(s, event.step, event.attempt))
        finishAttempt(x, event.step, event.outcome, event.containment, event.worker);
      return;
    case 'step_interrupted':
      if (current(s, event.step, event.attempt))
        interrupt(x, event.step, {
          reason: event.reason,
          ...(event.worker !== undefined ? { worker: event.worker } : {}),
        });
      return;
    case 'step_output':
      onOutput(x, event);
      return;
    case 'step_progress':
      onProgress(x, event);
      return;
    case 'step_sample':
      if (current(s, event.step, event.attempt)) onSample(x, event.step, event.usage);
      return;
    case 'step_warning':
      onWarning(x, event);
      return;
    case 'timer_fired':
      onTimer(x, event.timer, purposeOf(event.timer));
      return;
    case 'resume':
      onResume(x, event);
      return;
    case 'cancel':
      onCancel(x, event);
      return;
    default:
      unreachable(event);
  }
};

/** Advances the scheduler by one event. Consumes `state`; use the returned one from then on. */
// Kept small, with each event's handling in a function of its own: V8 optimises a function after
// running an amount of bytecode that grows with the function's size, so a mission's first run
// leaves the interpreter sooner when the function every event passes through is short.
export const transition = (
  state: SchedulerState,
  event: SchedulerEvent,
): [SchedulerState, ReadonlyArray<SchedulerCommand>] => {
  const s = consume(state);
  const x = new Step(s, event.at);
  if (!s.finished) {
    handleEvent(x, event);
    fill(x);
    finishIfDone(x);
  }
  return [{ inner: s }, x.commands];
};
