// Looking inside io-ts codecs: which keys a map codec declares and what each expects. Unknown-key
// detection, error descriptions and the JSON Schema generator all read codecs through this file,
// so "what the format allows" has one source.
import type * as t from 'io-ts';

/** A codec seen with its io-ts tag (every built-in io-ts combinator has one). */
export type Tagged = t.Any & { readonly _tag?: string };

/** The io-ts combinator behind a codec, or undefined for a hand-written `new t.Type`. */
export const tagOf = (codec: t.Any): string | undefined => (codec as Tagged)._tag;

interface Wrapper {
  readonly type: t.Any;
}
interface Members {
  readonly types: ReadonlyArray<t.Any>;
}
interface Props {
  readonly props: Readonly<Record<string, t.Any>>;
}

/** The codec a wrapper wraps (readonly, exact, strict, recursive and, when `refinements`, refined). */
export const unwrap = (codec: t.Any, refinements: boolean): t.Any => {
  let c = codec;
  for (let i = 0; i < 100; i++) {
    const tag = tagOf(c);
    if (tag === 'ReadonlyType' || tag === 'ExactType' || tag === 'StrictType' || tag === 'RecursiveType')
      c = (c as unknown as Wrapper).type;
    else if (refinements && tag === 'RefinementType') c = (c as unknown as Wrapper).type;
    else return c;
  }
  return c;
};

/** Members of a union or intersection codec. */
export const membersOf = (codec: t.Any): ReadonlyArray<t.Any> => (codec as unknown as Members).types;

/** Declared properties of an interface/partial codec. */
export const propsOf = (codec: t.Any): Readonly<Record<string, t.Any>> => (codec as unknown as Props).props;

/** What a map codec declares: each key's codecs, which keys are required, and whether other keys are unexpected. */
export interface ObjectShape {
  readonly props: ReadonlyMap<string, ReadonlyArray<t.Any>>;
  readonly required: ReadonlySet<string>;
  /** False when the codec also accepts keys it does not name (a record, `t.UnknownRecord`). */
  readonly closed: boolean;
}

const merge = (shapes: ReadonlyArray<ObjectShape>, requiredByAll: boolean): ObjectShape => {
  const props = new Map<string, t.Any[]>();
  for (const s of shapes) for (const [k, cs] of s.props) props.set(k, [...(props.get(k) ?? []), ...cs]);
  const required = new Set<string>();
  if (requiredByAll) {
    for (const k of props.keys()) if (shapes.every((s) => s.required.has(k))) required.add(k);
  } else for (const s of shapes) for (const k of s.required) required.add(k);
  return { props, required, closed: shapes.every((s) => s.closed) };
};

// Codecs are immutable, so a codec's shape is computed once (a 100,000-step mission asks for it per step).
const shapes = new WeakMap<t.Any, ObjectShape | null>();

/** The map a codec describes, or undefined when it does not describe a map. Codec depth bounds the recursion. */
export const objectShape = (codec: t.Any, depth = 0): ObjectShape | undefined => {
  const cached = shapes.get(codec);
  if (cached !== undefined) return cached ?? undefined;
  const shape = computeShape(codec, depth);
  if (depth === 0) shapes.set(codec, shape ?? null);
  return shape;
};

const computeShape = (codec: t.Any, depth: number): ObjectShape | undefined => {
  if (depth > 32) return undefined;
  const c = unwrap(codec, true);
  switch (tagOf(c)) {
    case 'InterfaceType':
    case 'PartialType': {
      const props = new Map(Object.entries(propsOf(c)).map(([k, v]) => [k, [v]] as const));
      const required = new Set(tagOf(c) === 'InterfaceType' ? Object.keys(propsOf(c)) : []);
      return { props, required, closed: true };
    }
    case 'IntersectionType': {
      const shapes = membersOf(c).map((m) => objectShape(m, depth + 1));
      const defined = shapes.filter((s): s is ObjectShape => s !== undefined);
      if (defined.length === 0) return undefined;
      const merged = merge(defined, false);
      return defined.length === shapes.length ? merged : { ...merged, closed: false };
    }
    case 'UnionType': {
      const defined = membersOf(c)
        .map((m) => objectShape(m, depth + 1))
        .filter((s): s is ObjectShape => s !== undefined);
      return defined.length === 0 ? undefined : merge(defined, true);
    }
    case 'DictionaryType':
    case 'AnyDictionaryType':
      return { props: new Map(), required: new Set(), closed: false };
    default:
      return undefined;
  }
};

/** The element codec of a list codec, or undefined. */
export const elementOf = (codec: t.Any): t.Any | undefined => {
  const c = unwrap(codec, true);
  const tag = tagOf(c);
  return tag === 'ArrayType' || tag === 'ReadonlyArrayType' ? (c as unknown as Wrapper).type : undefined;
};

/** The value codec of a record codec (`t.record(t.string, X)`), or undefined. */
export const codomainOf = (codec: t.Any): t.Any | undefined => {
  const c = unwrap(codec, true);
  return tagOf(c) === 'DictionaryType' ? (c as unknown as { readonly codomain: t.Any }).codomain : undefined;
};
