// `noop`: does nothing and succeeds; a placeholder, a join point, or a test double.
import * as t from 'io-ts';
import type { StepOutcome, StepType } from '../ports/step-type.js';

export const noopParameters = t.partial({});

const SUCCEEDED: StepOutcome = Object.freeze({ status: 'succeeded' });
/** One settled promise for every run: a no-op allocates nothing. */
const DONE: Promise<StepOutcome> = Promise.resolve(SUCCEEDED);

/** The built-in `noop` step type. */
export const noopStep: StepType<t.TypeOf<typeof noopParameters>> = {
  name: 'noop',
  description: 'Does nothing and succeeds.',
  parameters: noopParameters,
  run: () => DONE,
};
