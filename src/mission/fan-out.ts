// Fan-out: one step run once per combination of a `matrix` (known when the mission loads) or once
// per item of a list another step produced (`for_each`, known when that step has succeeded). This
// file holds the decoded form and the load-time checks; the scheduler expands (scheduler/fan-out.ts).
import type { Draft } from './draft.js';
import { error } from './draft.js';
import type { StepId } from './model.js';
import { stepId } from './model.js';
import type { Path } from './path.js';
import { renderValue } from './render-value.js';

/** A value of a matrix axis: scalars only, so an instance id and `{{ matrix.x }}` have one spelling. */
export type MatrixValue = string | number | boolean;

/** One combination of a matrix: the step's instance id and its values by axis. */
export interface MatrixInstance {
  readonly id: StepId;
  readonly values: Readonly<Record<string, MatrixValue>>;
}

/** Where the items of a `for_each` come from. */
export type ForEachSource =
  /** `{{ steps.<id>.output.<path> }}`: a list inside the step's structured output. */
  | { readonly _tag: 'output'; readonly step: StepId; readonly path: ReadonlyArray<string> }
  /** `{{ steps.<id>.stdout_lines }}`: each non-empty line the step printed. */
  | { readonly _tag: 'stdout_lines'; readonly step: StepId };

/** How a step fans out, with its group settings. */
export type FanOut =
  | {
      readonly _tag: 'matrix';
      /** The axes, in the order written (instance ids list values in this order). */
      readonly axes: ReadonlyArray<string>;
      /** Every combination after `exclude` and `include`, in order. */
      readonly instances: ReadonlyArray<MatrixInstance>;
      readonly max_parallel?: number;
      readonly fail_fast: boolean;
    }
  | {
      readonly _tag: 'for_each';
      /** The template as written, for messages and `missionkit plan`. */
      readonly text: string;
      readonly source: ForEachSource;
      readonly max_items: number;
      readonly max_parallel?: number;
      readonly fail_fast: boolean;
    };

const SCALAR = { type: ['string', 'number', 'boolean'] };
const COMBINATIONS = { type: 'array', items: { type: 'object', additionalProperties: SCALAR } };

/** The JSON Schema of `matrix:` (axes of scalar values, `include`/`exclude` lists of combinations). */
export const MATRIX_JSON_SCHEMA = {
  type: 'object',
  properties: { include: COMBINATIONS, exclude: COMBINATIONS },
  additionalProperties: { type: 'array', minItems: 1, items: SCALAR },
  minProperties: 1,
} as const;

/** The most combinations one matrix may have (GitHub Actions' limit too). */
export const MAX_MATRIX_COMBINATIONS = 256;
/** How many items a `for_each` may produce unless `max_items` says otherwise. */
export const DEFAULT_MAX_ITEMS = 1000;

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isScalar = (v: unknown): v is MatrixValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** The id of a matrix instance: `test[db=pg14,mode=fast]`. */
export const matrixInstanceId = (
  step: string,
  axes: ReadonlyArray<string>,
  values: Readonly<Record<string, MatrixValue>>,
): StepId => stepId(`${step}[${axes.map((a) => `${a}=${String(values[a])}`).join(',')}]`);

/** The id of a `for_each` instance: `process[3]`. */
export const itemInstanceId = (step: string, index: number): StepId => stepId(`${step}[${index}]`);

const FOR_EACH = /^\s*\{\{\s*steps\.([^.\s{}]+)\.(output((?:\.[^.\s{}]+)*)|stdout_lines)\s*\}\}\s*$/;

