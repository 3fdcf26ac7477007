// defineStepType: a host's own step type, typed from its parameter codec, with the same
// validation, timeouts, retries, cancellation and progress as the built-ins.
import type * as t from 'io-ts';
import { brandedInstanceOf, markPrototype } from '../error-brand.js';
import type { FailureKind, StepContext, StepOutcome, StepType } from '../ports/step-type.js';

/** A step type that keeps its name and codec in its type, so a typed mission can check its steps' parameters. */
export type TypedStepType<N extends string, C extends t.Any> = StepType<t.TypeOf<C>> & {
  readonly name: N;
  readonly parameters: C;
};

/** What a host writes to define a step type. */
export interface StepTypeDefinition<C extends t.Mixed, N extends string = string> {
  /** The `step_type` missions use. */
  readonly name: N;
  /**
   * An io-ts codec for `parameters`, checked when the mission loads, with positioned errors. Build
   * it from `t.type`/`t.partial`/`t.intersection`, so unknown keys are reported too.
   * @example t.intersection([t.type({ url: t.string }), t.partial({ retries: t.number })])
   */
  readonly parameters: C;
  /** One line for `missionkit plan` and the docs. */
  readonly description?: string;
  /**
   * Does the work. The resolved value becomes the step's `output` (JSON-serialisable), readable by
   * later steps as `{<id>_result}` (its `response` field when it has one, otherwise its JSON). A
   * thrown error fails the step with its message; throw a `StepError` to add a hint, a failure
   * kind or an HTTP status (`retry_on: [{http_status: [...]}]`), or `retryable: false` to stop retries.
   * Honour `ctx.signal`: it fires on timeout, cancel and fail_fast.
   * @example run: async (ctx, p) => { ctx.progress('uploading'); return { url: await upload(p.file, ctx.signal) }; }
   */
  readonly run: (ctx: StepContext, params: t.TypeOf<C>) => Promise<unknown>;
}

/** What a `StepError` may say besides its message. */
export interface StepErrorOptions {
  /** What to do about it, shown apart from the message. */
  readonly hint?: string;
  /** `false` stops a retry policy from trying again. @default true */
  readonly retryable?: boolean;
  /** Why it failed, for `retry_on` and reports. @default 'error' */
  readonly failure_kind?: FailureKind;
  /** The HTTP status behind the failure, matched by `retry_on: [{http_status: [...]}]`. */
  readonly http_status?: number;
  /** Structured output kept on the failed step (what was learnt before failing). */
  readonly output?: unknown;
  readonly cause?: unknown;
}

const STEP_ERROR = Symbol.for('missionkit.StepError');
const NON_RETRYABLE_ERROR = Symbol.for('missionkit.NonRetryableError');

/**
 * An error a step type throws to fail its step with more than a message. Recognised (and
 * `instanceof` holds) across the CommonJS and ES module builds loaded in one process.
 */
export class StepError extends Error {
  static override [Symbol.hasInstance](value: unknown): value is StepError {
    return brandedInstanceOf(this, StepError, STEP_ERROR, value);
  }

  static {
    markPrototype(this, STEP_ERROR);
  }

  override readonly name: string = 'StepError';
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly failure_kind: FailureKind;
  readonly http_status: number | undefined;
  readonly output: unknown;

  constructor(message: string, options: StepErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.hint = options.hint;
    this.retryable = options.retryable ?? true;
    this.failure_kind = options.failure_kind ?? 'error';
    this.http_status = options.http_status;
    this.output = options.output;
  }
}

/** An error a step type throws to fail its step without further retries. */
export class NonRetryableError extends StepError {
  static override [Symbol.hasInstance](value: unknown): value is NonRetryableError {
    return brandedInstanceOf(this, NonRetryableError, NON_RETRYABLE_ERROR, value);
  }

  static {
    markPrototype(this, NON_RETRYABLE_ERROR);
  }

  override readonly name: string = 'NonRetryableError';
  override readonly retryable = false;
  constructor(message: string, options: Omit<StepErrorOptions, 'retryable'> = {}) {
    super(message, { ...options, retryable: false });
  }
}

/** The outcome a `StepError` stands for. */
const outcomeOfStepError = (e: StepError): StepOutcome => ({
  status: 'failed',
  failure_kind: e.failure_kind,
  message: e.message,
  ...(e.hint !== undefined ? { hint: e.hint } : {}),
  ...(e.http_status !== undefined ? { http_status: e.http_status } : {}),
  ...(e.output !== undefined ? { output: e.output } : {}),
  ...(e.retryable ? {} : { retryable: false }),
});

/** Why a value cannot be a step's output, or undefined when it can (JSON-serialisable). */
const notSerialisable = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value) === undefined ? `${typeof value} is not JSON` : undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
};

/**
 * Defines a step type: register it with `runMission(mission, { stepTypes: [it] })` (or
 * `parseMission(text, { stepTypes: makeRegistry([it]) })`); `params` in `run` is typed from the codec.
 * @example
 * const greet = defineStepType({
 *   name: 'greet',
 *   parameters: t.type({ who: t.string }),
 *   run: async (ctx, p) => ({ greeting: `hello ${p.who}` }),
 * });
 */
export const defineStepType = <C extends t.Mixed, N extends string = string>(
  definition: StepTypeDefinition<C, N>,
): TypedStepType<N, C> => ({
  name: definition.name,
  parameters: definition.parameters,
  ...(definition.description !== undefined ? { description: definition.description } : {}),
  run: async (ctx, params): Promise<StepOutcome> => {
    let output: unknown;
    try {
      output = await definition.run(ctx, params);
    } catch (e) {
      if (e instanceof StepError) return outcomeOfStepError(e);
      throw e;
    }
    if (output === undefined) return { status: 'succeeded' };
    const why = notSerialisable(output);
    if (why !== undefined)
      return {
        status: 'failed',
        failure_kind: 'error',
        message: `step type ${definition.name} returned an output that is not JSON-serialisable: ${why}`,
        hint: 'return plain data (objects, arrays, strings, numbers, booleans, null): convert BigInts, Dates and class instances first',
        retryable: false,
      };
    return { status: 'succeeded', output };
  },
});
