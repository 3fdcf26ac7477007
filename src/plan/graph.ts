// The step graph by index: dependencies, dependents, and execution waves. Linear in steps + edges.
import type { Mission, Step, StepId } from '../mission/model.js';
import { idTable } from './id-table.js';

/** The graph of a validated mission, by step index (declaration order). */
export interface StepGraph {
  /** The index of the step with this id, or undefined. */
  indexOf(id: StepId): number | undefined;
  /** Every step's index by id, as a map (made on first use; `indexOf` needs none). */
  readonly index: ReadonlyMap<StepId, number>;
  /** Step i waits for `dependencyList[dependencyStart[i] .. dependencyStart[i + 1])`. */
  readonly dependencyStart: Int32Array;
  readonly dependencyList: Int32Array;
  /** Step i is waited for by `dependentList[dependentStart[i] .. dependentStart[i + 1])`, in declaration order. */
  readonly dependentStart: Int32Array;
  readonly dependentList: Int32Array;
  /** For each step, the indices of the steps it waits for (as lists, made on first use). */
  readonly dependencies: ReadonlyArray<ReadonlyArray<number>>;
  /** For each step, the indices of the steps that wait for it (as lists, made on first use). */
  readonly dependents: ReadonlyArray<ReadonlyArray<number>>;
  /** Steps grouped by depth: wave 0 has no dependencies, wave k depends on wave k-1 at most. */
  readonly waves: ReadonlyArray<ReadonlyArray<number>>;
}

/** The ids a step waits for: `depends_on` plus a conditional strategy's `dependencies`. */
export const dependencyIds = (step: Step): ReadonlyArray<StepId> => {
  if (step.dependency_strategy._tag !== 'conditional') return step.depends_on;
  const ids = new Set<StepId>(step.depends_on);
  for (const d of step.dependency_strategy.dependencies) ids.add(d.step_id);
  return [...ids];
};

/** Groups steps by depth, each wave in declaration order. */
const wavesOf = (depth: Int32Array): number[][] => {
  const waves: number[][] = [];
  for (let i = 0; i < depth.length; i++) (waves[depth[i] as number] ??= []).push(i);
  return waves;
};

/** Lists `list[start[i] .. start[i + 1])` for every i, as arrays. */
// Plain loops into arrays of their final length: `Array.from` with a mapping callback and a
// subarray per step runs in the builtin's generic path on a mission's first run.
const listsOf = (start: Int32Array, list: Int32Array): number[][] => {
  const count = start.length - 1;
  const lists: number[][] = new Array<number[]>(count);
  for (let i = 0; i < count; i++) {
    const from = start[i] ?? 0;
    const to = start[i + 1] ?? from;
    const row: number[] = new Array<number>(to - from);
    for (let k = from; k < to; k++) row[k - from] = list[k] ?? 0;
    lists[i] = row;
  }
  return lists;
};

/**
 * Kahn's algorithm: the depth of every step (`depth` starts at zeros), and proof there is no cycle
 * (a mission handed in as data may have one: it is refused).
 */
const kahnDepths = (
  n: number,
  dependencyStart: Int32Array,
  dependentStart: Int32Array,
  dependentList: Int32Array,
  depth: Int32Array,
): void => {
  const remaining = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    remaining[i] = (dependencyStart[i + 1] as number) - (dependencyStart[i] as number);
    if (remaining[i] === 0) queue[tail++] = i;
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head] as number;
    const below = (depth[i] as number) + 1;
    for (let d = dependentStart[i] as number; d < (dependentStart[i + 1] as number); d++) {
      const c = dependentList[d] as number;
      if ((depth[c] as number) < below) depth[c] = below;
      remaining[c] = (remaining[c] as number) - 1;
      if (remaining[c] === 0) queue[tail++] = c;
    }
  }
  if (tail !== n) throw new TypeError('the mission has a dependency cycle: plan only validated missions');
};

/**
 * Builds the graph, in compressed rows (a few typed arrays, not two lists per step: a mission of
 * 100,000 steps is planned without 200,000 small allocations). The mission is already validated:
 * every id exists and there is no cycle — a mission handed in as data that breaks either is refused.
 */
export const buildGraph = (mission: Mission): StepGraph => {
  const steps = mission.steps;
  const n = steps.length;
  const ids = new Array<StepId>(n);
  for (let i = 0; i < n; i++) ids[i] = (steps[i] as Step).id;
  const { indexOf } = idTable(ids);
  // One more pass over the steps resolves every dependency to its index; the rest reads only the
  // typed arrays (a mission of 100,000 steps is far larger than a cache: each pass over it costs).
  const dependencyStart = new Int32Array(n + 1);
  const resolved: number[] = [];
  const dependentCount = new Int32Array(n);
  // Most missions name only earlier steps as dependencies: then there is no cycle, and each step's
  // depth is known when its dependencies are resolved, without Kahn's algorithm below.
  const depth = new Int32Array(n);
  let backward = true;
  for (let i = 0; i < n; i++) {
    dependencyStart[i] = resolved.length;
    // An index loop: `for…of` makes an iterator and a result object per dependency until V8
    // optimises this loop, which a mission's first run in a process mostly does without.
    const deps = dependencyIds(steps[i] as Step);
    for (let d = 0; d < deps.length; d++) {
      const id = deps[d]!;
      const j = indexOf(id);
      if (j === undefined)
        throw new TypeError(
          `step ${steps[i]?.id} depends on unknown step ${id}: plan only validated missions`,
        );
      resolved.push(j);
      dependentCount[j] = (dependentCount[j] as number) + 1;
      if (j >= i) backward = false;
      else if ((depth[j] as number) >= (depth[i] as number)) depth[i] = (depth[j] as number) + 1;
    }
  }
  const edges = resolved.length;
  dependencyStart[n] = edges;
  const dependencyList = Int32Array.from(resolved);
  const dependentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    dependentStart[i + 1] = (dependentStart[i] as number) + (dependentCount[i] as number);
  const dependentList = new Int32Array(edges);
  const next = dependentStart.slice(0, n);
  // Filled in declaration order, so each step's dependents are in declaration order too.
  for (let i = 0; i < n; i++)
    for (let d = dependencyStart[i] as number; d < (dependencyStart[i + 1] as number); d++) {
      const j = dependencyList[d] as number;
      dependentList[next[j] as number] = i;
      next[j] = (next[j] as number) + 1;
    }
  if (!backward) kahnDepths(n, dependencyStart, dependentStart, dependentList, depth.fill(0));
  let index: ReadonlyMap<StepId, number> | undefined;
  let dependencies: ReadonlyArray<ReadonlyArray<number>> | undefined;
  let dependents: ReadonlyArray<ReadonlyArray<number>> | undefined;
  let waves: ReadonlyArray<ReadonlyArray<number>> | undefined;
  return {
    indexOf,
    get index() {
      return (index ??= new Map(ids.map((id, i) => [id, i])));
    },
    dependencyStart,
    dependencyList,
    dependentStart,
    dependentList,
    // Dry runs and tests read these; a run does not. They are made on first use.
    get dependencies() {
      return (dependencies ??= listsOf(dependencyStart, dependencyList));
    },
    get dependents() {
      return (dependents ??= listsOf(dependentStart, dependentList));
    },
    get waves() {
      return (waves ??= wavesOf(depth));
    },
  };
};
