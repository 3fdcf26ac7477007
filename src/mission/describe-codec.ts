// What a codec expects, in words a mission author reads: "a number > 0", not "Positive".
import type * as t from 'io-ts';
import { membersOf, objectShape, tagOf, unwrap } from './codec-shape.js';

const named: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  unknown: 'any value',
  AnyValue: 'any value',
  UnknownRecord: 'a map',
  UnknownArray: 'a list',
  Int: 'a whole number',
  PositiveInt: 'a whole number ≥ 1',
  NonNegativeInt: 'a whole number ≥ 0',
  NonNegative: 'a number ≥ 0',
  Positive: 'a number > 0',
  Percent: 'a percentage from 1 to 100',
  Fraction: 'a number from 0 to 1',
  AtLeastOne: 'a number ≥ 1',
  NonEmptyString: 'a non-empty string',
  HttpStatusCode: 'an HTTP status from 100 to 599',
  HttpStatusClass: 'a status class such as "5xx"',
  StepTypeRef: 'a step type name such as "command" (or RustChain\'s {type: "command"})',
  Parameters: 'a map of parameters',
  ConfigOrNull: 'a map of settings',
  HttpStatus: 'an HTTP status (404) or a class ("5xx")',
};

/** Describes what `codec` accepts, in a short phrase starting with an article ("a list (each a string)"). */
export const describeCodec = (codec: t.Any, depth = 0): string => {
  const byName = named[codec.name];
  if (byName !== undefined) return byName;
  if (depth > 3) return codec.name;
  const c = unwrap(codec, false);
  switch (tagOf(c)) {
    case 'LiteralType':
      return JSON.stringify((c as unknown as { readonly value: unknown }).value);
    case 'KeyofType': {
      const keys = Object.keys((c as unknown as { readonly keys: object }).keys);
      return keys.length === 1
        ? JSON.stringify(keys[0])
        : `one of ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return `a list (each ${describeCodec((c as unknown as { readonly type: t.Any }).type, depth + 1)})`;
    case 'DictionaryType':
      return `a map (each value ${describeCodec((c as unknown as { readonly codomain: t.Any }).codomain, depth + 1)})`;
    case 'UnionType':
      return membersOf(c)
        .map((m) => describeCodec(m, depth + 1))
        .join(' or ');
    case 'RefinementType':
      return describeCodec((c as unknown as { readonly type: t.Any }).type, depth + 1);
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      const shape = objectShape(c);
      const keys = shape === undefined ? [] : [...shape.props.keys()];
      const required = shape === undefined ? [] : [...shape.required];
      if (required.length > 0 && required.length <= 2)
        return `a map with ${required.map((k) => `\`${k}\``).join(' and ')}`;
      return keys.length === 0
        ? 'a map'
        : `a map (${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''})`;
    }
    default:
      return codec.name;
  }
};
