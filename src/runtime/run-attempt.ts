// Runs a step type's `run` for one attempt and turns whatever it does into an outcome: the same
// code whether the attempt runs in the coordinator's process or on a worker.
import type { AnyStepType, StepContext, StepOutcome } from '../ports/step-type.js';

/** A step's `run` that threw (or rejected) fails the step with the error's message. */
export const outcomeOfThrow = (e: unknown): StepOutcome => {
  const err = e as { message?: unknown; retryable?: unknown; hint?: unknown } | undefined;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return {
    status: 'failed',
    failure_kind: 'error',
    message,
    ...(typeof err?.hint === 'string' ? { hint: err.hint } : {}),
    ...(err?.retryable === false ? { retryable: false } : {}),
  };
};

/** What a step type's `run` resolved to, as an outcome: anything that is not one fails the step. */
const checked = (outcome: StepOutcome, typeName: string): StepOutcome =>
  outcome !== null && typeof outcome === 'object' && typeof outcome.status === 'string'
    ? outcome
    : {
        status: 'failed',
        failure_kind: 'error',
        message: `step type ${typeName} returned ${String(outcome)} instead of an outcome`,
      };

/**
 * Starts `type.run` and calls `done` once with `ctx` and its outcome, a throw or a rejection included. One
 * reaction on the step's own promise, not a chain of them: every attempt of a run comes through
 * here, and a promise and two closures fewer per attempt is less for a first run's young heap.
 */
export const startStepType = <C extends StepContext>(
  type: AnyStepType | undefined,
  typeName: string,
  ctx: C,
  params: unknown,
  done: (ctx: C, outcome: StepOutcome) => void,
): void => {
  let running: Promise<StepOutcome>;
  try {
    if (type === undefined)
      throw new TypeError(
        `no step type "${typeName}" is registered (the mission was parsed with another registry)`,
      );
    running = type.run(ctx, params);
  } catch (e) {
    running = Promise.reject(e);
  }
  // A `run` that is not async and returns something other than a promise is still an answer.
  Promise.resolve(running).then(
    (outcome) => done(ctx, checked(outcome, typeName)),
    (e: unknown) => done(ctx, outcomeOfThrow(e)),
  );
};

/** Starts `type.run` and resolves its outcome; never rejects. */
export const runStepType = (
  type: AnyStepType | undefined,
  typeName: string,
  ctx: StepContext,
  params: unknown,
): Promise<StepOutcome> =>
  new Promise((resolve) => startStepType(type, typeName, ctx, params, (_, outcome) => resolve(outcome)));
