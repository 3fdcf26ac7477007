// The mission format as io-ts codecs: the single description from which decoding, unknown-key
// detection and the JSON Schema are all derived, so the three cannot drift apart. The codecs
// check shape and ranges; defaults are filled in by the parser (see model.ts for each default).
import * as t from 'io-ts';
import { checksOnly } from './checks-only.js';
import {
  AnyValue,
  AtLeastOne,
  Fraction,
  HttpStatusClass,
  HttpStatusCode,
  NonEmptyString,
  NonNegative,
  Percent,
  Positive,
  PositiveInt,
} from './scalars.js';

/** `fixed` (the default) or `adaptive` (scales with the work; behaviour in the timeouts release). */
export const TimeoutStrategyCodec = t.keyof({ fixed: null, adaptive: null }, 'TimeoutStrategy');

/** Failures a retry policy may retry. */
export const RetryOnCodec = t.union(
  [
    t.keyof(
      {
        timeout: null,
        command_not_found: null,
        spawn_error: null,
        resource_exceeded: null,
        any_failure: null,
      },
      'RetryOnKind',
    ),
    t.type({ exit_code: t.array(t.Int) }, 'RetryOnExitCode'),
    t.type(
      { http_status: t.array(t.union([HttpStatusCode, HttpStatusClass], 'HttpStatus')) },
      'RetryOnHttpStatus',
    ),
  ],
  'RetryOn',
);

/** `retry:` — how a failed step is attempted again. */
export const RetryCodec = t.partial(
  {
    max_attempts: PositiveInt,
    delay_seconds: NonNegative,
    backoff: t.keyof({ fixed: null, exponential: null }, 'Backoff'),
    multiplier: AtLeastOne,
    max_delay_seconds: NonNegative,
    jitter: Fraction,
    retry_on: t.array(RetryOnCodec),
    timeout_multiplier: AtLeastOne,
  },
  'Retry',
);

/** `resource_limits:` — per process tree; a step's own limits override the mission's. */
export const ResourceLimitsCodec = t.partial(
  {
    max_memory_mb: Positive,
    /** 100 is one full core; more than 100 allows several cores. */
    max_cpu_percent: Positive,
    max_disk_io_mb_per_sec: Positive,
    max_parallel_steps: PositiveInt,
    sustained_samples: PositiveInt,
  },
  'ResourceLimits',
);

/** `monitoring:` — how resource usage is sampled and acted upon. */
export const MonitoringCodec = t.partial(
  {
    check_interval_seconds: Positive,
    warn_threshold_percent: Percent,
    kill_on_exceed: t.boolean,
  },
  'Monitoring',
);

/** A conditional dependency's `on_failure`: `skip`, `log_warning`, `{use_default_value: …}`, `{retry_with_alternative: id}`. */
export const OnFailureCodec = t.union(
  [
    t.keyof({ skip: null, log_warning: null }, 'OnFailureKind'),
    t.type({ use_default_value: AnyValue }, 'UseDefaultValue'),
    t.type({ retry_with_alternative: NonEmptyString }, 'RetryWithAlternative'),
  ],
  'OnFailure',
);

/** One entry of `dependencies:` (the `conditional` strategy). */
export const ConditionalDependencyCodec = t.intersection(
  [t.type({ step_id: NonEmptyString }), t.partial({ required: t.boolean, on_failure: OnFailureCodec })],
  'ConditionalDependency',
);

/** `dependency_strategy:` — how a step treats its dependencies' outcomes. */
export const DependencyStrategyCodec = t.keyof(
  { all_required: null, any_required: null, best_effort: null, conditional: null },
  'DependencyStrategy',
);

/** `on_interrupt:` — what a resumed run does with an attempt its dead host left running (docs/durability.md). */
export const OnInterruptCodec = t.keyof({ rerun: null, fail: null }, 'OnInterrupt');

/** `matrix:` — axes of values and `include`/`exclude` lists, checked in detail by fan-out.ts. */
export const MatrixCodec = t.record(t.string, t.unknown, 'Matrix');

/**
 * One label of `runs_on:` — letters, digits, `_`, `-` and `.` (it names a queue), or `coordinator`.
 * A worker takes a step whose labels it all has (docs/distributed.md).
 */
export const RunnerLabel = t.brand(
  t.string,
  (s): s is t.Branded<string, { readonly RunnerLabel: unique symbol }> => /^[A-Za-z0-9_.-]{1,64}$/.test(s),
  'RunnerLabel',
);

