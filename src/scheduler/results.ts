// Builds step results and the mission report from the scheduler's bookkeeping.
import { formatMissionError } from '../mission/errors.js';
import type { PlannedStep } from '../plan/plan.js';
import type { CapturedText, StepOutcome } from '../ports/step-type.js';
import type { AttemptResult, MissionReport, StepCounts, StepResult } from './report.js';
import type { SchedulerInternals, StepState } from './state.js';
import { dependencyIds } from '../plan/graph.js';
import { invocationOf } from './invocation.js';
import { iso } from './iso-time.js';
import { usageOf } from './resource-watch.js';
import { isFailure, isSuccess, type MissionStatus, type StepStatus } from './step-status.js';
import { reportOrder } from './fan-out.js';

/** Output of a stream that printed nothing. */
export const EMPTY_OUTPUT: CapturedText = Object.freeze({ text: '', total_bytes: 0, dropped_bytes: 0 });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_WARNINGS: ReadonlyArray<string> = Object.freeze([]);
const NO_ATTEMPTS: ReadonlyArray<AttemptResult> = Object.freeze([]);

const secondsText = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/** The message of an attempt the engine stopped, or the step's own. */
const messageOf = (
  raw: StepStatus,
  st: StepState,
  outcome: StepOutcome | undefined,
  planned: PlannedStep,
): string | undefined => {
  switch (st.killReason) {
    case 'timeout':
      return `${raw === 'partial' ? 'timed out (partial results kept)' : 'timed out'} after ${secondsText(st.attemptTimeout.ms)} (${st.attemptTimeout.explanation})`;
    case 'stall':
      return `stalled: no output for ${secondsText(planned.stall_timeout_ms ?? 0)} (stall_timeout_seconds)`;
    case 'mission_timeout':
      return 'stopped: the mission deadline passed (config.mission_timeout_seconds)';
    case 'cancel':
      return 'cancelled while running';
    case 'fail_fast':
      return 'cancelled while running: another step failed (fail_fast)';
    case 'limit':
      return st.limitMessage ?? 'stopped: a resource limit was exceeded';
    case undefined:
      return outcome?.message;
  }
};

/** The raw outcome of a finished attempt: the engine's reason for stopping it wins over the step's own verdict. */
export const rawOutcome = (st: StepState, outcome: StepOutcome, planned: PlannedStep): StepStatus => {
  switch (st.killReason) {
    case 'timeout':
      return planned.step.allow_partial_results ? 'partial' : 'timed_out';
    case 'stall':
    case 'mission_timeout':
      return 'timed_out';
    case 'cancel':
    case 'fail_fast':
      return 'cancelled';
    case 'limit':
      return 'resource_exceeded';
    case undefined:
      return outcome.status;
  }
};

/** Records one finished attempt in the step's history. */
export const recordAttempt = (
  st: StepState,
  raw: StepStatus,
  outcome: StepOutcome,
  at: number,
  planned: PlannedStep,
  worker?: string,
): void => {
  const message = messageOf(raw, st, outcome, planned);
  // Built by assignment, not conditional spreads: this runs once per step and spreads allocate.
  const attempt: Mutable<AttemptResult> = {
    attempt: st.attempt,
    outcome: raw,
    started_at: iso(st.attemptStartedAt),
    ended_at: iso(at),
    duration_ms: at - st.attemptStartedAt,
    delay_before_ms: st.delayBeforeMs,
    timeout_ms: st.attemptTimeout.ms,
    exit_code: outcome.exit_code ?? null,
    signal: outcome.signal ?? null,
  };
  if (message !== undefined) attempt.message = message;
  if (st.killReason !== undefined) attempt.kill_reason = st.killReason;
  if (st.killRequestedAt !== undefined) attempt.killed_at = iso(st.killRequestedAt);
  if (worker !== undefined) attempt.worker = worker;
  // Most steps have one attempt: an exact one-element list, not a growable one.
  st.attempts = st.attempts.length === 0 ? [attempt] : [...st.attempts, attempt];
};

