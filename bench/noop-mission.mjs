// The benches' shared workload: a decoded mission of `n` no-op steps, each depending on up to two
// earlier ones, from a seeded generator so every run and every bench builds the same graph; and the
// floor the engine is measured against on it.

/** mulberry32: a tiny seeded generator. */
export const rng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** The mission, built directly as decoded data (the parser is not what these benches measure). */
export const noopMission = (n, seed = 42) => {
  const r = rng(seed);
  const steps = [];
  for (let i = 0; i < n; i++) {
    const d = new Set();
    const k = i === 0 ? 0 : Math.floor(r() * 3);
    for (let j = 0; j < k; j++) d.add(Math.floor(r() * i));
    steps.push({
      id: `s${i}`,
      name: `s${i}`,
      step_type: 'noop',
      parameters: {},
      depends_on: [...d].map((j) => `s${j}`),
      continue_on_error: false,
      dependency_strategy: { _tag: 'all_required' },
      continue_on_failure: false,
      allow_partial_results: false,
    });
  }
  return {
    version: '1.0',
    name: `bench ${n}`,
    steps,
    config: {
      max_parallel_steps: 1,
      fail_fast: true,
      kill_grace_seconds: 5,
      progress_interval_seconds: 10,
      monitoring: { check_interval_seconds: 5, warn_threshold_percent: 80, kill_on_exceed: true },
    },
    variables: {},
    secrets: [],
    allowed_paths: [],
    warnings: [],
  };
};

/**
 * The floor: the least an asynchronous step runner can do with the same mission — map the
 * steps' string ids to indices, run Kahn's algorithm, await an async no-op per step, and keep
 * a result object per step.
 */
const noop = async () => ({ status: 'succeeded' });
export const kahn = async (mission) => {
  const steps = mission.steps;
  const n = steps.length;
  const index = new Map();
  for (let i = 0; i < n; i++) index.set(steps[i].id, i);
  const indegree = new Int32Array(n);
  const dependents = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++)
    for (const id of steps[i].depends_on) {
      indegree[i]++;
      dependents[index.get(id)].push(i);
    }
  const queue = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const results = new Array(n);
  for (let h = 0; h < queue.length; h++) {
    const i = queue[h];
    results[i] = { id: steps[i].id, ...(await noop()) };
    for (const k of dependents[i]) if (--indegree[k] === 0) queue.push(k);
  }
  if (queue.length !== n) throw new Error('cycle');
  return results;
};
