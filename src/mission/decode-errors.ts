// io-ts validation errors, turned into one clear draft per problem. io-ts reports a failed union
// once per branch; here each union is resolved to the branch the author evidently meant (the one
// whose outer shape matched), or reported once as "expected A or B".
import type * as t from 'io-ts';
import { either } from 'fp-ts';
import { describeCodec } from './describe-codec.js';
import { membersOf, tagOf, unwrap } from './codec-shape.js';
import { error, type Draft } from './draft.js';
import type { Path, PathSegment } from './path.js';
import { kindOf, renderValue } from './render-value.js';
import { withoutNullOptionals } from './null-as-absent.js';
import { isChecksOnly } from './checks-only.js';

interface UnionChoice {
  /** Data-path length at the union. */
  readonly depth: number;
  readonly union: t.Any;
  readonly actual: unknown;
  readonly branch: string;
}

interface Item {
  readonly path: ReadonlyArray<PathSegment>;
  readonly unions: ReadonlyArray<UnionChoice>;
  readonly expected: t.Any;
  readonly actual: unknown;
  readonly message: string | undefined;
}

const toItem = (e: t.ValidationError): Item => {
  const path: PathSegment[] = [];
  const unions: UnionChoice[] = [];
  const ctx = e.context;
  for (let i = 1; i < ctx.length; i++) {
    const parent = ctx[i - 1]!;
    const entry = ctx[i]!;
    const parentType = parent.type as t.Any;
    const parentTag = tagOf(unwrap(parentType, true));
    if (parentTag === 'UnionType') {
      unions.push({ depth: path.length, union: parentType, actual: parent.actual, branch: entry.key });
      continue;
    }
    if (parentTag === 'IntersectionType') continue;
    const parentIsList = Array.isArray(parent.actual);
    path.push(parentIsList && /^\d+$/.test(entry.key) ? Number(entry.key) : entry.key);
  }
  const last = ctx[ctx.length - 1];
  return {
    path,
    unions,
    expected: (last?.type as t.Any | undefined) ?? ({ name: 'value' } as t.Any),
    actual: e.value,
    message: e.message,
  };
};