/** The result of a step that ran at least once. */
export const ranResult = (planned: PlannedStep, st: StepState, raw: StepStatus, at: number): StepResult => {
  const outcome = st.lastOutcome;
  const step = planned.step;
  const forgiven = step.continue_on_error && isFailure(raw);
  const own = outcome?.warnings ?? NO_WARNINGS;
  const warnings =
    st.warnings.length === 0 && own.length === 0 && !forgiven
      ? NO_WARNINGS
      : [
          ...st.warnings,
          ...own,
          ...(forgiven ? [`step ${raw.replace('_', ' ')} but continue_on_error is set`] : []),
        ];
  // A success with warnings (a failed dependency it ran without, a stall) is told apart from a clean one.
  const conclusion: StepStatus =
    forgiven || (raw === 'succeeded' && warnings.length > 0) ? 'succeeded_with_warnings' : raw;
  const message = messageOf(raw, st, outcome, planned);
  const result: Mutable<StepResult> = {
    id: planned.id,
    name: step.name,
    step_type: step.step_type,
    depends_on: dependencyIds(step),
    status: conclusion,
    outcome: raw,
    conclusion,
    exit_code: outcome?.exit_code ?? null,
    signal: outcome?.signal ?? null,
    stdout: outcome?.stdout ?? EMPTY_OUTPUT,
    stderr: outcome?.stderr ?? EMPTY_OUTPUT,
    // The first attempt's start is the step's: its text is already made.
    started_at:
      st.attempts[0]?.started_at ?? (st.firstStartedAt === undefined ? null : iso(st.firstStartedAt)),
    ended_at: iso(at),
    duration_ms: st.firstStartedAt === undefined ? 0 : at - st.firstStartedAt,
    attempts: st.attempts,
    timeout: st.attemptTimeout,
    warnings,
  };
  const invocation = invocationOf(planned);
  if (invocation !== undefined) result.invocation = invocation;
  if (outcome?.output !== undefined) result.output = outcome.output;
  if (message !== undefined) result.message = message;
  if (outcome?.hint !== undefined) result.hint = outcome.hint;
  if (outcome?.failure_kind !== undefined && raw !== 'succeeded') result.failure_kind = outcome.failure_kind;
  if (st.killReason !== undefined) result.kill_reason = st.killReason;
  if (st.resources !== undefined && st.resources.samples > 0) result.resources = usageOf(st.resources);
  if (st.containment !== undefined) result.containment = st.containment;
  if (planned.instance !== undefined) result.fan_out = planned.instance.report;
  return result;
};

/** The result of a step that never started (skipped or cancelled). */
export const notRunResult = (
  planned: PlannedStep,
  st: StepState | undefined,
  status: 'skipped' | 'cancelled',
  reason: string,
): StepResult => {
  const invocation = invocationOf(planned);
  return {
    id: planned.id,
    name: planned.step.name,
    step_type: planned.step.step_type,
    depends_on: dependencyIds(planned.step),
    ...(invocation !== undefined ? { invocation } : {}),
    status,
    outcome: status,
    conclusion: status,
    exit_code: null,
    signal: null,
    stdout: EMPTY_OUTPUT,
    stderr: EMPTY_OUTPUT,
    started_at: null,
    ended_at: null,
    duration_ms: 0,
    attempts: st?.attempts ?? NO_ATTEMPTS,
    timeout: st?.attemptTimeout ?? planned.timeout,
    warnings: st?.warnings ?? NO_WARNINGS,
    skip_reason: reason,
    ...(planned.instance !== undefined ? { fan_out: planned.instance.report } : {}),
  };
};

const missionStatus = (s: SchedulerInternals, results: ReadonlyArray<StepResult>): MissionStatus => {
  if (s.stopping?.kind === 'cancel') return 'cancelled';
  if (s.stopping?.kind === 'mission_timeout') return 'timed_out';
  // Index loops rather than callbacks: this reads every result once per run, often the first.
  for (let i = 0; i < results.length; i++) if (isFailure(results[i]!.conclusion)) return 'failed';
  if (s.warnings.length > 0) return 'succeeded_with_warnings';
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!((r.conclusion === 'succeeded' && r.warnings.length === 0) || s.notNeeded.has(i)))
      return 'succeeded_with_warnings';
  }
  return 'succeeded';
};

/** The mission report, once every step has settled. */
export const buildReport = (s: SchedulerInternals, at: number): MissionReport => {
  const results = s.results as StepResult[];
  const counts: { -readonly [K in keyof StepCounts]: number } = {
    total: results.length,
    succeeded: 0,
    succeeded_with_warnings: 0,
    failed: 0,
    timed_out: 0,
    partial: 0,
    skipped: 0,
    cancelled: 0,
    resource_exceeded: 0,
  };
  let successes = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.conclusion !== 'pending' && r.conclusion !== 'running') counts[r.conclusion] += 1;
    if (isSuccess(r.conclusion)) successes += 1;
  }
  const mission = s.plan.mission;
  const startedAt = s.startedAt ?? at;
  return {
    format: 'missionkit.report/v1',
    mission: {
      name: mission.name,
      version: mission.version,
      ...(mission.description !== undefined ? { description: mission.description } : {}),
      ...(mission.source_file !== undefined ? { file: mission.source_file } : {}),
    },
    status: missionStatus(s, results),
    started_at: iso(startedAt),
    ended_at: iso(at),
    duration_ms: at - startedAt,
    // Each fanned-out step's instances follow it.
    steps: s.fan === undefined ? results : reportOrder(s),
    counts,
    success_rate: results.length === 0 ? 1 : successes / results.length,
    warnings:
      mission.warnings.length === 0
        ? s.warnings
        : [...mission.warnings.map(formatMissionError), ...s.warnings],
    load_warnings: mission.warnings,
    ...(s.stopping?.kind === 'cancel' ? { cancel_reason: s.stopping.reason } : {}),
    ...(s.resumed !== undefined
      ? { resumed: { at: iso(s.resumed.at), from_event: s.resumed.from_event } }
      : {}),
  };
};
