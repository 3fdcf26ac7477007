// Checks across steps: ids, references between steps, cycles, and step types. Pure and linear in
// the number of steps and references (missions can have 100,000 steps): maps instead of scans,
// and an iterative Tarjan instead of recursion that would overflow the stack on a long chain.
import type { StepTypeRegistry } from '../ports/step-type.js';
import { error, type Draft } from './draft.js';
import type { Path } from './path.js';
import { suggest } from './suggest.js';
import { rustChainStepTypeHint } from '../steps/rustchain-catalog.js';

/** A reference from one step to another, with where it is written. */
export interface StepRef {
  readonly target: string;
  readonly kind: 'depends_on' | 'dependency' | 'alternative';
  readonly path: Path;
}

/** What the graph check needs of a step (taken from steps even when other fields had errors). */
export interface StepNode {
  readonly index: number;
  /** Undefined when the step's `id` was missing or invalid. */
  readonly id: string | undefined;
  readonly refs: ReadonlyArray<StepRef>;
}

// Beyond this many unknown references, "did you mean" is skipped: each suggestion scans the ids.
const MAX_SUGGESTIONS = 50;

const describeRef = (kind: StepRef['kind']): string =>
  kind === 'depends_on'
    ? '`depends_on`'
    : kind === 'dependency'
      ? '`dependencies[].step_id`'
      : '`retry_with_alternative`';

