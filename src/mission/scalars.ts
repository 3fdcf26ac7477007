// Refined scalar codecs shared by the mission codec and the step types' parameter codecs.
import * as t from 'io-ts';

export interface PositiveIntBrand {
  readonly PositiveInt: unique symbol;
}
/** A whole number ≥ 1. */
export const PositiveInt = t.brand(t.number, (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n >= 1, 'PositiveInt');

export interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol;
}
/** A whole number ≥ 0. */
export const NonNegativeInt = t.brand(t.number, (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isInteger(n) && n >= 0, 'NonNegativeInt');

export interface NonNegativeBrand {
  readonly NonNegative: unique symbol;
}
/** A finite number ≥ 0. */
export const NonNegative = t.brand(t.number, (n): n is t.Branded<number, NonNegativeBrand> => Number.isFinite(n) && n >= 0, 'NonNegative');

export interface PositiveBrand {
  readonly Positive: unique symbol;
}
/** A finite number > 0. */
export const Positive = t.brand(t.number, (n): n is t.Branded<number, PositiveBrand> => Number.isFinite(n) && n > 0, 'Positive');

/** A string → string map, such as `env`. */
export const StringMap = t.record(t.string, t.string);
