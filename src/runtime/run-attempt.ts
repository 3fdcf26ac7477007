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

/** Starts `type.run` and resolves its outcome; never rejects. */
export const runStepType = (
  type: AnyStepType | undefined,
  typeName: string,
  ctx: StepContext,
  params: unknown,
): Promise<StepOutcome> => {
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
  return running.then(
    (outcome) =>
      outcome !== null && typeof outcome === 'object' && typeof outcome.status === 'string'
        ? outcome
        : {
            status: 'failed',
            failure_kind: 'error',
            message: `step type ${typeName} returned ${String(outcome)} instead of an outcome`,
          },
    outcomeOfThrow,
  );
};
