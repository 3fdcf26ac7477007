// RustChain reads its optional fields as `Option<T>` (serde) or looks parameters up with
// `.get(k).and_then(as_str)`, so `depends_on: null` (which its own transpiler writes) or
// `model: null` means "not set" there. Here too: a `null` under a key the codec declares as
// optional, and which does not itself take `null`, is dropped before decoding. One walk over the
// codec's shape does it for every map the format has, so no field needs its own rule.
import type * as t from 'io-ts';
import { codomainOf, elementOf, membersOf, objectShape, tagOf, unwrap } from './codec-shape.js';

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a codec accepts `null` as a value of its own (`config: null`, `use_default_value: null`). */
const takesNull = (codec: t.Any, depth = 0): boolean => {
  const c = unwrap(codec, true);
  switch (tagOf(c)) {
    case 'NullType':
    case 'UnknownType':
    case 'AnyType':
    case undefined:
      return true;
    case 'UnionType':
      return depth < 8 && membersOf(c).some((m) => takesNull(m, depth + 1));
    default:
      return false;
  }
};

const listElement = (codec: t.Any): t.Any | undefined => {
  const direct = elementOf(codec);
  if (direct !== undefined) return direct;
  const c = unwrap(codec, true);
  return tagOf(c) === 'UnionType'
    ? membersOf(c)
        .map(elementOf)
        .find((e) => e !== undefined)
    : undefined;
};

/**
 * `value` with every `key: null` removed where `codec` declares `key` optional and does not take
 * `null`; the same object when there is none (the common case costs one walk and no copy).
 * @example withoutNullOptionals(StepCodec, { id: 'a', depends_on: null }) // { id: 'a' }
 */
export const withoutNullOptionals = (codec: t.Any, value: unknown): unknown =>
  // Most missions hold no `null`: one plain scan settles it, without looking at the codec.
  containsNull(value, 0) ? dropNulls(codec, value, 0) : value;

const containsNull = (value: unknown, depth: number): boolean => {
  if (value === null) return true;
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (containsNull(v, depth + 1)) return true;
    return false;
  }
  for (const k in value) if (containsNull((value as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
};

const dropNulls = (codec: t.Any, value: unknown, depth: number): unknown => {
  if (depth > 32) return value;
  if (Array.isArray(value)) {
    const element = listElement(codec);
    if (element === undefined) return value;
    let changed = false;
    const out = value.map((item) => {
      const next = dropNulls(element, item, depth + 1);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (!isMap(value)) return value;
  const codomain = codomainOf(codec);
  const shape = codomain === undefined ? objectShape(codec) : undefined;
  if (codomain === undefined && shape === undefined) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, item] of Object.entries(value)) {
    const codecs = codomain !== undefined ? [codomain] : shape!.props.get(k);
    if (codecs === undefined) continue;
    if (
      item === null &&
      codomain === undefined &&
      !shape!.required.has(k) &&
      !codecs.some((c) => takesNull(c))
    ) {
      out ??= { ...value };
      delete out[k];
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    for (const c of codecs) {
      const next = dropNulls(c, item, depth + 1);
      if (next !== item) {
        out ??= { ...value };
        out[k] = next;
        break;
      }
    }
  }
  return out ?? value;
};
