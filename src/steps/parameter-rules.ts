// Rules between a step's parameters ("not `body` and `body_file` together", "no body on a GET"),
// checked when the mission loads. A refinement of the map codec rather than a check in `run`, so
// the mistake is reported with the others, positioned at the offending key, before anything runs;
// and a refinement the parser sees through, so unknown-key detection still finds every key.
import * as t from 'io-ts';
import { either } from 'fp-ts';

/** A broken rule: the key to point at and the sentence to show (say what to do in it). */
export interface RuleViolation {
  readonly key: string;
  readonly message: string;
}

/** One rule: `undefined` when the decoded parameters keep it. */
export type ParameterRule<A> = (params: A) => RuleViolation | undefined;

/** A map codec whose decoded value must also keep every rule. */
export class RuledType<C extends t.Any> extends t.RefinementType<
  C,
  t.TypeOf<C>,
  t.OutputOf<C>,
  t.InputOf<C>
> {
  constructor(codec: C, rules: ReadonlyArray<ParameterRule<t.TypeOf<C>>>, name: string) {
    const broken = (v: t.TypeOf<C>): ReadonlyArray<RuleViolation> =>
      rules.map((r) => r(v)).filter((x): x is RuleViolation => x !== undefined);
    super(
      name,
      (u): u is t.TypeOf<C> => codec.is(u) && broken(u).length === 0,
      (u, c) =>
        either.chain((v: t.TypeOf<C>) => {
          const violations = broken(v);
          if (violations.length === 0) return t.success(v);
          // An intersection is transparent in a context path: step through it to a map, so the
          // error is addressed to the key itself (`parameters.body`), as io-ts's own errors are.
          const through: t.Context =
            (codec as { readonly _tag?: string })._tag === 'IntersectionType'
              ? [...c, { key: '', type: t.UnknownRecord, actual: v }]
              : c;
          return t.failures(
            violations.map((x) => ({
              value: (v as Record<string, unknown>)[x.key],
              context: [
                ...through,
                { key: x.key, type: t.unknown, actual: (v as Record<string, unknown>)[x.key] },
              ],
              message: x.message,
            })),
          );
        })(codec.validate(u, c)),
      codec.encode,
      codec,
      (v: t.TypeOf<C>) => broken(v).length === 0,
    );
  }
}

/** Refines a parameter codec with rules between its fields. */
export const withRules = <C extends t.Any>(
  codec: C,
  rules: ReadonlyArray<ParameterRule<t.TypeOf<C>>>,
  name: string = codec.name,
): RuledType<C> => new RuledType(codec, rules, name);

/** A rule: at most one of two keys. */
export const notBoth =
  <A>(a: keyof A & string, b: keyof A & string, advice: string): ParameterRule<A> =>
  (p) =>
    p[a] !== undefined && p[b] !== undefined
      ? { key: b, message: `\`${a}\` and \`${b}\` are both set: ${advice}` }
      : undefined;