/** The settings a step's raw map may hold for fan-out, checked and decoded. */
export const decodeFanOut = (
  raw: Readonly<Record<string, unknown>>,
  id: string | undefined,
  dependencies: ReadonlyArray<string>,
  base: Path,
  drafts: Draft[],
): FanOut | undefined => {
  const matrix = raw['matrix'];
  const forEach = raw['for_each'];
  const hasMatrix = matrix !== undefined && matrix !== null;
  const hasForEach = forEach !== undefined && forEach !== null;
  const maxParallel = raw['max_parallel'];
  const failFast = raw['fail_fast'];
  const maxItems = raw['max_items'];
  if (!hasMatrix && !hasForEach) {
    for (const k of ['max_parallel', 'fail_fast', 'max_items'] as const)
      if (raw[k] !== undefined && raw[k] !== null)
        drafts.push(
          error({
            code: 'conflicting_fields',
            path: [...base, k],
            at: 'key',
            message: `\`${k}\` applies to a fanned-out step, and this step has neither \`matrix\` nor \`for_each\``,
            hint: `add \`matrix:\` or \`for_each:\` to run the step once per value, or remove \`${k}\` (the mission-wide limit is \`config.max_parallel_steps\`)`,
          }),
        );
    return undefined;
  }
  if (hasMatrix && hasForEach) {
    drafts.push(
      error({
        code: 'conflicting_fields',
        path: [...base, 'for_each'],
        at: 'key',
        message: 'a step fans out over a `matrix` or over `for_each` items, not both',
        hint: 'put the matrix on one step and the `for_each` on a step that depends on it, or make the item list an axis',
      }),
    );
    return undefined;
  }
  const group = {
    ...(typeof maxParallel === 'number' ? { max_parallel: maxParallel } : {}),
    fail_fast: typeof failFast === 'boolean' ? failFast : true,
  };
  if (hasMatrix) {
    if (maxItems !== undefined && maxItems !== null)
      drafts.push(
        error({
          code: 'conflicting_fields',
          path: [...base, 'max_items'],
          at: 'key',
          message: '`max_items` limits a `for_each`; a matrix has exactly the combinations it lists',
          hint: 'remove `max_items`',
        }),
      );
    const decoded = decodeMatrix(matrix, id ?? 'step', [...base, 'matrix'], drafts);
    return decoded === undefined ? undefined : { _tag: 'matrix', ...decoded, ...group };
  }
  const path = [...base, 'for_each'];
  if (typeof forEach !== 'string') return undefined; // the step codec reported the type
  const m = FOR_EACH.exec(forEach);
  if (m === null) {
    drafts.push(
      error({
        code: 'invalid_value',
        path,
        message: '`for_each` must be one template naming a list another step produced',
        found: forEach,
        expected: '"{{ steps.<id>.output.<field> }}" or "{{ steps.<id>.stdout_lines }}"',
        hint: 'for a list known in advance, use `matrix: { item: [a, b, c] }`',
      }),
    );
    return undefined;
  }
  const source = m[1]!;
  if (source === id) {
    drafts.push(
      error({
        code: 'invalid_reference',
        path,
        message: '`for_each` reads this step’s own result',
        found: forEach,
        hint: 'name the step that lists the items, and add it to `depends_on`',
      }),
    );
    return undefined;
  }
  if (!dependencies.includes(source)) {
    drafts.push(
      error({
        code: 'invalid_reference',
        path,
        message: `\`for_each\` reads step \`${source}\`, which is not a dependency of this step, so its items may not exist yet`,
        found: forEach,
        hint: `add "${source}" to this step's depends_on`,
      }),
    );
    return undefined;
  }
  const field = m[2]!;
  return {
    _tag: 'for_each',
    text: forEach.trim(),
    source:
      field === 'stdout_lines'
        ? { _tag: 'stdout_lines', step: stepId(source) }
        : {
            _tag: 'output',
            step: stepId(source),
            path: (m[3] ?? '').split('.').filter((p) => p !== ''),
          },
    max_items: typeof maxItems === 'number' ? maxItems : DEFAULT_MAX_ITEMS,
    ...group,
  };
};

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
const decodeMatrix = (
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

/** Instance ids that are also the id of a declared step, or of another step's instance. */
export const fanOutIdCollisions = (
  steps: ReadonlyArray<{ readonly id: StepId; readonly fan_out?: FanOut }>,
): ReadonlyArray<Draft> => {
  const declared = new Map<string, number>(steps.map((s, i) => [s.id, i]));
  const drafts: Draft[] = [];
  steps.forEach((s, i) => {
    if (s.fan_out?._tag === 'for_each') {
      const prefix = `${s.id}[`;
      steps.forEach((other, j) => {
        if (other.id.startsWith(prefix) && /^\d+\]$/.test(other.id.slice(prefix.length)))
          drafts.push(
            error({
              code: 'duplicate_step_id',
              path: ['steps', j, 'id'],
              message: `step id \`${other.id}\` is also the id of an instance of \`${s.id}\`'s for_each`,
              found: other.id,
              hint: `rename step ${j + 1}; for_each instance ids are \`<step id>[<item index>]\` (steps[${i}].for_each)`,
            }),
          );
      });
      return;
    }
    if (s.fan_out?._tag !== 'matrix') return;
    for (const inst of s.fan_out.instances) {
      const j = declared.get(inst.id);
      if (j === undefined) continue;
      drafts.push(
        error({
          code: 'duplicate_step_id',
          path: ['steps', j, 'id'],
          message: `step id \`${inst.id}\` is also the id of an instance of \`${s.id}\`'s matrix`,
          found: inst.id,
          hint: `rename step ${j + 1}; instance ids are \`<step id>[<axis>=<value>,…]\` (steps[${i}].matrix)`,
        }),
      );
    }
  });
  return drafts;
};
