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

/** Builds the graph. The mission is already validated: every id exists and there is no cycle. */
export const buildGraph = (mission: Mission): StepGraph => {
  const n = mission.steps.length;
  const index = new Map<StepId, number>();
  mission.steps.forEach((s, i) => index.set(s.id, i));
  const dependencies: number[][] = new Array<number[]>(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const deps: number[] = [];
    for (const id of dependencyIds(mission.steps[i] as Step)) {
      const j = index.get(id);
      if (j === undefined)
        throw new TypeError(
          `step ${mission.steps[i]?.id} depends on unknown step ${id}: plan only validated missions`,
        );
      deps.push(j);
      (dependents[j] as number[]).push(i);
    }
    dependencies[i] = deps;
  }
  const depth = new Array<number>(n).fill(0);
  const remaining = dependencies.map((d) => d.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (remaining[i] === 0) queue.push(i);
  const waves: number[][] = [];
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head] as number;
    const d = depth[i] as number;
    (waves[d] ??= []).push(i);
    for (const k of dependents[i] as number[]) {
      if ((depth[k] as number) < d + 1) depth[k] = d + 1;
      remaining[k] = (remaining[k] as number) - 1;
      if (remaining[k] === 0) queue.push(k);
    }
  }
  if (queue.length !== n)
    throw new TypeError('the mission has a dependency cycle: plan only validated missions');
  for (const w of waves) w.sort((a, b) => a - b);
  return { index, dependencies, dependents, waves };
};
