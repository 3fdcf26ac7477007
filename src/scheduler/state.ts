// The scheduler's state. It is a value owned by whoever holds it: `transition` consumes the state
// it is given and returns its successor, so a run of n steps costs O(n + edges) rather than a copy
// of every step per event. Reusing a consumed state is a programming error and throws.
import type { DefaultValue } from '../plan/dependencies.js';
import type { StepId } from '../mission/model.js';

/** A failed dependency and the alternative step whose results stand in for it. */
export interface Substitute {
  readonly step_id: StepId;
  readonly by: StepId;
}
import type { MissionPlan, PlannedStep } from '../plan/plan.js';
import type { EffectiveTimeout } from '../plan/timeouts.js';
import type { StepOutcome } from '../ports/step-type.js';
import type { ContainmentKind } from '../ports/executor.js';
import { IndexHeap } from './index-heap.js';
import { noConditionInputs, type ConditionInputs } from './condition-inputs.js';
import type { ResourceWatch } from './resource-watch.js';
import type { AttemptResult, KillReason, StepResult } from './report.js';
import { newFanOutState, type FanOutState } from './fan-out.js';

const NONE: ReadonlyArray<never> = Object.freeze([]);

/** Adds warnings to a step, giving it its own list on the first one. */
export const addWarning = (st: StepState, ...messages: ReadonlyArray<string>): void => {
  if (messages.length > 0) st.warnings = [...st.warnings, ...messages];
};

/** Where a step is in its life. */
export type StepPhase = 'waiting' | 'queued' | 'running' | 'retry_wait' | 'settled' | 'fanned_out';

// The phases as the small numbers the scheduler keeps them in (one byte per step).
export const WAITING = 0;
export const QUEUED = 1;
export const RUNNING = 2;
export const RETRY_WAIT = 3;
export const SETTLED = 4;
/** A fanned-out step whose instances run in its place (scheduler/fan-out.ts). */
export const FANNED_OUT = 5;
const PHASE_NAMES: ReadonlyArray<StepPhase> = [
  'waiting',
  'queued',
  'running',
  'retry_wait',
  'settled',
  'fanned_out',
];

/**
 * What an armed timer is for, packed in one small integer: `step * 4 + kind` for a step's timers,
 * `MISSION_DEADLINE` for the mission's. A timer's id carries its purpose (`takeTimerId`), so arming and
 * cancelling one allocates nothing and needs no table: a timer that fires is current exactly when
 * its id is the one the step (or the mission) holds for that purpose.
 */
export type TimerPurpose = number;
export const TIMER_WATCH = 0;
export const TIMER_GRACE = 1;
export const TIMER_ABANDON = 2;
export const TIMER_RETRY = 3;
export const MISSION_DEADLINE = -1;
/** Room for the purposes of missions up to 2^24 steps; the rest of a timer id counts arms. */
const PURPOSES = 2 ** 26;
/** The largest mission the scheduler can run (timer ids must stay exact doubles). */
export const MAX_STEPS = PURPOSES / 4 - 1;

/**
 * The id of the next timer armed for `purpose`, counted as armed: the `seq`th timer armed (from 1)
 * is `seq * PURPOSES + purpose + 1`, never 0, which means "no timer". Sequence numbers wrap long
 * before ids lose precision; a stale id could only collide after 2^26 arms.
 */
export const takeTimerId = (s: SchedulerInternals, purpose: TimerPurpose): number => {
  const seq = s.nextTimer;
  s.nextTimer = seq + 1 < PURPOSES ? seq + 1 : 1;
  return seq * PURPOSES + purpose + 1;
};
/** The purpose a timer id was armed for. */
export const purposeOf = (timer: number): TimerPurpose => (timer % PURPOSES) - 1;

/**
 * Mutable bookkeeping of one step from the moment it has anything to remember (it is queued, or a
 * strategy decided something about it) until it settles; never leaves the scheduler. A step that
 * is waiting, or settled, has none: a mission of 100,000 steps keeps only its running ones.
 */