/** A step's type: `command`, or RustChain's map form `{type: command}`. */
export const StepTypeRefCodec = t.union(
  [NonEmptyString, t.type({ type: NonEmptyString }, 'StepTypeMap')],
  'StepTypeRef',
);

/**
 * Step fields that may also be written inside `parameters` (where the roadmap puts them), for any
 * step type; the parser lifts them onto the step before the step type decodes its parameters.
 */
export const liftableFields = {
  timeout_seconds: Positive,
  timeout_strategy: TimeoutStrategyCodec,
  base_timeout_seconds: Positive,
  max_timeout_seconds: Positive,
  size_factor: Positive,
  retry: RetryCodec,
  allow_partial_results: t.boolean,
  progress_interval_seconds: Positive,
  stall_warning_seconds: Positive,
  stall_timeout_seconds: Positive,
  resource_limits: ResourceLimitsCodec,
};
/** The liftable fields as one codec (for the JSON Schema of `parameters`). */
export const LiftableFieldsCodec = t.partial(liftableFields, 'LiftableFields');
/** Names of the liftable fields. */
export const LIFTABLE_KEYS: ReadonlyArray<string> = Object.keys(liftableFields);

/** `parameters:` as the step sees it before its type decodes it: a map (or nothing). */
export const RawParametersCodec = t.union([t.UnknownRecord, t.null], 'Parameters');

/** One step. `parameters` is decoded afterwards by the step type's own codec. */
export const StepCodec = checksOnly(
  t.intersection(
    [
      t.type({ id: NonEmptyString, name: t.string, step_type: StepTypeRefCodec }),
      t.partial({
        description: t.string,
        parameters: RawParametersCodec,
        depends_on: t.array(NonEmptyString),
        continue_on_error: t.boolean,
        dependency_strategy: DependencyStrategyCodec,
        dependencies: t.array(ConditionalDependencyCodec),
        continue_on_failure: t.boolean,
        on_interrupt: OnInterruptCodec,
        /** A condition (`variables.branch == 'main'`, `failure()`), or `true`/`false`. */
        if: t.union([t.string, t.boolean], 'Condition'),
        matrix: MatrixCodec,
        for_each: NonEmptyString,
        max_items: PositiveInt,
        max_parallel: PositiveInt,
        fail_fast: t.boolean,
        runs_on: t.array(RunnerLabel),
      }),
      t.partial(liftableFields),
    ],
    'Step',
  ),
);

/** `config:` — mission-wide settings. */
export const ConfigCodec = t.partial(
  {
    max_parallel_steps: PositiveInt,
    timeout_seconds: Positive,
    fail_fast: t.boolean,
    mission_timeout_seconds: Positive,
    kill_grace_seconds: NonNegative,
    progress_interval_seconds: Positive,
    stall_warning_seconds: Positive,
    stall_timeout_seconds: Positive,
    resource_limits: ResourceLimitsCodec,
    monitoring: MonitoringCodec,
    /** The model of `llm` steps without `model:`: one name, or a name per provider. */
    llm_model: t.union([NonEmptyString, t.record(t.string, NonEmptyString)], 'LlmModel'),
    /** The strategy of steps that set none; `best_effort` is RustChain's behaviour under `fail_fast: false`. */
    default_dependency_strategy: t.keyof(
      { all_required: null, any_required: null, best_effort: null },
      'DefaultDependencyStrategy',
    ),
  },
  'Config',
);

/** A variable: its value, or `{ value, secret: true }` for one masked in every event, log and report. */
export const VariableCodec = t.union(
  [
    t.string,
    t.intersection([t.type({ value: t.string }), t.partial({ secret: t.boolean })], 'SecretVariable'),
  ],
  'Variable',
);

const missionRequired = { version: t.string, name: t.string };
const missionOptional = {
  description: t.string,
  config: t.union([ConfigCodec, t.null], 'ConfigOrNull'),
  variables: t.record(t.string, VariableCodec),
  secrets: t.array(t.string),
  allowed_paths: t.array(t.string),
};

/** The whole mission; the JSON Schema is generated from this. */
export const MissionCodec = t.intersection(
  [t.type({ ...missionRequired, steps: t.array(StepCodec) }), t.partial(missionOptional)],
  'Mission',
);

/**
 * The mission without its steps: the parser decodes steps one at a time (lifting fields out of
 * `parameters` first), so that a 100,000-step mission reports each step's errors in place.
 */
export const MissionHeaderCodec = checksOnly(
  t.intersection([t.type(missionRequired), t.partial(missionOptional)], 'MissionHeader'),
);