/** Duplicate ids, references to unknown steps, self-references and cycles, each reported once. */
export const validateGraph = (steps: ReadonlyArray<StepNode>): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [];
  const byId = new Map<string, number>();
  steps.forEach((s, n) => {
    if (s.id === undefined) return;
    const first = byId.get(s.id);
    if (first !== undefined) {
      drafts.push(
        error({
          code: 'duplicate_step_id',
          path: ['steps', s.index, 'id'],
          message: `step id \`${s.id}\` is already used by steps[${steps[first]!.index}]`,
          found: JSON.stringify(s.id),
          hint: 'give every step its own id; `depends_on` names steps by id',
        }),
      );
    } else byId.set(s.id, n);
  });
  const ids = [...byId.keys()];
  let suggestions = 0;
  // Node numbers are positions in `steps` (the array given); edges point from a step to the steps it waits for.
  const edges: number[][] = steps.map(() => []);
  // Where each edge is written, beside it: only a cycle's message reads one.
  const edgePaths: Path[][] = steps.map(() => []);
  steps.forEach((s, n) => {
    for (const r of s.refs) {
      if (s.id !== undefined && r.target === s.id) {
        drafts.push(
          error({
            code: 'dependency_cycle',
            path: r.path,
            message: `step \`${s.id}\` depends on itself`,
            found: JSON.stringify(r.target),
            hint: `remove \`${r.target}\` from ${describeRef(r.kind)}`,
          }),
        );
        continue;
      }
      const targetIndex = byId.get(r.target);
      if (targetIndex === undefined) {
        const close = suggestions++ < MAX_SUGGESTIONS ? suggest(r.target, ids) : undefined;
        drafts.push(
          error({
            code: 'unknown_dependency',
            path: r.path,
            message: `${describeRef(r.kind)} names \`${r.target}\`, but no step has that id`,
            found: JSON.stringify(r.target),
            hint:
              close !== undefined
                ? `did you mean \`${close}\`?`
                : ids.length <= 8
                  ? `the step ids are: ${ids.map((i) => `\`${i}\``).join(', ')}`
                  : "check the spelling against the steps' `id` fields",
          }),
        );
        continue;
      }
      edges[n]!.push(targetIndex);
      edgePaths[n]!.push(r.path);
    }
  });
  drafts.push(...cycles(steps, edges, edgePaths));
  return drafts;
};

/** Strongly connected components with more than one step, each reported as one cycle `a → b → a`. */
const cycles = (
  steps: ReadonlyArray<StepNode>,
  edges: ReadonlyArray<ReadonlyArray<number>>,
  edgePaths: ReadonlyArray<ReadonlyArray<Path>>,
): Draft[] => {
  const n = steps.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const sccStack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    // Each frame is a node and how many of its edges have been followed.
    const work: Array<[number, number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    sccStack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const out = edges[v]!;
      if (i < out.length) {
        frame[1] = i + 1;
        const w = out[i]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          sccStack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = sccStack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components.map((component) => cycleDraft(steps, edges, edgePaths, component));
};

/** Finds one concrete cycle through the component's first-declared step (BFS inside the component) and words it. */
const cycleDraft = (
  steps: ReadonlyArray<StepNode>,
  edges: ReadonlyArray<ReadonlyArray<number>>,
  edgePaths: ReadonlyArray<ReadonlyArray<Path>>,
  component: ReadonlyArray<number>,
): Draft => {
  const members = new Set(component);
  const start = component.reduce((a, b) => (b < a ? b : a));
  const previous = new Map<number, number>();
  const queue = [start];
  let closing = -1;
  for (let q = 0; q < queue.length && closing === -1; q++) {
    const v = queue[q]!;
    for (const w of edges[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        closing = v;
        break;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path: number[] = [];
  for (let v = closing; v !== start && v !== -1; v = previous.get(v) ?? -1) path.push(v);
  const cycle = [start, ...path.reverse(), start];
  const all = cycle.map((i) => steps[i]!.id ?? `steps[${steps[i]!.index}]`);
  // A cycle through thousands of steps is shown by its ends.
  const names =
    all.length > 21 ? [...all.slice(0, 10), `… ${all.length - 20} more …`, ...all.slice(-10)] : all;
  const inCycle = new Set(cycle);
  const rest = component.filter((i) => !inCycle.has(i));
  const others = rest
    .slice(0, 10)
    .map((i) => `\`${steps[i]!.id}\``)
    .concat(rest.length > 10 ? [`${rest.length - 10} more`] : []);
  const first = cycle[1]!;
  return error({
    code: 'dependency_cycle',
    path: edgePaths[start]![edges[start]!.indexOf(first)] ?? ['steps', steps[start]!.index, 'depends_on'],
    message:
      `dependency cycle: ${names.join(' → ')}` +
      (others.length > 0 ? ` (the cycle also involves ${others.join(', ')})` : ''),
    hint: 'a step cannot wait, directly or through others, for itself: remove one of these dependencies',
  });
};

/** The registered step type a step names, or a draft saying it is unknown (did you mean, the known types, how to register one). */
export const checkStepType = (
  name: string,
  path: Path,
  registry: StepTypeRegistry,
  parameters?: Readonly<Record<string, unknown>>,
): Draft | undefined => {
  if (registry.has(name)) return undefined;
  const known = [...registry.keys()].sort();
  // A RustChain step type missionkit does not ship: say what to use instead and how to provide it.
  const rustChain = rustChainStepTypeHint(name, parameters);
  if (rustChain !== undefined) {
    return error({
      code: 'unknown_step_type',
      path,
      message: rustChain.message,
      found: JSON.stringify(name),
      expected: `one of ${known.map((k) => `\`${k}\``).join(', ')}`,
      hint: rustChain.hint,
    });
  }
  const lower = name.toLowerCase();
  const exactButCase = known.find((k) => k.toLowerCase() === lower);
  const close = exactButCase ?? suggest(name, known);
  const register =
    'register it: `runMission(mission, { stepTypes: [myType] })`, or `parseMission(text, { stepTypes: makeRegistry([myType]) })`';
  const hint =
    exactButCase !== undefined
      ? `step types are lower-case: write \`step_type: "${exactButCase}"\`. If it is a type of your own, ${register}`
      : close !== undefined
        ? `did you mean \`${close}\`? If it is a type of your own, ${register}`
        : `if it is a type of your own, ${register}`;
  return error({
    code: 'unknown_step_type',
    path,
    message: `unknown step type \`${name}\``,
    found: JSON.stringify(name),
    expected: `one of ${known.map((k) => `\`${k}\``).join(', ')}`,
    hint,
  });
};

/** Cross-field rules a codec cannot state: base ≤ max timeout, a stall warning before the stall timeout, and so on. */
export const rangeChecks = (
  v: Readonly<Record<string, unknown>>,
  at: (key: string) => Path,
  drafts: Draft[],
): void => {
  const num = (k: string): number | undefined => (typeof v[k] === 'number' ? (v[k] as number) : undefined);
  const base = num('base_timeout_seconds');
  const max = num('max_timeout_seconds');
  if (base !== undefined && max !== undefined && base > max) {
    drafts.push(
      error({
        code: 'invalid_value',
        path: at('max_timeout_seconds'),
        message: '`max_timeout_seconds` is less than `base_timeout_seconds`',
        found: String(max),
        expected: `at least ${base}`,
        hint: 'the adaptive timeout grows from the base up to the maximum: raise the maximum or lower the base',
      }),
    );
  }
  const warn = num('stall_warning_seconds');
  const stall = num('stall_timeout_seconds');
  if (warn !== undefined && stall !== undefined && warn >= stall) {
    drafts.push(
      error({
        code: 'invalid_value',
        path: at('stall_warning_seconds'),
        message: '`stall_warning_seconds` must be less than `stall_timeout_seconds`',
        found: String(warn),
        expected: `less than ${stall}`,
        hint: 'the warning comes first, then the stalled step is stopped',
      }),
    );
  }
};
