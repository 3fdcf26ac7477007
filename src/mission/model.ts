// The decoded mission: what the parser produces and the only input the planner accepts.
// Field names follow the mission file (RustChain's format and the roadmap's extensions), so a
// field in YAML, in the JSON Schema, in the docs and here is spelt the same way everywhere.
import type { MissionError } from './errors.js';
import type { StepCondition } from '../expression/condition.js';
import type { FanOut } from './fan-out.js';

/** A step id, checked unique within its mission by the parser. */
export type StepId = string & { readonly __brand: 'StepId' };

/** Marks a string as a step id. Use in tests and in missions defined in TypeScript. */
export const stepId = (id: string): StepId => id as StepId;

/** Where a timeout strategy is `fixed` (the default) or scales with the work (`adaptive`). */
export type TimeoutStrategy = 'fixed' | 'adaptive';

/** What failures a retry policy retries. */
export type RetryOn =
  | { readonly _tag: 'timeout' }
  | { readonly _tag: 'command_not_found' }
  | { readonly _tag: 'spawn_error' }
  | { readonly _tag: 'resource_exceeded' }
  | { readonly _tag: 'any_failure' }
  | { readonly _tag: 'exit_code'; readonly codes: ReadonlyArray<number> }
  | { readonly _tag: 'http_status'; readonly codes: ReadonlyArray<number | string> };

/** How a failed step is attempted again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 1 */
  readonly max_attempts: number;
  /** Delay before the second attempt. @default 1 */
  readonly delay_seconds: number;
  /** @default 'fixed' */
  readonly backoff: 'fixed' | 'exponential';
  /** Growth factor of an exponential backoff. @default 2 */
  readonly multiplier: number;
  /** Upper bound of any one delay. */
  readonly max_delay_seconds?: number;
  /** Randomise each delay by up to this fraction (0–1). @default 0 */
  readonly jitter: number;
  /** Which failures are retried. @default [{ _tag: 'any_failure' }] */
  readonly retry_on: ReadonlyArray<RetryOn>;
  /** Each retry's timeout is the previous one times this. @default 1 */
  readonly timeout_multiplier: number;
}

/** Per-process-tree limits; a step's own limits override the mission's. */
export interface ResourceLimits {
  readonly max_memory_mb?: number;
  readonly max_cpu_percent?: number;
  readonly max_disk_io_mb_per_sec?: number;
  readonly max_parallel_steps?: number;
  /** Consecutive samples over a limit before the step is killed. @default 1 */
  readonly sustained_samples?: number;
}

/** How resource usage is sampled and acted upon. */
export interface Monitoring {
  /** @default 5 */
  readonly check_interval_seconds: number;
  /** @default 80 */
  readonly warn_threshold_percent: number;
  /** @default true */
  readonly kill_on_exceed: boolean;
}

/** What a conditional dependency does when its dependency did not succeed. */
export type OnFailure =
  | { readonly _tag: 'skip' }
  | { readonly _tag: 'log_warning' }
  | { readonly _tag: 'use_default_value'; readonly value: unknown }
  | { readonly _tag: 'retry_with_alternative'; readonly step_id: StepId };

/** One entry of a `conditional` strategy's `dependencies:` list. */
export interface ConditionalDependency {
  readonly step_id: StepId;
  /** @default true */
  readonly required: boolean;
  /** @default { _tag: 'skip' } */
  readonly on_failure: OnFailure;
}

/** How a step treats the outcomes of the steps it depends on. */
export type DependencyStrategy =
  | { readonly _tag: 'all_required' }
  | { readonly _tag: 'any_required' }
  | { readonly _tag: 'best_effort' }
  | { readonly _tag: 'conditional'; readonly dependencies: ReadonlyArray<ConditionalDependency> };

/** The roadmap's timeout fields, accepted at step level or inside `parameters` (where the roadmap puts them). */
export interface TimeoutSettings {
  readonly timeout_seconds?: number;
  readonly timeout_strategy?: TimeoutStrategy;
  readonly base_timeout_seconds?: number;
  readonly max_timeout_seconds?: number;
  readonly size_factor?: number;
}

