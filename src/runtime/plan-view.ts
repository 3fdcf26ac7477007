// The plan as plain data for people and tools: what `missionkit plan` prints and `planMission` returns.
import type { DependencyStrategy, RetryPolicy, ResourceLimits, StepId } from '../mission/model.js';
import type { MissionError } from '../mission/errors.js';
import type { MissionPlan } from '../plan/plan.js';
import type { TimeoutSource } from '../plan/timeouts.js';

/** One step's effective settings in a plan. */
export interface PlannedStepView {
  readonly id: StepId;
  readonly name: string;
  readonly step_type: string;
  readonly wave: number;
  readonly depends_on: ReadonlyArray<StepId>;
  readonly timeout: { readonly ms: number; readonly source: TimeoutSource; readonly explanation: string };
  readonly dependency_strategy: DependencyStrategy['_tag'];
  readonly continue_on_error: boolean;
  readonly retry: RetryPolicy | null;
  readonly resource_limits: ResourceLimits | null;
}

/** A dry run's answer. */
export interface PlanView {
  readonly mission: { readonly name: string; readonly version: string; readonly file?: string };
  /** Step ids in the order a sequential run starts them (declaration order within each wave). */
  readonly order: ReadonlyArray<StepId>;
  /** Steps that can run at the same time, wave by wave. */
  readonly waves: ReadonlyArray<ReadonlyArray<StepId>>;
  readonly max_parallel_steps: number;
  readonly fail_fast: boolean;
  readonly mission_timeout_ms: number | null;
  readonly steps: ReadonlyArray<PlannedStepView>;
  readonly warnings: ReadonlyArray<MissionError>;
}

/** Renders a plan as plain data. */
export const planView = (plan: MissionPlan): PlanView => {
  const wave = new Array<number>(plan.steps.length).fill(0);
  plan.graph.waves.forEach((w, k) => w.forEach((i) => (wave[i] = k)));
  const id = (i: number): StepId => plan.steps[i]!.id;
  const m = plan.mission;
  return {
    mission: {
      name: m.name,
      version: m.version,
      ...(m.source_file !== undefined ? { file: m.source_file } : {}),
    },
    order: plan.graph.waves.flatMap((w) => w.map(id)),
    waves: plan.graph.waves.map((w) => w.map(id)),
    max_parallel_steps: plan.max_parallel,
    fail_fast: plan.fail_fast,
    mission_timeout_ms: plan.mission_timeout_ms ?? null,
    steps: plan.steps.map((s) => ({
      id: s.id,
      name: s.step.name,
      step_type: s.step.step_type,
      wave: wave[s.index] ?? 0,
      depends_on: s.dependencies.map(id),
      timeout: s.timeout,
      dependency_strategy: s.strategy._tag,
      continue_on_error: s.step.continue_on_error,
      retry: s.retry ?? null,
      resource_limits: s.step.resource_limits ?? m.config.resource_limits ?? null,
    })),
    warnings: m.warnings,
  };
};
