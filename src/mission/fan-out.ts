// Fan-out: one step run once per combination of a `matrix` (known when the mission loads) or once
// per item of a list another step produced (`for_each`, known when that step has succeeded). This
// file holds the decoded form and the load-time checks; the scheduler expands (scheduler/fan-out.ts).
import type { Draft } from './draft.js';
import { error } from './draft.js';
import type { StepId } from './model.js';
import { stepId } from './model.js';
import type { Path } from './path.js';
import { decodeMatrix } from './matrix.js';

export { MAX_MATRIX_COMBINATIONS, matrixInstanceId } from './matrix.js';

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

/** How many items a `for_each` may produce unless `max_items` says otherwise. */
export const DEFAULT_MAX_ITEMS = 1000;

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

/** Instance ids that are also the id of a declared step. */
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
