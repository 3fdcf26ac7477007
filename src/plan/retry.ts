// Retry decisions: which failures a policy retries, and how long to wait before the next attempt.
import type { RetryOn, RetryPolicy } from '../mission/model.js';
import type { StepOutcome } from '../ports/step-type.js';
import type { StepStatus } from '../scheduler/step-status.js';
import { unreachable } from '../unreachable.js';

const statusMatches = (pattern: number | string, status: number): boolean =>
  typeof pattern === 'number'
    ? pattern === status
    : /^[1-5]xx$/i.test(pattern)
      ? Math.floor(status / 100) === Number(pattern[0])
      : Number(pattern) === status;

const matches = (rule: RetryOn, outcome: StepStatus, result: StepOutcome | undefined): boolean => {
  switch (rule._tag) {
    case 'any_failure':
      return true;
    case 'timeout':
      return outcome === 'timed_out';
    case 'resource_exceeded':
      return outcome === 'resource_exceeded';
    case 'command_not_found':
      return result?.failure_kind === 'command_not_found';
    case 'spawn_error':
      return result?.failure_kind === 'spawn_error' || result?.failure_kind === 'command_not_found';
    case 'exit_code':
      return typeof result?.exit_code === 'number' && rule.codes.includes(result.exit_code);
    case 'http_status': {
      const status = result?.http_status;
      return status !== undefined && rule.codes.some((c) => statusMatches(c, status));
    }
    default:
      return unreachable(rule);
  }
};

/** Whether a failed attempt is retried under `policy` (attempts left and a matching `retry_on`). */
export const shouldRetry = (
  policy: RetryPolicy | undefined,
  attempt: number,
  outcome: StepStatus,
  result: StepOutcome | undefined,
): boolean =>
  policy !== undefined &&
  attempt < policy.max_attempts &&
  (outcome === 'failed' || outcome === 'timed_out' || outcome === 'resource_exceeded') &&
  result?.retryable !== false &&
  policy.retry_on.some((rule) => matches(rule, outcome, result));

/** The delay before attempt `failedAttempt + 1`; `random` is in [0, 1) and only used for jitter. */
export const retryDelayMs = (policy: RetryPolicy, failedAttempt: number, random: number): number => {
  const base = policy.delay_seconds * 1000;
  const grown = policy.backoff === 'exponential' ? base * policy.multiplier ** (failedAttempt - 1) : base;
  const capped =
    policy.max_delay_seconds !== undefined ? Math.min(grown, policy.max_delay_seconds * 1000) : grown;
  return Math.round(capped * (1 - policy.jitter * random));
};
