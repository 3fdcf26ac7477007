// The plan as plain data for people and tools: what `missionkit plan` prints and `planMission` returns.
import type { DependencyStrategy, RetryPolicy, ResourceLimits, StepId } from '../mission/model.js';
import type { MissionError } from '../mission/errors.js';
import type { MissionPlan } from '../plan/plan.js';
import type { TimeoutSource } from '../plan/timeouts.js';
import type { PlannedCommand } from '../plan/facts.js';
import type { CommandSource } from '../plan/platform.js';
import type { OperationKind } from '../plan/operations.js';
import { fanOutView, type FanOutView } from './fan-out-view.js';

/** What a `command` step will run here: the platform variant chosen and why, or why none fits. */
export interface PlannedCommandView {
  /** The program, or `null` when no platform variant fits (see `error`). */
  readonly program: string | null;
  readonly args: ReadonlyArray<string>;
  /** Which of the step's commands was chosen (`unix`, `windows`, `fallback_command`…); `command` for a plain one. */
  readonly source: CommandSource | null;
  /** `search`, `build` or `other`: what the adaptive timeout makes of it. */
  readonly operation: OperationKind | null;
  /** "linux: `unix` variant: find", or the reason no variant fits. */
  readonly explanation: string;
  /** Set when no variant can run on this platform: the step will fail with this message. */
  readonly error?: { readonly message: string; readonly hint: string };
  /** How the command is adjusted (find's shell-escaped `\(`…). */
  readonly notes: ReadonlyArray<string>;
}

const commandView = (c: PlannedCommand): PlannedCommandView => {
  const r = c.resolution;
  // Without a platform the planner only guessed a variant (to classify it): show none.
  const unknown = r === undefined && c.platform_aware;
  return {
    program: unknown ? null : (c.command ?? null),
    args: unknown ? [] : c.args,
    source: r?._tag === 'resolved' ? r.source : r === undefined && !c.platform_aware ? 'command' : null,
    operation: c.operation?.kind ?? null,
    explanation:
      r === undefined
        ? c.platform_aware
          ? 'the platform is not known yet: the variant is chosen when the step runs'
          : `${c.command ?? '(none)'}${c.operation !== undefined ? ` (${c.operation.kind})` : ''}`
        : r._tag === 'resolved'
          ? r.explanation
          : r.message,
    ...(r?._tag === 'unresolved' ? { error: { message: r.message, hint: r.hint } } : {}),
    notes: c.notes,
  };
};

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
  /** The step's `if:` condition (the expression alone), when it has one. */
  readonly if?: string;
  readonly retry: RetryPolicy | null;
  readonly resource_limits: ResourceLimits | null;
  /** For a `command` step: what will run on this platform (the variant chosen), and notes. */
  readonly command?: PlannedCommandView;
  /** For a step with `matrix` or `for_each`: how it fans out, and every matrix instance. */
  readonly fan_out?: FanOutView;
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
      depends_on: (plan.graph.dependencies[s.index] ?? []).map(id),
      timeout: s.timeout,
      dependency_strategy: s.strategy._tag,
      continue_on_error: s.step.continue_on_error,
      ...(s.step.if !== undefined ? { if: s.step.if.text } : {}),
      retry: s.retry ?? null,
      resource_limits: s.step.resource_limits ?? m.config.resource_limits ?? null,
      ...(s.command !== undefined ? { command: commandView(s.command) } : {}),
      ...(s.step.fan_out !== undefined ? { fan_out: fanOutView(s.step.fan_out) } : {}),
    })),
    warnings: m.warnings,
  };
};
