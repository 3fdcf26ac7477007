// defineStepType: a host's own step type, typed from its parameter codec, with the same
// validation, timeouts, retries, cancellation and progress as the built-ins.
import type * as t from 'io-ts';
import type { StepContext, StepOutcome, StepType } from '../ports/step-type.js';

/** What a host writes to define a step type. */
export interface StepTypeDefinition<C extends t.Mixed> {
  /** The `step_type` missions use. */
  readonly name: string;
  /** An io-ts codec for `parameters`; checked when the mission loads, with positioned errors. */
  readonly parameters: C;
  /** One line for `missionkit plan` and the docs. */
  readonly description?: string;
  /**
   * Does the work. The resolved value becomes the step's `output` (JSON-serialisable); a thrown
   * error fails the step with its message (set `retryable: false` on it to stop retries).
   * @example run: async (ctx, p) => { ctx.progress('uploading'); return { url: await upload(p.file, ctx.signal) }; }
   */
  readonly run: (ctx: StepContext, params: t.TypeOf<C>) => Promise<unknown>;
}

/** An error a step type throws to fail its step without further retries. */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
  readonly retryable = false;
}

/** Defines a step type: register it with `runMission(mission, { stepTypes: [it] })`. */
export const defineStepType = <C extends t.Mixed>(
  definition: StepTypeDefinition<C>,
): StepType<t.TypeOf<C>> => ({
  name: definition.name,
  parameters: definition.parameters,
  ...(definition.description !== undefined ? { description: definition.description } : {}),
  run: async (ctx, params): Promise<StepOutcome> => {
    const output = await definition.run(ctx, params);
    return output === undefined ? { status: 'succeeded' } : { status: 'succeeded', output };
  },
});