export interface StepState {
  /** The current (or last) attempt; 0 before the first. */
  attempt: number;
  firstStartedAt: number | undefined;
  attemptStartedAt: number;
  attemptTimeout: EffectiveTimeout;
  delayBeforeMs: number;
  /** Shared and empty until the first attempt ends. */
  attempts: ReadonlyArray<AttemptResult>;
  lastOutcome: StepOutcome | undefined;
  killReason: KillReason | undefined;
  /** When the engine asked the current attempt to stop (the kill grace starts). */
  killRequestedAt: number | undefined;
  /** One timer per running attempt for whichever comes first: its deadline, a progress tick, a stall check. */
  watchTimer: number;
  deadlineAt: number;
  /** When the next resource sample is due (Infinity while one is being taken). */
  nextSampleAt: number;
  resources: ResourceWatch | undefined;
  /** How the last finished attempt's processes were contained, if it started any. */
  containment: ContainmentKind | undefined;
  /** Why a resource limit stopped the step, in words. */
  limitMessage: string | undefined;
  nextProgressAt: number;
  stallCheckAt: number;
  graceTimer: number;
  retryTimer: number;
  outputBytes: number;
  lastLine: string | null;
  lastOutputAt: number;
  stallWarned: boolean;
  /** Shared and empty until the first warning (`addWarning`): most steps never have one. */
  warnings: ReadonlyArray<string>;
  defaults: ReadonlyArray<DefaultValue>;
  /** Failed dependencies whose alternative step succeeded and stands in for them. */
  substitutes: ReadonlyArray<Substitute>;
  /** For an on-demand alternative: some step needs it. */
  demanded: boolean;
  /** Steps waiting for this (alternative) step to settle before they decide. */
  waiters: ReadonlyArray<number>;
  /** Attempts interrupted by the death of a host and rerun: they count neither as retries nor toward timeouts' growth. */
  interruptions: number;
}

/** Why the mission stopped starting steps. */
export interface Stopping {
  readonly kind: 'cancel' | 'fail_fast' | 'mission_timeout';
  readonly reason: string;
}

/** The internals behind a SchedulerState. */
export interface SchedulerInternals {
  readonly plan: MissionPlan;
  /** Each step's phase (`WAITING` … `FANNED_OUT`); grown when a fanned-out step adds instances. */
  phase: Uint8Array;
  /** Each step's dependencies not settled yet. */
  remaining: Int32Array;
  /** Each step's settled dependencies that did not succeed; while 0, no strategy needs consulting. */
  failedDependencies: Int32Array;
  /** The bookkeeping of steps that have any (see `StepState`); `stateOf` makes it. */
  readonly states: Array<StepState | undefined>;
  /** Each settled step's result. */
  readonly results: Array<StepResult | undefined>;
  /** Steps ready to start, lowest declaration index first, so a run is deterministic. */
  readonly queue: IndexHeap;
  /** How many steps are running (their phase says which). */
  running: number;
  /** The sequence number of the next timer armed. */
  nextTimer: number;
  settled: number;
  startedAt: number | undefined;
  missionDeadlineAt: number | undefined;
  missionDeadlineTimer: number;
  stopping: Stopping | undefined;
  finished: boolean;
  /** On-demand alternatives nobody has asked for yet (and not settled). */
  idleOnDemand: number;
  /** Steps skipped because they were not needed (unused alternatives): they do not make a mission "with warnings". */
  readonly notNeeded: Set<number>;
  /** The state of the PRNG used for retry jitter (mulberry32), seeded by the host. */
  seed: number;
  readonly warnings: string[];
  /** Whether every event is emitted, or only `step_end` (the runtime records results from it). */
  readonly events: boolean;
  /** The last time the run was resumed from its journal. */
  resumed: { readonly at: number; readonly from_event: number } | undefined;
  /** What `if:` conditions read besides step results. */
  readonly conditions: ConditionInputs;
  /** 1 for each step with an `if:` (most have none, and are decided without reading their plan). */
  readonly conditioned: Uint8Array;
  /** Fan-out groups and instances; absent when no step has `matrix` or `for_each`. */
  readonly fan: FanOutState | undefined;
}

/** The scheduler's state: an opaque, linearly used value. */
export interface SchedulerState {
  /** @internal */
  inner: SchedulerInternals | undefined;
}

/**
 * The state before `start`: every step waiting for its dependencies. `seed` drives retry jitter.
 * With `events` false, the only `emit` commands are `step_end` (each step's result): a host with
 * nobody listening skips building the rest.
 */
