// A `matrix:` map decoded: its axes, every combination after `exclude` and `include`, and each
// problem reported where it is written. The combinations are counted before they are made.
import type { Draft } from './draft.js';
import { error } from './draft.js';
import type { MatrixInstance, MatrixValue } from './fan-out.js';
import { stepId, type StepId } from './model.js';
import type { Path } from './path.js';
import { renderValue } from './render-value.js';

/** The most combinations one matrix may have (GitHub Actions' limit too). */
export const MAX_MATRIX_COMBINATIONS = 256;

/** The id of a matrix instance: `test[db=pg14,mode=fast]`. */
export const matrixInstanceId = (
  step: string,
  axes: ReadonlyArray<string>,
  values: Readonly<Record<string, MatrixValue>>,
): StepId => stepId(`${step}[${axes.map((a) => `${a}=${String(values[a])}`).join(',')}]`);

const SCALAR = { type: ['string', 'number', 'boolean'] };
const COMBINATIONS = { type: 'array', items: { type: 'object', additionalProperties: SCALAR } };

/** The JSON Schema of `matrix:` (axes of scalar values, `include`/`exclude` lists of combinations). */
export const MATRIX_JSON_SCHEMA = {
  type: 'object',
  properties: { include: COMBINATIONS, exclude: COMBINATIONS },
  additionalProperties: { type: 'array', minItems: 1, items: SCALAR },
  minProperties: 1,
} as const;

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isScalar = (v: unknown): v is MatrixValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

type Combination = Readonly<Record<string, MatrixValue>>;

/** A list of combinations under `include:` or `exclude:`, each key an axis and each value a scalar. */
const combinations = (
  value: unknown,
  axes: ReadonlyArray<string>,
  path: Path,
  drafts: Draft[],
): Combination[] => {
  const key = path[path.length - 1];
  if (!Array.isArray(value)) {
    drafts.push(
      error({
        code: 'invalid_type',
        path,
        message: `\`${String(key)}\` must be a list of combinations`,
        found: renderValue(value),
        expected: 'a list of maps such as `- { db: pg14, mode: fast }`',
      }),
    );
    return [];
  }
  const out: Combination[] = [];
  value.forEach((entry, j) => {
    if (!isMap(entry)) {
      drafts.push(
        error({
          code: 'invalid_type',
          path: [...path, j],
          message: `each \`${String(key)}\` entry must be a map of axis to value`,
          found: renderValue(entry),
          expected: `a map such as \`{ ${axes[0] ?? 'axis'}: value }\``,
        }),
      );
      return;
    }
    let ok = true;
    for (const [k, v] of Object.entries(entry)) {
      if (!axes.includes(k)) {
        ok = false;
        drafts.push(
          error({
            code: 'invalid_value',
            path: [...path, j, k],
            at: 'key',
            message: `\`${String(key)}\` names \`${k}\`, which is not an axis of this matrix`,
            found: k,
            expected: `one of ${axes.map((a) => `\`${a}\``).join(', ')}`,
            hint: `add \`${k}\` as an axis of the matrix, or remove it from this entry`,
          }),
        );
      } else if (!isScalar(v)) {
        ok = false;
        drafts.push(
          error({
            code: 'invalid_type',
            path: [...path, j, k],
            message: `a matrix value must be a string, number or boolean`,
            found: renderValue(v),
            expected: 'a scalar',
          }),
        );
      }
    }
    if (ok) out.push(entry as Combination);
  });
  return out;
};

const sameValues = (a: Combination, b: Combination, keys: ReadonlyArray<string>): boolean =>
  keys.every((k) => a[k] === b[k]);

