// Refined scalar codecs shared by the mission codec and the step types' parameter codecs.
import * as t from 'io-ts';

export interface PositiveIntBrand {
  readonly PositiveInt: unique symbol;
}
/** A whole number ≥ 1. */
export const PositiveInt = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n >= 1,
  'PositiveInt',
);

export interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol;
}
/** A whole number ≥ 0. */
export const NonNegativeInt = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isInteger(n) && n >= 0,
  'NonNegativeInt',
);

export interface NonNegativeBrand {
  readonly NonNegative: unique symbol;
}
/** A finite number ≥ 0. */
export const NonNegative = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeBrand> => Number.isFinite(n) && n >= 0,
  'NonNegative',
);

export interface PositiveBrand {
  readonly Positive: unique symbol;
}
/** A finite number > 0. */
export const Positive = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveBrand> => Number.isFinite(n) && n > 0,
  'Positive',
);

/** A string → string map, such as `env`. */
export const StringMap = t.record(t.string, t.string);

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
/** A string with at least one non-blank character (ids, step type names). */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.trim().length > 0,
  'NonEmptyString',
);

export interface PercentBrand {
  readonly Percent: unique symbol;
}
/** A percentage from 1 to 100. */
export const Percent = t.brand(
  t.number,
  (n): n is t.Branded<number, PercentBrand> => Number.isFinite(n) && n >= 1 && n <= 100,
  'Percent',
);

export interface FractionBrand {
  readonly Fraction: unique symbol;
}
/** A fraction from 0 to 1 (a retry's jitter). */
export const Fraction = t.brand(
  t.number,
  (n): n is t.Branded<number, FractionBrand> => Number.isFinite(n) && n >= 0 && n <= 1,
  'Fraction',
);

export interface AtLeastOneBrand {
  readonly AtLeastOne: unique symbol;
}
/** A finite number ≥ 1 (growth factors). */
export const AtLeastOne = t.brand(
  t.number,
  (n): n is t.Branded<number, AtLeastOneBrand> => Number.isFinite(n) && n >= 1,
  'AtLeastOne',
);

export interface HttpStatusCodeBrand {
  readonly HttpStatusCode: unique symbol;
}
/** An HTTP status, 100–599. */
export const HttpStatusCode = t.brand(
  t.Int,
  (n): n is t.Branded<t.Int, HttpStatusCodeBrand> => n >= 100 && n <= 599,
  'HttpStatusCode',
);

export interface HttpStatusClassBrand {
  readonly HttpStatusClass: unique symbol;
}
/** The pattern a status class string must match: `5xx` (any 5xx status) or a status as text, `404`. */
export const HTTP_STATUS_CLASS_PATTERN = '^[1-5](?:[xX]{2}|[0-9]{2})$';
const httpStatusClass = new RegExp(HTTP_STATUS_CLASS_PATTERN);
/** A class of HTTP statuses written as text: `"5xx"`, or one status as text: `"404"`. */
export const HttpStatusClass = t.brand(
  t.string,
  (s): s is t.Branded<string, HttpStatusClassBrand> => httpStatusClass.test(s),
  'HttpStatusClass',
);

/** Any value at all, but present: unlike `t.unknown`, a missing key does not satisfy it. */
export const AnyValue = new t.Type<unknown, unknown, unknown>(
  'AnyValue',
  (u): u is unknown => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c) : t.success(u)),
  t.identity,
);