export const initialState = (
  plan: MissionPlan,
  seed = 1,
  events = true,
  conditions: ConditionInputs = noConditionInputs(plan.mission.variables),
): SchedulerState => {
  if (plan.steps.length > MAX_STEPS)
    throw new RangeError(`a mission may have at most ${MAX_STEPS} steps; this one has ${plan.steps.length}`);
  const fan = newFanOutState(plan.steps);
  // With fan-out, the scheduler's plan lists instances too, appended as groups expand.
  if (fan !== undefined) plan = { ...plan, steps: fan.steps };
  const n = plan.steps.length;
  const remaining = new Int32Array(n);
  const starts = plan.graph.dependencyStart;
  const conditioned = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    remaining[i] = starts[i + 1]! - starts[i]!;
    if (plan.steps[i]!.step.if !== undefined) conditioned[i] = 1;
  }
  return {
    inner: {
      plan,
      phase: new Uint8Array(n),
      remaining,
      failedDependencies: new Int32Array(n),
      states: new Array<StepState | undefined>(n),
      results: new Array<StepResult | undefined>(n),
      queue: new IndexHeap(),
      running: 0,
      nextTimer: 1,
      settled: 0,
      startedAt: undefined,
      missionDeadlineAt: undefined,
      missionDeadlineTimer: 0,
      stopping: undefined,
      finished: false,
      idleOnDemand: plan.on_demand_steps.length,
      notNeeded: new Set(),
      seed: seed >>> 0,
      warnings: [],
      events,
      resumed: undefined,
      conditions,
      conditioned,
      fan,
    },
  };
};

/** A step's bookkeeping, made the first time the step needs any. */
export const stateOf = (s: SchedulerInternals, i: number): StepState =>
  (s.states[i] ??= newStepState(s.plan.steps[i]!));

const newStepState = (planned: PlannedStep): StepState => ({
  attempt: 0,
  firstStartedAt: undefined,
  attemptStartedAt: 0,
  attemptTimeout: planned.timeout,
  delayBeforeMs: 0,
  attempts: NONE,
  lastOutcome: undefined,
  killReason: undefined,
  killRequestedAt: undefined,
  watchTimer: 0,
  deadlineAt: Infinity,
  nextSampleAt: Infinity,
  resources: undefined,
  containment: undefined,
  limitMessage: undefined,
  nextProgressAt: Infinity,
  stallCheckAt: Infinity,
  graceTimer: 0,
  retryTimer: 0,
  outputBytes: 0,
  lastLine: null,
  lastOutputAt: 0,
  stallWarned: false,
  warnings: NONE,
  defaults: NONE,
  substitutes: NONE,
  demanded: false,
  waiters: NONE,
  interruptions: 0,
});

/** The attempts running in a state: after a replay, those its dead host left behind. Does not consume it. */
export const runningAttempts = (
  state: SchedulerState,
): ReadonlyArray<{ readonly step: number; readonly step_id: StepId; readonly attempt: number }> => {
  const inner = state.inner;
  if (inner === undefined) throw new TypeError('this scheduler state was already advanced');
  const out: Array<{ step: number; step_id: StepId; attempt: number }> = [];
  for (let i = 0; i < inner.plan.steps.length; i++)
    if (inner.phase[i] === RUNNING)
      out.push({ step: i, step_id: inner.plan.steps[i]!.id, attempt: inner.states[i]!.attempt });
  return out;
};

/** Takes the internals out of a state, marking it consumed. */
export const consume = (state: SchedulerState): SchedulerInternals => {
  const inner = state.inner;
  if (inner === undefined)
    throw new TypeError('this scheduler state was already advanced: use the state that transition returned');
  state.inner = undefined;
  return inner;
};

/** A read-only view of a state, for tests and debugging; does not consume it. */
export const inspect = (
  state: SchedulerState,
): {
  readonly phases: ReadonlyArray<StepPhase>;
  readonly running: ReadonlyArray<number>;
  readonly finished: boolean;
  readonly results: ReadonlyArray<StepResult | undefined>;
} => {
  const inner = state.inner;
  if (inner === undefined) throw new TypeError('this scheduler state was already advanced');
  return {
    phases: Array.from(inner.phase.subarray(0, inner.plan.steps.length), (p) => PHASE_NAMES[p]!),
    running: inner.plan.steps.flatMap((_, i) => (inner.phase[i] === RUNNING ? [i] : [])),
    finished: inner.finished,
    results: Array.from({ length: inner.plan.steps.length }, (_, i) => inner.results[i]),
  };
};
