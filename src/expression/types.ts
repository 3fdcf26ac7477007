// The static types of condition values, as sets: a reference may be "a number or null", and an
// output field may be anything JSON holds. A comparison whose two sides share no type can never
// be true, and is reported when the mission loads.

/** A set of types, as bits. */
export type TypeSet = number;

export const STRING = 1;
export const NUMBER = 2;
export const BOOLEAN = 4;
export const NULL = 8;
export const LIST = 16;
export const MAP = 32;
export const REGEX = 64;
/** Whatever JSON can hold (a structured output's field): checked when the condition runs. */
export const JSON_VALUE = STRING | NUMBER | BOOLEAN | NULL | LIST | MAP;

const NAMES: ReadonlyArray<readonly [TypeSet, string]> = [
  [STRING, 'a string'],
  [NUMBER, 'a number'],
  [BOOLEAN, 'true or false'],
  [NULL, 'null'],
  [LIST, 'a list'],
  [MAP, 'a map'],
  [REGEX, 'a regular expression'],
];

/** The types in words: "a number or null". */
export const typeName = (t: TypeSet): string => {
  if (t === JSON_VALUE) return 'any value';
  const names = NAMES.filter(([bit]) => (t & bit) !== 0).map(([, n]) => n);
  return names.length <= 1
    ? (names[0] ?? 'nothing')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
};

/** The type of a value at run time. */
export const typeOf = (v: unknown): TypeSet => {
  if (v === null || v === undefined) return NULL;
  switch (typeof v) {
    case 'string':
      return STRING;
    case 'number':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    default:
      return Array.isArray(v) ? LIST : MAP;
  }
};
