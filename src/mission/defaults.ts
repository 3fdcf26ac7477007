// Decoded values → the model, with every default model.ts documents filled in, in one place.
import type * as t from 'io-ts';
import type { ConfigCodec, OnFailureCodec, RetryCodec, RetryOnCodec } from './codec.js';
import {
  DEFAULT_KILL_GRACE_SECONDS,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  stepId,
  type MissionConfig,
  type OnFailure,
  type RetryOn,
  type RetryPolicy,
} from './model.js';

const toRetryOn = (r: t.TypeOf<typeof RetryOnCodec>): RetryOn => {
  if (typeof r === 'string') return { _tag: r };
  if ('exit_code' in r) return { _tag: 'exit_code', codes: r.exit_code };
  return { _tag: 'http_status', codes: r.http_status };
};

/** A decoded `retry:` with model.ts's defaults filled in. */
export const toRetryPolicy = (r: t.TypeOf<typeof RetryCodec>): RetryPolicy => ({
  max_attempts: r.max_attempts ?? 1,
  delay_seconds: r.delay_seconds ?? 1,
  backoff: r.backoff ?? 'fixed',
  multiplier: r.multiplier ?? 2,
  ...(r.max_delay_seconds !== undefined ? { max_delay_seconds: r.max_delay_seconds } : {}),
  jitter: r.jitter ?? 0,
  retry_on: r.retry_on === undefined ? [{ _tag: 'any_failure' }] : r.retry_on.map(toRetryOn),
  timeout_multiplier: r.timeout_multiplier ?? 1,
});

/** A decoded `on_failure` as the model's tagged union (`skip` when absent). */
export const toOnFailure = (o: t.TypeOf<typeof OnFailureCodec> | undefined): OnFailure => {
  if (o === undefined) return { _tag: 'skip' };
  if (typeof o === 'string') return { _tag: o };
  if ('use_default_value' in o) return { _tag: 'use_default_value', value: o.use_default_value };
  return { _tag: 'retry_with_alternative', step_id: stepId(o.retry_with_alternative) };
};

/** A decoded `config:` with model.ts's defaults filled in (`timeout_seconds` stays unset: the planner applies 300 s). */
export const toConfig = (c: t.TypeOf<typeof ConfigCodec> | null | undefined): MissionConfig => {
  const k = c ?? {};
  return {
    max_parallel_steps: k.max_parallel_steps ?? 1,
    ...(k.timeout_seconds !== undefined ? { timeout_seconds: k.timeout_seconds } : {}),
    fail_fast: k.fail_fast ?? true,
    ...(k.mission_timeout_seconds !== undefined
      ? { mission_timeout_seconds: k.mission_timeout_seconds }
      : {}),
    kill_grace_seconds: k.kill_grace_seconds ?? DEFAULT_KILL_GRACE_SECONDS,
    progress_interval_seconds: k.progress_interval_seconds ?? DEFAULT_PROGRESS_INTERVAL_SECONDS,
    ...(k.stall_warning_seconds !== undefined ? { stall_warning_seconds: k.stall_warning_seconds } : {}),
    ...(k.stall_timeout_seconds !== undefined ? { stall_timeout_seconds: k.stall_timeout_seconds } : {}),
    ...(k.resource_limits !== undefined ? { resource_limits: k.resource_limits } : {}),
    ...(k.llm_model !== undefined ? { llm_model: k.llm_model } : {}),
    ...(k.default_dependency_strategy !== undefined
      ? { default_dependency_strategy: k.default_dependency_strategy }
      : {}),
    monitoring: {
      check_interval_seconds: k.monitoring?.check_interval_seconds ?? 5,
      warn_threshold_percent: k.monitoring?.warn_threshold_percent ?? 80,
      kill_on_exceed: k.monitoring?.kill_on_exceed ?? true,
    },
  };
};