/** One step of a mission, with defaults filled in. */
export interface Step extends TimeoutSettings {
  readonly id: StepId;
  readonly name: string;
  readonly description?: string;
  /** The registered step type's name (RustChain's `{type: ...}` map form is normalised to this). */
  readonly step_type: string;
  /**
   * Decoded by the step type's own parameter codec, with the liftable fields (timeouts, `retry`,
   * `resource_limits`…) moved out onto the step. Holds the raw values when `parameter_errors` is set.
   */
  readonly parameters: Readonly<Record<string, unknown>>;
  /**
   * Where `timeout_seconds` was written, when it was: on the step, or inside `parameters` (the
   * roadmap's place, lifted onto the step by the parser). For `missionkit plan`'s explanations.
   */
  readonly timeout_source?: 'step' | 'parameters';
  /**
   * Set only when `parameters` did not decode and the step has `continue_on_error: true` (and the
   * mission was not parsed `strict`): RustChain loaded such missions and the step failed when run,
   * so the runtime must fail this step with these errors (failure kind `invalid_input`) instead of running it.
   */
  readonly parameter_errors?: ReadonlyArray<MissionError>;
  readonly depends_on: ReadonlyArray<StepId>;
  /** A failure or timeout of this step does not fail the mission or skip dependents. @default false */
  readonly continue_on_error: boolean;
  /** @default { _tag: 'all_required' } */
  readonly dependency_strategy: DependencyStrategy;
  /** Run even when dependencies failed (the roadmap's name; same as `best_effort`). @default false */
  readonly continue_on_failure: boolean;
  /**
   * `if:` — run the step only when this condition holds, evaluated when its dependencies have
   * settled; false skips it with the reason `condition false: <expression>` (docs/mission-format.md).
   * @example { if: "variables.branch == 'main'" }
   */
  readonly if?: StepCondition;
  /**
   * What a resumed run does with an attempt that was running when its host died: `rerun` it (the
   * step must be safe to run twice) or `fail` it (for steps that must never run twice).
   * @default 'rerun'
   */
  readonly on_interrupt?: 'rerun' | 'fail';
  /**
   * Where the step runs in a distributed run: on a worker that has every one of these labels, or
   * in the coordinator's own process with `[coordinator]`. A local run runs every step here and
   * says so in a load warning. @default any worker (the default queue)
   * @example runs_on: [linux, db]
   */
  readonly runs_on?: ReadonlyArray<string>;
  readonly retry?: RetryPolicy;
  /** A step that times out keeps its output and ends `partial`. @default false */
  readonly allow_partial_results: boolean;
  readonly progress_interval_seconds?: number;
  readonly stall_warning_seconds?: number;
  readonly stall_timeout_seconds?: number;
  readonly resource_limits?: ResourceLimits;
  /** Run once per `matrix` combination or per `for_each` item, with the group's `max_parallel` and `fail_fast`. */
  readonly fan_out?: FanOut;
}

/** Mission-wide settings, with defaults filled in. */
export interface MissionConfig {
  /** @default 1 (declaration order, as RustChain runs) */
  readonly max_parallel_steps: number;
  /** Default step timeout when a step sets none; unset means RustChain's 300 s. */
  readonly timeout_seconds?: number;
  /** @default true */
  readonly fail_fast: boolean;
  /** A deadline for the whole mission that no step may outlive. */
  readonly mission_timeout_seconds?: number;
  /** Between the graceful and the forced kill. @default 5 */
  readonly kill_grace_seconds: number;
  /** @default 10 */
  readonly progress_interval_seconds: number;
  readonly stall_warning_seconds?: number;
  readonly stall_timeout_seconds?: number;
  readonly resource_limits?: ResourceLimits;
  readonly monitoring: Monitoring;
  /**
   * The model an `llm` step without `model:` asks for: one name for every provider, or a name per
   * provider (`{ ollama: "llama3.2:1b", openai: "gpt-4o-mini" }`). The MISSIONKIT_LLM_MODEL
   * environment variable overrides it; without either, RustChain's default for the provider.
   */
  readonly llm_model?: string | Readonly<Record<string, string>>;
  /**
   * The dependency strategy of every step that sets none (`dependency_strategy:` or
   * `dependencies:`). `best_effort` runs the dependents of a failed step, as RustChain does under
   * `fail_fast: false`. Applied when the mission is parsed: each step's `dependency_strategy`
   * already holds the result. @default 'all_required'
   */
  readonly default_dependency_strategy?: 'all_required' | 'any_required' | 'best_effort';
}

/** A decoded, validated mission. */
export interface Mission {
  readonly version: string;
  readonly name: string;
  readonly description?: string;
  readonly steps: ReadonlyArray<Step>;
  readonly config: MissionConfig;
  /** Mission-level `variables:`; overridable by the host. */
  readonly variables: Readonly<Record<string, string>>;
  /** Names of variables whose values are masked in every event, log and report. */
  readonly secrets: ReadonlyArray<string>;
  /** Paths outside the working directory that file steps may touch. */
  readonly allowed_paths: ReadonlyArray<string>;
  /** The file the mission came from, when it came from one. */
  readonly source_file?: string;
  /** Problems that did not stop the mission from loading (unknown keys, a lone `|` argument…). */
  readonly warnings: ReadonlyArray<MissionError>;
}

/** RustChain's default step timeout. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
export const DEFAULT_KILL_GRACE_SECONDS = 5;
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 10;
