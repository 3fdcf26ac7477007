// The engine's own cost: a mission of N no-op steps, each depending on up to two earlier ones
// (seeded), through the real scheduler and runtime, against a minimal Kahn's-algorithm scheduler
// run in the same process as the floor. Prints per-step times, the ratio to the floor, growth
// from 10k to 100k steps, and the engine's peak heap. Run with `npm run bench`.
//
// Every sample is the same amount of work, 100,000 steps: ten 10k missions back to back, or one
// 100k mission. A single 10k run lasts about as long as the gap between two young-generation
// collections, so the best of a few single runs is one that fell between two of them, while a 100k
// run always pays for the ~15 it triggers. Timing equal work charges each size its share of
// collection work, so the per-step figures of the two sizes compare like with like.
// Sizes, and the engine and the floor, take turns in every round, so all see the same moments of a
// shared machine.
import { runMission } from '../dist/esm/index.js';
import { kahn, noopMission } from './noop-mission.mjs';

const TARGET_RATIO = 5;
const TARGET_GROWTH = 1.3;
const TARGET_HEAP_MB = 150;

const SAMPLE_STEPS = 100_000;
const ROUNDS = 12;

/** Per-step time of one sample: missions of `n` steps run back to back until SAMPLE_STEPS are done. */
const sample = async (fn, n) => {
  const runs = Math.ceil(SAMPLE_STEPS / n);
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < runs; r++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / (runs * n);
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

const SIZES = [10_000, 100_000];
const missions = new Map(SIZES.map((n) => [n, noopMission(n)]));
const engine = (n) => () => runMission(missions.get(n));
const floor = (n) => () => kahn(missions.get(n));
// Best per-step time of each (who, size) over equal rounds, after a warm-up round of each.
const best = new Map();
const record = (key, us) => best.set(key, Math.min(best.get(key) ?? Infinity, us));
for (const n of SIZES) {
  await sample(engine(n), n);
  await sample(floor(n), n);
}
for (let round = 0; round < ROUNDS; round++)
  for (const n of SIZES) {
    record(`engine ${n}`, await sample(engine(n), n));
    record(`floor ${n}`, await sample(floor(n), n));
  }

const perStep = {};
const floorPerStep = {};
for (const n of SIZES) {
  const { mb, out: report } = await peakHeap(engine(n));
  if (report.status !== 'succeeded' || report.steps.length !== n)
    throw new Error(`bench mission did not succeed: ${report.status}`);
  perStep[n] = best.get(`engine ${n}`);
  floorPerStep[n] = best.get(`floor ${n}`);
  const ratio = perStep[n] / floorPerStep[n];
  console.log(
    `scheduler ${n.toLocaleString('en')} steps: missionkit ${perStep[n].toFixed(2)} µs/step, floor (async Kahn) ${floorPerStep[n].toFixed(2)} µs/step → ${ratio.toFixed(2)}× floor (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'ok' : 'MISSED'}; peak heap ${mb.toFixed(1)} MB${n === 10_000 ? ` (target < ${TARGET_HEAP_MB} MB) ${mb < TARGET_HEAP_MB ? 'ok' : 'MISSED'}` : ''}`,
  );
}
const growth = perStep[100_000] / perStep[10_000];
// The floor's own growth, for context: how much of the engine's is the machine's (caches, GC).
const floorGrowth = floorPerStep[100_000] / floorPerStep[10_000];
console.log(
  `scheduler growth 10k → 100k: ${growth.toFixed(2)}× per step (target ≤ ${TARGET_GROWTH}×) ${growth <= TARGET_GROWTH ? 'ok' : 'MISSED'}; the floor grows ${floorGrowth.toFixed(2)}× on this machine`,
);
