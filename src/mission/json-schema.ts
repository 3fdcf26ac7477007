// The mission JSON Schema (draft-07, which editors support best), generated from the same io-ts
// codecs the parser decodes with, plus each registered step type's parameter codec — so the
// schema an editor checks against cannot drift from what missionkit accepts.
import * as t from 'io-ts';
import { either } from 'fp-ts';
import type { StepTypeRegistry } from '../ports/step-type.js';
import { codomainOf, elementOf, membersOf, objectShape, propsOf, tagOf, unwrap } from './codec-shape.js';
import { LiftableFieldsCodec, MatrixCodec, MissionCodec, StepCodec, StepTypeRefCodec } from './codec.js';
import { MATRIX_JSON_SCHEMA } from './matrix.js';
import { declaredKeys } from './known-keys.js';
import { RequiredUnlessType } from './required-unless.js';
import {
  AnyValue,
  AtLeastOne,
  Fraction,
  HTTP_STATUS_CLASS_PATTERN,
  HttpStatusClass,
  HttpStatusCode,
  NonEmptyString,
  NonNegative,
  NonNegativeInt,
  Percent,
  Positive,
  PositiveInt,
} from './scalars.js';

/** A JSON Schema, as plain JSON data. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/** How the schema treats step types. */
export interface JsonSchemaOptions {
  /**
   * Accept only the registry's step types, as the parser does with that registry. Off for the
   * schema editors use, since a host may register step types the editor cannot know about.
   * @default false
   */
  readonly closedStepTypes?: boolean;
}

const known = new Map<t.Any, JsonSchema>([
  [t.Int, { type: 'integer' }],
  [PositiveInt, { type: 'integer', minimum: 1 }],
  [NonNegativeInt, { type: 'integer', minimum: 0 }],
  [NonNegative, { type: 'number', minimum: 0 }],
  [Positive, { type: 'number', exclusiveMinimum: 0 }],
  [Percent, { type: 'number', minimum: 1, maximum: 100 }],
  [Fraction, { type: 'number', minimum: 0, maximum: 1 }],
  [AtLeastOne, { type: 'number', minimum: 1 }],
  [NonEmptyString, { type: 'string', pattern: '\\S' }],
  [HttpStatusCode, { type: 'integer', minimum: 100, maximum: 599 }],
  [HttpStatusClass, { type: 'string', pattern: HTTP_STATUS_CLASS_PATTERN }],
  [AnyValue, {}],
  [MatrixCodec, MATRIX_JSON_SCHEMA],
]);

const isObjectCodec = (codec: t.Any): boolean => {
  const c = unwrap(codec, false);
  const tag = tagOf(c);
  if (tag === 'InterfaceType' || tag === 'PartialType') return true;
  return tag === 'IntersectionType' && membersOf(c).every(isObjectCodec);
};

const orNull = (schema: JsonSchema): JsonSchema => {
  if (typeof schema !== 'object') return schema;
  const type = schema['type'];
  const keys = Object.keys(schema);
  if (keys.length === 0) return schema;
  if (typeof type === 'string' && !('enum' in schema) && !('const' in schema))
    return { ...schema, type: [type, 'null'] };
  if (typeof type === 'string' && Array.isArray(schema['enum']))
    return { ...schema, type: [type, 'null'], enum: [...(schema['enum'] as unknown[]), null] };
  return { anyOf: [schema, { type: 'null' }] };
};

const objectSchema = (codec: t.Any, depth: number): { [key: string]: unknown } => {
  const shape = objectShape(codec)!;
  const properties: Record<string, JsonSchema> = {};
  for (const [k, codecs] of shape.props) {
    const schemas = codecs.map((c) => codecSchema(c, depth + 1));
    const schema = schemas.length === 1 ? schemas[0]! : { allOf: schemas };
    // An optional field written `null` reads as absent (RustChain's `Option`), so the schema takes it.
    properties[k] = shape.required.has(k) ? schema : orNull(schema);
  }
  return {
    type: 'object',
    properties,
    ...(shape.required.size > 0 ? { required: [...shape.required] } : {}),
  };
};

/** The JSON Schema of one codec; codecs it cannot express (a custom `t.Type`) become `{}` (anything). */
export const codecSchema = (codec: t.Any, depth = 0): JsonSchema => {
  const byIdentity = known.get(codec);
  if (byIdentity !== undefined) return byIdentity;
  if (depth > 24) return {};
  if (codec instanceof RequiredUnlessType) {
    const inner = codecSchema(codec.type as t.Any, depth + 1);
    const keys = [codec.requiredKey, ...codec.alternatives];
    const anyOf = keys.map((k) => ({ required: [k] }));
    return typeof inner === 'object' ? { ...inner, anyOf } : { allOf: [inner, { anyOf }] };
  }
  if (isObjectCodec(codec)) return objectSchema(codec, depth);
  const c = unwrap(codec, false);
  switch (tagOf(c)) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
    case 'AnyType':
      return {};
    case 'AnyDictionaryType':
      return { type: 'object' };
    case 'AnyArrayType':
      return { type: 'array' };
    case 'LiteralType':
      return { const: (c as unknown as { readonly value: unknown }).value };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys((c as unknown as { readonly keys: object }).keys) };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: codecSchema(elementOf(c)!, depth + 1) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: codecSchema(codomainOf(c)!, depth + 1) };
    case 'TupleType': {
      const items = membersOf(c).map((m) => codecSchema(m, depth + 1));
      return { type: 'array', items, minItems: items.length, maxItems: items.length };
    }
    case 'UnionType': {
      const members = membersOf(c).map((m) => codecSchema(m, depth + 1));
      const enums = members.every(
        (m) =>
          typeof m === 'object' &&
          m['type'] === 'string' &&
          Array.isArray(m['enum']) &&
          Object.keys(m).length === 2,
      );
      if (enums)
        return {
          type: 'string',
          enum: members.flatMap((m) => (m as { readonly enum: ReadonlyArray<string> }).enum),
        };
      return { anyOf: members };
    }
    case 'IntersectionType':
      return { allOf: membersOf(c).map((m) => codecSchema(m, depth + 1)) };
    case 'RefinementType':
      // A refinement the schema cannot state: the schema is looser here than the codec.
      return codecSchema((c as unknown as { readonly type: t.Any }).type, depth + 1);
    default:
      return {};
  }
};

