// The step graph by index: dependencies, dependents, and execution waves. Linear in steps + edges.
import type { Mission, Step, StepId } from '../mission/model.js';

/** The graph of a validated mission, by step index (declaration order). */
export interface StepGraph {
  readonly index: ReadonlyMap<StepId, number>;
  /** For each step, the indices of the steps it waits for. */
  readonly dependencies: ReadonlyArray<ReadonlyArray<number>>;
  /** For each step, the indices of the steps that wait for it. */
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

const NONE: ReadonlyArray<number> = Object.freeze([]);

/** Groups steps by depth, each wave in declaration order. */
const wavesOf = (depth: Int32Array): number[][] => {
  const waves: number[][] = [];
  for (let i = 0; i < depth.length; i++) (waves[depth[i] as number] ??= []).push(i);
  return waves;
};

/** Builds the graph. The mission is already validated: every id exists and there is no cycle. */
export const buildGraph = (mission: Mission): StepGraph => {
  const steps = mission.steps;
  const n = steps.length;
  const index = new Map<StepId, number>();
  for (let i = 0; i < n; i++) index.set((steps[i] as Step).id, i);
  // Steps without dependencies or dependents (most leaves and roots) share one empty list.
  const dependencies = new Array<ReadonlyArray<number>>(n);
  const dependents = new Array<number[] | undefined>(n);
  for (let i = 0; i < n; i++) {
    const ids = dependencyIds(steps[i] as Step);
    if (ids.length === 0) {
      dependencies[i] = NONE;
      continue;
    }
    const deps = new Array<number>(ids.length);
    for (let d = 0; d < ids.length; d++) {
      const j = index.get(ids[d] as StepId);
      if (j === undefined)
        throw new TypeError(
          `step ${steps[i]?.id} depends on unknown step ${ids[d]}: plan only validated missions`,
        );
      deps[d] = j;
      const list = dependents[j];
      if (list === undefined) dependents[j] = [i];
      else list.push(i);
    }
    dependencies[i] = deps;
  }
  // Kahn's algorithm: the depth of every step, and proof there is no cycle (an unvalidated
  // mission handed in as data must be refused, not hang the scheduler).
  const depth = new Int32Array(n);
  const remaining = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    remaining[i] = (dependencies[i] as ReadonlyArray<number>).length;
    if (remaining[i] === 0) queue[tail++] = i;
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head] as number;
    const next = (depth[i] as number) + 1;
    const after = dependents[i];
    if (after === undefined) continue;
    for (const k of after) {
      if ((depth[k] as number) < next) depth[k] = next;
      remaining[k] = (remaining[k] as number) - 1;
      if (remaining[k] === 0) queue[tail++] = k;
    }
  }
  if (tail !== n) throw new TypeError('the mission has a dependency cycle: plan only validated missions');
  for (let i = 0; i < n; i++) dependents[i] ??= NONE as number[];
  let waves: ReadonlyArray<ReadonlyArray<number>> | undefined;
  return {
    index,
    dependencies,
    dependents: dependents as ReadonlyArray<ReadonlyArray<number>>,
    // Only dry runs read the waves: they are grouped on first use.
    get waves() {
      return (waves ??= wavesOf(depth));
    },
  };
};
