// The roadmap writes timeouts (and similar step settings) inside `parameters:`; RustChain's own
// missions write them on the step. Both are accepted, for any step type: such fields are lifted
// out of `parameters` onto the step before the step type decodes what is left.
import { LIFTABLE_KEYS } from './codec.js';
import { error, type Draft } from './draft.js';
import type { Path } from './path.js';
import { renderValue } from './render-value.js';

/** A step with its liftable fields moved out of `parameters`. */
export interface Lifted {
  /** The step's fields, with lifted ones added. */
  readonly step: Readonly<Record<string, unknown>>;
  /** What is left of `parameters` for the step type's codec (undefined when there were none). */
  readonly parameters: unknown;
  /** Fields that came from `parameters`, so errors about them point there. */
  readonly lifted: ReadonlySet<string>;
  readonly drafts: ReadonlyArray<Draft>;
}

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of plain data, without recursion (values may be deep). */
export const sameValue = (a: unknown, b: unknown): boolean => {
  const stack: Array<readonly [unknown, unknown]> = [[a, b]];
  let budget = 100_000;
  while (stack.length > 0) {
    if (--budget < 0) return false;
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      x.forEach((v, i) => stack.push([v, y[i]]));
      continue;
    }
    if (isMap(x) && isMap(y) && !Array.isArray(x) && !Array.isArray(y)) {
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      for (const k of kx) {
        if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
        stack.push([x[k], y[k]]);
      }
      continue;
    }
    return false;
  }
  return true;
};

const liftable = new Set(LIFTABLE_KEYS);

/** Lifts the liftable fields of `step.parameters` onto the step; a field set in both places with different values is an error. */
export const liftParameters = (step: Readonly<Record<string, unknown>>, at: Path): Lifted => {
  const params = step['parameters'];
  if (!isMap(params)) return { step, parameters: params, lifted: new Set(), drafts: [] };
  const lifted = new Set<string>();
  const drafts: Draft[] = [];
  const rest: Array<[string, unknown]> = [];
  const moved: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(params)) {
    if (!liftable.has(k)) {
      rest.push([k, v]);
      continue;
    }
    const onStep = step[k];
    if (Object.prototype.hasOwnProperty.call(step, k) && !sameValue(onStep, v)) {
      drafts.push(
        error({
          code: 'conflicting_fields',
          path: [...at, 'parameters', k],
          at: 'key',
          message: `\`${k}\` is set both on the step (${renderValue(onStep)}) and in \`parameters\` (${renderValue(v)})`,
          hint: `keep one of them: \`${k}\` in \`parameters\` is read as a step setting, exactly like \`${k}\` on the step`,
        }),
      );
      continue;
    }
    lifted.add(k);
    moved.push([k, v]);
  }
  if (lifted.size === 0 && drafts.length === 0) return { step, parameters: params, lifted, drafts };
  return {
    step: Object.fromEntries([...Object.entries(step), ...moved]),
    parameters: Object.fromEntries(rest),
    lifted,
    drafts,
  };
};