const acceptsEmpty = (codec: t.Any): boolean => {
  try {
    return either.isRight(codec.decode({}));
  } catch {
    return false;
  }
};

const stepTypeIs = (name: string): JsonSchema => ({
  anyOf: [{ const: name }, { type: 'object', properties: { type: { const: name } }, required: ['type'] }],
});

/** The schema of one step type's `parameters`: its codec's schema plus the liftable step fields. */
const parametersSchema = (codec: t.Any): JsonSchema => {
  const own = codecSchema(codec);
  const liftable = propsOf(LiftableFieldsCodec);
  const liftedProps = Object.fromEntries(Object.entries(liftable).map(([k, v]) => [k, codecSchema(v)]));
  if (typeof own === 'object' && own['type'] === 'object') {
    const props = (own['properties'] as Record<string, JsonSchema> | undefined) ?? {};
    return { ...own, properties: { ...props, ...liftedProps } };
  }
  return { allOf: [own, { type: 'object', properties: liftedProps }] };
};

/**
 * For one step type: its parameters are checked (unless `continue_on_error` defers their errors
 * to run time, as the parser does), and its parameter names may not sit on the step itself.
 */
const stepTypeRules = (name: string, codec: t.Any): ReadonlyArray<JsonSchema> => {
  const params = parametersSchema(codec);
  const optional = acceptsEmpty(codec);
  const stepKeys = new Set(declaredKeys(StepCodec) ?? []);
  const misplaced = (declaredKeys(codec) ?? []).filter((k) => !stepKeys.has(k));
  const isType = { properties: { step_type: stepTypeIs(name) }, required: ['step_type'] };
  return [
    {
      if: {
        properties: { step_type: stepTypeIs(name), continue_on_error: { const: false } },
        required: ['step_type'],
      },
      then: {
        properties: { parameters: optional ? { anyOf: [{ type: 'null' }, params] } : params },
        ...(optional ? {} : { required: ['parameters'] }),
      },
    },
    ...(misplaced.length > 0
      ? [
          {
            if: isType,
            then: {
              dependencies: Object.fromEntries(
                misplaced.map((k) => [
                  k,
                  { required: ['parameters'], properties: { parameters: { type: 'object', required: [k] } } },
                ]),
              ),
            },
          },
        ]
      : []),
  ];
};

/** The mission JSON Schema for a registry of step types (pure: the same registry gives the same schema). */
export const missionJsonSchema = (
  registry: StepTypeRegistry,
  options: JsonSchemaOptions = {},
): { readonly [key: string]: unknown } => {
  const names = [...registry.keys()].sort();
  const stepBase = objectSchema(StepCodec, 0) as {
    properties: Record<string, JsonSchema>;
    [key: string]: unknown;
  };
  const stepType: JsonSchema = options.closedStepTypes
    ? {
        anyOf: [
          { type: 'string', enum: names },
          { type: 'object', properties: { type: { type: 'string', enum: names } }, required: ['type'] },
        ],
      }
    : { ...(codecSchema(StepTypeRefCodec) as object), examples: names };
  const step = {
    ...stepBase,
    properties: {
      ...stepBase.properties,
      step_type: stepType,
      dependencies: { ...(stepBase.properties['dependencies'] as object), minItems: 1 },
      if: {
        ...(stepBase.properties['if'] as object),
        description:
          "Run the step only when this condition holds (e.g. variables.branch == 'main', failure()); see docs/mission-format.md#conditions-if",
      },
    },
    allOf: [
      // `conditional` needs its list; a list needs `conditional` (or no strategy, which implies it).
      {
        if: {
          properties: { dependency_strategy: { const: 'conditional' } },
          required: ['dependency_strategy'],
        },
        then: { required: ['dependencies'] },
      },
      {
        if: { required: ['dependencies', 'dependency_strategy'] },
        then: { properties: { dependency_strategy: { const: 'conditional' } } },
      },
      ...names.flatMap((n) => stepTypeRules(n, registry.get(n)!.parameters as t.Any)),
    ],
  };
  const mission = objectSchema(MissionCodec, 0) as {
    properties: Record<string, JsonSchema>;
    [key: string]: unknown;
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'missionkit mission',
    description:
      "A mission: a graph of steps (RustChain format plus extensions). Generated from missionkit's codecs; see https://github.com/missionkit/missionkit/blob/main/docs/mission-format.md. Unknown keys are allowed here but reported by missionkit as warnings.",
    ...mission,
    properties: {
      ...mission.properties,
      steps: { type: 'array', minItems: 1, items: step },
    },
  };
};
