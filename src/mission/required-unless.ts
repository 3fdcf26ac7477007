// "`command` is required unless `platform_commands` is given": a refinement that the error
// reporter can position at the missing key and the JSON Schema generator can express (`anyOf`
// of `required`), which a plain `t.refinement` predicate could do neither of.
import * as t from 'io-ts';
import { either } from 'fp-ts';

/** A map codec refined so that `key`, or one of `alternatives`, must be present. */
export class RequiredUnlessType<C extends t.Any> extends t.RefinementType<
  C,
  t.TypeOf<C>,
  t.OutputOf<C>,
  t.InputOf<C>
> {
  constructor(
    codec: C,
    readonly requiredKey: string,
    readonly alternatives: ReadonlyArray<string>,
    name: string,
  ) {
    const present = (v: unknown, k: string): boolean =>
      typeof v === 'object' && v !== null && (v as Record<string, unknown>)[k] !== undefined;
    const predicate = (v: t.TypeOf<C>): boolean =>
      present(v, requiredKey) || alternatives.some((k) => present(v, k));
    const message =
      `\`${requiredKey}\` is required` +
      (alternatives.length > 0 ? ` unless ${alternatives.map((k) => `\`${k}\``).join(' or ')} is given` : '');
    super(
      name,
      (u): u is t.TypeOf<C> => codec.is(u) && predicate(u),
      (u, c) =>
        either.chain((v: t.TypeOf<C>) =>
          predicate(v)
            ? t.success(v)
            : t.failure(undefined, [...c, { key: requiredKey, type: t.string, actual: undefined }], message),
        )(codec.validate(u, c)),
      codec.encode,
      codec,
      predicate,
    );
  }
}

/** Refines a map codec: `key` must be present unless one of `alternatives` is. */
export const requiredUnless = <C extends t.Any>(
  codec: C,
  key: string,
  alternatives: ReadonlyArray<string>,
  name: string = codec.name,
): RequiredUnlessType<C> => new RequiredUnlessType(codec, key, alternatives, name);
