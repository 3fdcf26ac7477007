// Keys a codec does not declare. io-ts ignores them; RustChain did too, and its users lost hours
// to `depends-on:` and `timeout:`. The known keys come from walking the codec itself, so a field
// added to a codec is known everywhere at once.
import type * as t from 'io-ts';
import { codomainOf, elementOf, membersOf, objectShape, tagOf, unwrap } from './codec-shape.js';
import type { Path } from './path.js';

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

/** The names a map codec declares, or undefined when it accepts any key. */
export const declaredKeys = (codec: t.Any): ReadonlyArray<string> | undefined => {
  const shape = objectShape(codec);
  return shape?.closed ? [...shape.props.keys()] : undefined;
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

/** Every key in `value` that `codec` does not declare, walking only where the codec describes the value. */
export const findUnknownKeys = (codec: t.Any, value: unknown, base: Path): ReadonlyArray<UnknownKey> => {
  const found: UnknownKey[] = [];
  const stack: Array<{ readonly codec: t.Any; readonly value: unknown; readonly path: Path }> = [
    { codec, value, path: base },
  ];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { codec: c, value: v, path } = stack.pop()!;
    if (Array.isArray(v)) {
      const element = listElement(c);
      if (element === undefined) continue;
      v.forEach((item, i) => {
        if (typeof item === 'object' && item !== null)
          stack.push({ codec: element, value: item, path: [...path, i] });
      });
      continue;
    }
    if (!isMap(v)) continue;
    const codomain = codomainOf(c);
    if (codomain !== undefined) {
      for (const [k, item] of Object.entries(v)) {
        if (typeof item === 'object' && item !== null)
          stack.push({ codec: codomain, value: item, path: [...path, k] });
      }
      continue;
    }
    const shape = objectShape(c);
    if (shape === undefined) continue;
    for (const [k, item] of Object.entries(v)) {
      const codecs = shape.props.get(k);
      if (codecs === undefined) {
        const id = JSON.stringify([...path, k]);
        if (shape.closed && !seen.has(id)) {
          seen.add(id);
          found.push({ path: [...path, k], key: k, known: [...shape.props.keys()] });
        }
        continue;
      }
      if (typeof item === 'object' && item !== null)
        for (const kc of codecs) stack.push({ codec: kc, value: item, path: [...path, k] });
    }
  }
  return found.reverse();
};
