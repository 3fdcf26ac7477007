// Keys a codec does not declare. io-ts ignores them; RustChain did too, and its users lost hours
// to `depends-on:` and `timeout:`. The known keys come from walking the codec itself, so a field
// added to a codec is known everywhere at once.
import type * as t from 'io-ts';
import { codomainOf, elementOf, membersOf, objectShape, tagOf, unwrap } from './codec-shape.js';
import { pathOfLink, type Path, type PathLink } from './path.js';

/** A key the codec at `path` does not declare. */
export interface UnknownKey {
  /** The path of the unknown key itself. */
  readonly path: Path;
  readonly key: string;
  /** The keys that would have been accepted there, for "did you mean". */
  readonly known: ReadonlyArray<string>;
}

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Codecs are immutable; a big mission asks for the same codec's keys once per step.
const declared = new WeakMap<t.Any, ReadonlyArray<string> | null>();

/** The names a map codec declares, or undefined when it accepts any key. */
export const declaredKeys = (codec: t.Any): ReadonlyArray<string> | undefined => {
  const cached = declared.get(codec);
  if (cached !== undefined) return cached ?? undefined;
  const shape = objectShape(codec);
  const keys = shape?.closed ? [...shape.props.keys()] : undefined;
  declared.set(codec, keys ?? null);
  return keys;
};

const listElement = (codec: t.Any): t.Any | undefined => {
  const direct = elementOf(codec);
  if (direct !== undefined) return direct;
  const c = unwrap(codec, true);
  if (tagOf(c) !== 'UnionType') return undefined;
  for (const m of membersOf(c)) {
    const e = elementOf(m);
    if (e !== undefined) return e;
  }
  return undefined;
};

/** What the walk needs to know of a codec, worked out once per codec (a big mission asks per step). */
interface Reading {
  readonly element: t.Any | undefined;
  readonly codomain: t.Any | undefined;
  readonly shape: ReturnType<typeof objectShape>;
  readonly known: ReadonlyArray<string>;
}
const readings = new WeakMap<t.Any, Reading>();
const readingOf = (codec: t.Any): Reading => {
  let r = readings.get(codec);
  if (r === undefined) {
    const shape = objectShape(codec);
    r = {
      element: listElement(codec),
      codomain: codomainOf(codec),
      shape,
      known: shape === undefined ? [] : [...shape.props.keys()],
    };
    readings.set(codec, r);
  }
  return r;
};

/** Every key in `value` that `codec` does not declare, walking only where the codec describes the value. */
export const findUnknownKeys = (codec: t.Any, value: unknown, base: Path): ReadonlyArray<UnknownKey> => {
  const found: UnknownKey[] = [];
  // Paths are links to their parent, made into arrays only for an unknown key.
  const stack: Array<{
    readonly codec: t.Any;
    readonly value: unknown;
    readonly path: PathLink | undefined;
  }> = [{ codec, value, path: undefined }];
  const full = (link: PathLink | undefined, key: string): Path => [...base, ...pathOfLink(link), key];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { codec: c, value: v, path } = stack.pop()!;
    const depth = (path?.depth ?? 0) + 1;
    if (Array.isArray(v)) {
      const element = readingOf(c).element;
      if (element === undefined) continue;
      v.forEach((item, i) => {
        if (typeof item === 'object' && item !== null)
          stack.push({ codec: element, value: item, path: { parent: path, segment: i, depth } });
      });
      continue;
    }
    if (!isMap(v)) continue;
    const reading = readingOf(c);
    if (reading.codomain !== undefined) {
      for (const [k, item] of Object.entries(v)) {
        if (typeof item === 'object' && item !== null)
          stack.push({ codec: reading.codomain, value: item, path: { parent: path, segment: k, depth } });
      }
      continue;
    }
    const shape = reading.shape;
    if (shape === undefined) continue;
    for (const [k, item] of Object.entries(v)) {
      const codecs = shape.props.get(k);
      if (codecs === undefined) {
        const at = full(path, k);
        const id = JSON.stringify(at);
        if (shape.closed && !seen.has(id)) {
          seen.add(id);
          found.push({ path: at, key: k, known: [...reading.known] });
        }
        continue;
      }
      if (typeof item === 'object' && item !== null)
        for (const kc of codecs)
          stack.push({ codec: kc, value: item, path: { parent: path, segment: k, depth } });
    }
  }
  return found.reverse();
};
