// The plan: everything the scheduler needs to know about a mission, computed once and purely —
// the graph, and each step's effective settings with where they came from (for dry runs too).
import {
  DEFAULT_KILL_GRACE_SECONDS,
  type DependencyStrategy,
  type Mission,
  type ResourceLimits,
  type RetryPolicy,
  type Step,
  type StepId,
} from '../mission/model.js';
import { factsOf, planCommand, type PlanFacts, type PlannedCommand } from './facts.js';
import { buildGraph, type StepGraph } from './graph.js';
import type { FanOutInstance } from './fan-out-instance.js';
import { mayHaveTemplates } from './templates.js';
import type { ResourcePolicy } from '../scheduler/resource-watch.js';
import { stepTimeout, type EffectiveTimeout } from './timeouts.js';

export type { PlanFacts, StepFacts, PlannedCommand } from './facts.js';

/** One step's effective settings. */
export interface PlannedStep {
  readonly index: number;
  readonly id: StepId;
  readonly step: Step;
  /** The first attempt's timeout, before the mission deadline is applied. */
  readonly timeout: EffectiveTimeout;
  /** For a `command` step: the program that will run (the platform variant chosen) and its operation. */
  readonly command?: PlannedCommand;
  readonly retry: RetryPolicy | undefined;
  readonly strategy: DependencyStrategy;
  readonly progress_interval_ms: number;
  readonly stall_warning_ms: number | undefined;
  readonly stall_timeout_ms: number | undefined;
  /**
   * Named by another step's `retry_with_alternative` and needed by no step otherwise: it runs only
   * when a dependency it stands in for fails, at most once, and is otherwise skipped as not needed.
   */
  readonly on_demand: boolean;
  /** Its parameters contain `{{ … }}` text, so they are expanded when it starts. */
  readonly templated: boolean;
  /** The resource limits in force (the step's own over the mission's), when there are any. */
  readonly resources: ResourcePolicy | undefined;
  /** How often its process tree is sampled. */
  readonly sample_interval_ms: number;
  /** For an instance of a fanned-out step (`matrix`, `for_each`): its group and values. */
  readonly instance?: FanOutInstance;
}

/** A mission ready to run. */
export interface MissionPlan {
  readonly mission: Mission;
  readonly steps: ReadonlyArray<PlannedStep>;
  readonly graph: StepGraph;
  /** The steps with `on_demand` set, in declaration order (most missions have none). */
  readonly on_demand_steps: ReadonlyArray<number>;
  /** The lower of `config.max_parallel_steps` and `config.resource_limits.max_parallel_steps`. */
  readonly max_parallel: number;
  readonly fail_fast: boolean;
  readonly kill_grace_ms: number;
  readonly mission_timeout_ms: number | undefined;
}

/** The limits a step runs under: its own `resource_limits` field by field over the mission's. */
const resourcePolicy = (own: ResourceLimits | undefined, mission: Mission): ResourcePolicy | undefined => {
  const limits = { ...mission.config.resource_limits, ...own };
  const { max_parallel_steps: _ignored, sustained_samples, ...perStep } = limits;
  if (Object.values(perStep).every((v) => v === undefined)) return undefined;
  return { limits, monitoring: mission.config.monitoring, sustained: sustained_samples ?? 1 };
};

const ms = (s: number | undefined): number | undefined => (s === undefined ? undefined : s * 1000);

/** Computes the plan of a validated mission. Pure: the same mission and facts give the same plan. */
export const createPlan = (mission: Mission, facts: PlanFacts = {}): MissionPlan => {
  const graph = buildGraph(mission);
  // Steps named by a `retry_with_alternative`, gathered in the same pass that plans every step.
  const alternatives = new Set<StepId>();
  const { config } = mission;
  // Most steps inherit the mission's timeout: one shared value for all of them.
  let inherited: EffectiveTimeout | undefined;
  const timeoutOf = (step: Step, command: PlannedCommand | undefined): EffectiveTimeout => {
    if (step.timeout_seconds === undefined && step.timeout_strategy !== 'adaptive')
      return (inherited ??= stepTimeout(step, mission));
    if (step.timeout_strategy !== 'adaptive') return stepTimeout(step, mission);
    const size = factsOf(facts, step.id)?.size;
    return stepTimeout(step, mission, {
      ...(command?.operation !== undefined ? { operation: command.operation } : {}),
      ...(size !== undefined ? { size } : {}),
    });
  };
  // What most steps inherit from the mission, worked out once rather than per step.
  const missionResources = resourcePolicy(undefined, mission);
  const sampleIntervalMs = config.monitoring.check_interval_seconds * 1000;
  // A loop rather than `map` with a callback: on a mission's first run in a process V8 compiles
  // the loop while it runs, and a callback only once it has been called thousands of times.
  const steps: PlannedStep[] = [];
  for (let index = 0; index < mission.steps.length; index++) {
    const step = mission.steps[index]!;
    if (step.dependency_strategy._tag === 'conditional')
      for (const d of step.dependency_strategy.dependencies)
        if (d.on_failure._tag === 'retry_with_alternative') alternatives.add(d.on_failure.step_id);
    const command = planCommand(step, facts);
    const planned: { -readonly [K in keyof PlannedStep]: PlannedStep[K] } = {
      index,
      id: step.id,
      step,
      timeout: timeoutOf(step, command),
      retry: step.retry,
      strategy: step.dependency_strategy,
      progress_interval_ms: (step.progress_interval_seconds ?? config.progress_interval_seconds) * 1000,
      stall_warning_ms: ms(step.stall_warning_seconds ?? config.stall_warning_seconds),
      stall_timeout_ms: ms(step.stall_timeout_seconds ?? config.stall_timeout_seconds),
      // Settled below, once every step's alternatives are known.
      on_demand: false,
      templated: mayHaveTemplates(step.parameters),
      resources:
        step.resource_limits === undefined ? missionResources : resourcePolicy(step.resource_limits, mission),
      sample_interval_ms: sampleIntervalMs,
    };
    if (command !== undefined) planned.command = command;
    steps.push(planned);
  }
  // An alternative no step depends on runs only when a dependency it stands in for fails.
  const onDemand: number[] = [];
  for (const id of alternatives) {
    const i = graph.indexOf(id);
    if (i === undefined || graph.dependentStart[i] !== graph.dependentStart[i + 1]) continue;
    (steps[i] as { on_demand: boolean }).on_demand = true;
    onDemand.push(i);
  }
  onDemand.sort((a, b) => a - b);
  return {
    mission,
    steps,
    graph,
    on_demand_steps: onDemand,
    max_parallel: Math.max(
      1,
      Math.min(config.max_parallel_steps, config.resource_limits?.max_parallel_steps ?? Infinity),
    ),
    fail_fast: config.fail_fast,
    kill_grace_ms: (config.kill_grace_seconds ?? DEFAULT_KILL_GRACE_SECONDS) * 1000,
    mission_timeout_ms: ms(config.mission_timeout_seconds),
  };
};
