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
import type { MissionPlan } from '../plan/plan.js';
import type { EffectiveTimeout } from '../plan/timeouts.js';
import type { StepOutcome } from '../ports/step-type.js';
import { MinHeap } from './min-heap.js';
import type { ResourceWatch } from './resource-watch.js';
import type { AttemptResult, KillReason, StepResult } from './report.js';

const NONE: ReadonlyArray<never> = Object.freeze([]);

/** Adds warnings to a step, giving it its own list on the first one. */
export const addWarning = (st: StepState, ...messages: ReadonlyArray<string>): void => {
  if (messages.length > 0) st.warnings = [...st.warnings, ...messages];
};

/** Where a step is in its life. */
export type StepPhase = 'waiting' | 'queued' | 'running' | 'retry_wait' | 'settled';

/** What an armed timer is for. */
export type TimerPurpose =
  | { readonly kind: 'watch' | 'grace' | 'abandon'; readonly step: number; readonly attempt: number }
  | { readonly kind: 'retry'; readonly step: number }
  | { readonly kind: 'mission_deadline' };

/** Mutable bookkeeping of one step; never leaves the scheduler. */
export interface StepState {
  phase: StepPhase;
  /** Dependencies not settled yet. */
  remaining: number;
  /** Settled dependencies whose conclusion is not a success; while 0, no strategy needs consulting. */
  failedDependencies: number;
  /** The current (or last) attempt; 0 before the first. */
  attempt: number;
  firstStartedAt: number | undefined;
  attemptStartedAt: number;
  attemptTimeout: EffectiveTimeout;
  delayBeforeMs: number;
  attempts: AttemptResult[];
  lastOutcome: StepOutcome | undefined;
  killReason: KillReason | undefined;
  /** One timer per running attempt for whichever comes first: its deadline, a progress tick, a stall check. */
  watchTimer: number;
  deadlineAt: number;
  /** When the next resource sample is due (Infinity while one is being taken). */
  nextSampleAt: number;
  resources: ResourceWatch | undefined;
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
  result: StepResult | undefined;
}

/** Why the mission stopped starting steps. */
export interface Stopping {
  readonly kind: 'cancel' | 'fail_fast' | 'mission_timeout';
  readonly reason: string;
}

/** The internals behind a SchedulerState. */
export interface SchedulerInternals {
  readonly plan: MissionPlan;
  readonly steps: StepState[];
  /** Steps ready to start, lowest declaration index first, so a run is deterministic. */
  readonly queue: MinHeap<number>;
  readonly running: Set<number>;
  readonly timers: Map<number, TimerPurpose>;
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
}

/** The scheduler's state: an opaque, linearly used value. */
export interface SchedulerState {
  /** @internal */
  inner: SchedulerInternals | undefined;
}

/** The state before `start`: every step waiting for its dependencies. `seed` drives retry jitter. */
export const initialState = (plan: MissionPlan, seed = 1): SchedulerState => {
  const steps = plan.steps.map((s): StepState => ({
    phase: 'waiting',
    remaining: s.dependencies.length,
    failedDependencies: 0,
    attempt: 0,
    firstStartedAt: undefined,
    attemptStartedAt: 0,
    attemptTimeout: s.timeout,
    delayBeforeMs: 0,
    attempts: [],
    lastOutcome: undefined,
    killReason: undefined,
    watchTimer: 0,
    deadlineAt: Infinity,
    nextSampleAt: Infinity,
    resources: undefined,
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
    result: undefined,
  }));
  return {
    inner: {
      plan,
      steps,
      queue: new MinHeap<number>((a, b) => a < b),
      running: new Set(),
      timers: new Map(),
      nextTimer: 1,
      settled: 0,
      startedAt: undefined,
      missionDeadlineAt: undefined,
      missionDeadlineTimer: 0,
      stopping: undefined,
      finished: false,
      idleOnDemand: plan.steps.filter((p) => p.on_demand).length,
      notNeeded: new Set(),
      seed: seed >>> 0,
      warnings: [],
    },
  };
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
    phases: inner.steps.map((s) => s.phase),
    running: [...inner.running].sort((a, b) => a - b),
    finished: inner.finished,
    results: inner.steps.map((s) => s.result),
  };
};