const samePath = (a: ReadonlyArray<PathSegment>, b: ReadonlyArray<PathSegment>, n: number): boolean => {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Picks the union branch whose errors all lie inside the value (its outer shape matched), preferring fewer missing keys. */
const chooseBranch = (items: ReadonlyArray<Item>, depth: number): ReadonlyArray<Item> | undefined => {
  const byBranch = new Map<string, Item[]>();
  for (const it of items) {
    const b = it.unions[0]!.branch;
    byBranch.set(b, [...(byBranch.get(b) ?? []), it]);
  }
  const candidates = [...byBranch.values()].filter((errs) => errs.every((e) => e.path.length > depth));
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  const missing = (errs: ReadonlyArray<Item>): number => errs.filter((e) => e.actual === undefined).length;
  const scored = candidates.map((errs) => ({ errs, m: missing(errs) })).sort((a, b) => a.m - b.m);
  return scored[0]!.m < scored[1]!.m ? scored[0]!.errs : undefined;
};

const draftOf = (it: Item, base: Path): Draft => {
  const path = [...base, ...it.path];
  const key = it.path.length > 0 ? String(it.path[it.path.length - 1]) : '';
  const expected = describeCodec(it.expected);
  const name = key === '' ? 'the mission' : /^\d+$/.test(key) ? `item ${key}` : `\`${key}\``;
  if (it.message !== undefined && it.actual === undefined)
    return error({ code: 'missing_field', path, message: it.message, expected });
  if (it.actual === undefined)
    return error({ code: 'missing_field', path, message: `missing required field ${name}`, expected });
  if (it.message !== undefined)
    return error({
      code: 'invalid_value',
      path,
      message: it.message,
      found: renderValue(it.actual),
      expected,
    });
  const kind = kindOf(it.actual);
  const wrongKind = !acceptsKind(it.expected, kind);
  // The two commonest slips: an unquoted number where text is expected, a single value where a list is.
  const hint =
    wrongKind && (kind === 'number' || kind === 'boolean') && acceptsKind(it.expected, 'string')
      ? `quote it: "${String(it.actual)}"`
      : wrongKind && (kind === 'string' || kind === 'number') && acceptsKind(it.expected, 'list')
        ? `write a list: [${JSON.stringify(it.actual)}]`
        : undefined;
  return error({
    code: wrongKind ? 'invalid_type' : 'invalid_value',
    path,
    message: wrongKind ? `wrong type for ${name}` : `invalid value for ${name}`,
    found: renderValue(it.actual),
    expected,
    ...(hint !== undefined ? { hint } : {}),
  });
};

// Whether the codec takes values of this kind at all: a wrong kind is a type error, a right kind with a bad value is a value error.
const acceptsKind = (codec: t.Any, kind: ReturnType<typeof kindOf>, depth = 0): boolean => {
  const c = unwrap(codec, true);
  switch (tagOf(c)) {
    case 'StringType':
    case 'KeyofType':
      return kind === 'string';
    case 'LiteralType':
      return kindOf((c as unknown as { readonly value: unknown }).value) === kind;
    case 'NumberType':
      return kind === 'number';
    case 'BooleanType':
      return kind === 'boolean';
    case 'NullType':
      return kind === 'null';
    case 'ArrayType':
    case 'ReadonlyArrayType':
    case 'AnyArrayType':
    case 'TupleType':
      return kind === 'list';
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType':
    case 'DictionaryType':
    case 'AnyDictionaryType':
      return kind === 'map';
    case 'UnionType':
      return depth < 8 && membersOf(c).some((m) => acceptsKind(m, kind, depth + 1));
    default:
      return true;
  }
};

const reduce = (items: ReadonlyArray<Item>, base: Path, out: Draft[]): void => {
  const groups = new Map<string, Item[]>();
  for (const it of items) {
    const u = it.unions[0];
    if (u === undefined) {
      out.push(draftOf(it, base));
      continue;
    }
    // A union is identified by where it sits; items under the same union are decided together.
    const key = JSON.stringify(it.path.slice(0, u.depth));
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [it]);
    else if (samePath(g[0]!.path, it.path, u.depth) && g[0]!.unions[0]!.union === u.union) g.push(it);
    else out.push(draftOf(it, base));
  }
  for (const g of groups.values()) {
    const u = g[0]!.unions[0]!;
    const chosen = chooseBranch(g, u.depth);
    if (chosen !== undefined) {
      reduce(
        chosen.map((it) => ({ ...it, unions: it.unions.slice(1) })),
        base,
        out,
      );
    } else {
      out.push(
        draftOf(
          {
            path: g[0]!.path.slice(0, u.depth),
            unions: [],
            expected: u.union,
            actual: u.actual,
            message: undefined,
          },
          base,
        ),
      );
    }
  }
};

/** One draft per problem io-ts found, addressed below `base` (such as `['steps', 3]`). */
export const draftsFromValidation = (errors: t.Errors, base: Path): ReadonlyArray<Draft> => {
  const out: Draft[] = [];
  reduce(errors.map(toItem), base, out);
  const seen = new Set<string>();
  return out.filter((d) => {
    const k = `${JSON.stringify(d.path)}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/**
 * Decodes `value`, pushing one draft per problem (below `base`) and returning the value when it
 * decoded. An optional field written `null` reads as absent, as in RustChain. A codec marked
 * `checksOnly` is asked `is` first: a value it accepts decodes to itself.
 */
export const decodeWith = <A>(
  codec: t.Type<A, unknown, unknown>,
  value: unknown,
  base: Path,
  drafts: Draft[],
): A | undefined => {
  const input = withoutNullOptionals(codec, value);
  if (isChecksOnly(codec) && codec.is(input)) return input;
  const r = codec.decode(input);
  if (either.isRight(r)) return r.right;
  drafts.push(...draftsFromValidation(r.left, base));
  return undefined;
};
