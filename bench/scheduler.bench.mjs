// The engine's own cost: a mission of N no-op steps, each depending on up to two earlier ones
// (seeded), through the real scheduler and runtime, against a minimal Kahn's-algorithm scheduler
// run in the same process as the floor. Prints per-step times, the ratio to the floor, growth
// from 10k to 100k steps, and the engine's peak heap. Run with `npm run bench`.
import { runMission } from '../dist/esm/index.js';
import { noopMission } from './noop-mission.mjs';

const TARGET_RATIO = 5;
const TARGET_GROWTH = 1.3;
const TARGET_HEAP_MB = 150;

/**
 * The floor: the least an asynchronous step runner can do with the same mission — map the
 * steps' string ids to indices, run Kahn's algorithm, await an async no-op per step, and keep
 * a result object per step.
 */
const noop = async () => ({ status: 'succeeded' });
const kahn = async (mission) => {
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

const time = async (fn) => {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
};

/**
 * Best times of the engine and the floor over the same number of rounds, interleaved so both see
 * the same moments of a shared machine, after warm-up runs of each.
 */
const race = async (rounds, engine, floor) => {
  for (let i = 0; i < 3; i++) {
    await engine();
    await floor();
  }
  let engineMs = Infinity;
  let floorMs = Infinity;
  for (let i = 0; i < rounds; i++) {
    engineMs = Math.min(engineMs, (await time(engine)).ms);
    floorMs = Math.min(floorMs, (await time(floor)).ms);
  }
  return { engineMs, floorMs };
};

const peakHeap = async (fn) => {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  const out = await fn();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  clearInterval(timer);
  return { mb: (peak - base) / 1024 / 1024, out };
};

const perStep = {};
const floorPerStep = {};
for (const n of [10_000, 100_000]) {
  const mission = noopMission(n);
  const { engineMs, floorMs } = await race(
    n === 10_000 ? 10 : 3,
    () => runMission(mission),
    () => kahn(mission),
  );
  const { mb, out: report } = await peakHeap(() => runMission(mission));
  if (report.status !== 'succeeded' || report.steps.length !== n)
    throw new Error(`bench mission did not succeed: ${report.status}`);
  const us = (ms) => ((ms * 1000) / n).toFixed(2);
  perStep[n] = engineMs / n;
  floorPerStep[n] = floorMs / n;
  const ratio = engineMs / floorMs;
  console.log(
    `scheduler ${n.toLocaleString('en')} steps: missionkit ${us(engineMs)} µs/step, floor (async Kahn) ${us(floorMs)} µs/step → ${ratio.toFixed(2)}× floor (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'ok' : 'MISSED'}; peak heap ${mb.toFixed(1)} MB${n === 10_000 ? ` (target < ${TARGET_HEAP_MB} MB) ${mb < TARGET_HEAP_MB ? 'ok' : 'MISSED'}` : ''}`,
  );
}
const growth = perStep[100_000] / perStep[10_000];
// The floor's own growth, for context: how much of the engine's is the machine's (caches, GC).
const floorGrowth = floorPerStep[100_000] / floorPerStep[10_000];
console.log(
  `scheduler growth 10k → 100k: ${growth.toFixed(2)}× per step (target ≤ ${TARGET_GROWTH}×) ${growth <= TARGET_GROWTH ? 'ok' : 'MISSED'}; the floor grows ${floorGrowth.toFixed(2)}× on this machine`,
);