/** The axes and combinations of a matrix map, or undefined when it has errors (each reported). */
export const decodeMatrix = (
  matrix: unknown,
  step: string,
  path: Path,
  drafts: Draft[],
):
  { readonly axes: ReadonlyArray<string>; readonly instances: ReadonlyArray<MatrixInstance> } | undefined => {
  if (!isMap(matrix)) return undefined; // the step codec reported the type
  const before = drafts.length;
  const axes: string[] = [];
  const values: Array<ReadonlyArray<MatrixValue>> = [];
  for (const [axis, list] of Object.entries(matrix)) {
    if (axis === 'include' || axis === 'exclude') continue;
    const at = [...path, axis];
    if (!Array.isArray(list)) {
      drafts.push(
        error({
          code: 'invalid_type',
          path: at,
          message: `matrix axis \`${axis}\` must be a list of values`,
          found: renderValue(list),
          expected: `a list such as \`${axis}: [a, b]\``,
          ...(isScalar(list) ? { hint: `for one value, write \`${axis}: [${String(list)}]\`` } : {}),
        }),
      );
      continue;
    }
    if (list.length === 0) {
      drafts.push(
        error({
          code: 'invalid_value',
          path: at,
          message: `matrix axis \`${axis}\` is empty, so the step would run zero times`,
          found: '[]',
          expected: 'at least one value',
          hint: `give \`${axis}\` a value, or remove the axis`,
        }),
      );
      continue;
    }
    list.forEach((v, j) => {
      if (!isScalar(v))
        drafts.push(
          error({
            code: 'invalid_type',
            path: [...at, j],
            message: `a matrix value must be a string, number or boolean (it becomes part of the instance id and of {{ matrix.${axis} }})`,
            found: renderValue(v),
            expected: 'a scalar',
            hint: 'to pass structured data, make the value a key and look it up in the step, or use `for_each`',
          }),
        );
    });
    const seen = new Set<string>();
    list.forEach((v, j) => {
      const key = `${typeof v}:${String(v)}`;
      if (isScalar(v) && seen.has(key))
        drafts.push(
          error({
            code: 'invalid_value',
            path: [...at, j],
            message: `matrix axis \`${axis}\` lists ${renderValue(v)} twice`,
            found: renderValue(v),
            hint: 'remove the repeated value: two instances would have the same id',
          }),
        );
      seen.add(key);
    });
    axes.push(axis);
    values.push(list as ReadonlyArray<MatrixValue>);
  }
  if (axes.length === 0 && drafts.length === before && matrix['include'] === undefined) {
    drafts.push(
      error({
        code: 'invalid_value',
        path,
        message: 'the matrix has no axes',
        expected: 'at least one axis, such as `db: [pg14, pg15]`',
      }),
    );
  }
  const include =
    matrix['include'] === undefined
      ? []
      : combinations(matrix['include'], axes, [...path, 'include'], drafts);
  const exclude =
    matrix['exclude'] === undefined
      ? []
      : combinations(matrix['exclude'], axes, [...path, 'exclude'], drafts);
  include.forEach((c, j) => {
    const missing = axes.filter((a) => c[a] === undefined);
    if (missing.length > 0)
      drafts.push(
        error({
          code: 'missing_field',
          path: [...path, 'include', j],
          message: `an \`include\` entry is a whole combination, and this one has no ${missing.map((a) => `\`${a}\``).join(', ')}`,
          hint: `give every axis a value: \`{ ${axes.map((a) => `${a}: …`).join(', ')} }\``,
        }),
      );
  });
  if (drafts.length > before) return undefined;
  // Counted before they are made, so a matrix of 20 axes is refused without building a million combinations.
  const product = values.reduce((n, v) => n * v.length, axes.length === 0 ? 0 : 1);
  if (product > MAX_MATRIX_COMBINATIONS * 64) {
    drafts.push(tooMany(path, product));
    return undefined;
  }
  let combos: Combination[] = axes.length === 0 ? [] : [{}];
  axes.forEach((axis, a) => {
    const next: Combination[] = [];
    for (const c of combos) for (const v of values[a]!) next.push({ ...c, [axis]: v });
    combos = next;
  });
  combos = combos.filter((c) => !exclude.some((e) => sameValues(c, e, Object.keys(e))));
  for (const c of include) if (!combos.some((d) => sameValues(c, d, axes))) combos.push(c);
  if (combos.length > MAX_MATRIX_COMBINATIONS) {
    drafts.push(tooMany(path, combos.length));
    return undefined;
  }
  if (combos.length === 0) {
    drafts.push(
      error({
        code: 'invalid_value',
        path: [...path, 'exclude'],
        message: '`exclude` removes every combination, so the step would run zero times',
        hint: 'remove an `exclude` entry, or remove the step',
      }),
    );
    return undefined;
  }
  return {
    axes,
    instances: combos.map((values) => ({ id: matrixInstanceId(step, axes, values), values })),
  };
};

const tooMany = (path: Path, n: number): Draft =>
  error({
    code: 'invalid_value',
    path,
    message: `the matrix has ${n} combinations, more than the ${MAX_MATRIX_COMBINATIONS} a step may have`,
    expected: `at most ${MAX_MATRIX_COMBINATIONS} combinations`,
    hint: 'split the matrix over several steps, `exclude` combinations you do not need, or use `for_each` over a list a step produces',
  });
