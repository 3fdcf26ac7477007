// Fan-out's cost per instance: a step that lists 10,000 items and a `for_each` step expanding into
// 10,000 no-op instances, against the same work declared as 10,000 no-op steps that each depend on
// the listing step, through the real scheduler and runtime. Prints per-step times and the ratio
// (target ≤ 1.3×: expanding at run time keeps the per-step cost flat). Run with `npm run bench fanout`.
import * as t from 'io-ts';
import { runMission } from '../dist/esm/index.js';

const TARGET_RATIO = 1.3;
const N = 10_000;
const ROUNDS = 25;

const ITEMS = Array.from({ length: N }, (_, i) => `item-${i}`);
const lister = {
  name: 'lister',
  parameters: t.UnknownRecord,
  run: async () => ({ status: 'succeeded', output: { items: ITEMS } }),
};

const base = (name, steps) => ({
  version: '1.0',
  name,
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
});

const step = (id, type, extra = {}) => ({
  id,
  name: id,
  step_type: type,
  parameters: {},
  depends_on: [],
  continue_on_error: false,
  dependency_strategy: { _tag: 'all_required' },
  continue_on_failure: false,
  allow_partial_results: false,
  ...extra,
});

const declared = base('declared', [
  step('list', 'lister'),
  ...Array.from({ length: N }, (_, i) => step(`s${i}`, 'noop', { depends_on: ['list'] })),
]);
const dynamic = base('dynamic', [
  step('list', 'lister'),
  step('each', 'noop', {
    depends_on: ['list'],
    fan_out: {
      _tag: 'for_each',
      text: '{{ steps.list.output.items }}',
      source: { _tag: 'output', step: 'list', path: ['items'] },
      max_items: N,
      fail_fast: true,
    },
  }),
]);

const options = { stepTypes: [lister] };
const timeOf = async (mission, expectSteps) => {
  const t0 = process.hrtime.bigint();
  const report = await runMission(mission, options);
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  if (report.status !== 'succeeded' || report.steps.length !== expectSteps)
    throw new Error(
      `bench mission ${mission.name} did not succeed: ${report.status}, ${report.steps.length} steps`,
    );
  return us / N;
};

// A warm-up of each, then the best of equal rounds, taking turns so both see the same machine.
await timeOf(declared, N + 1);
await timeOf(dynamic, N + 2);
let bestDeclared = Infinity;
let bestDynamic = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  bestDeclared = Math.min(bestDeclared, await timeOf(declared, N + 1));
  bestDynamic = Math.min(bestDynamic, await timeOf(dynamic, N + 2));
}
const ratio = bestDynamic / bestDeclared;
console.log(
  `fan-out ${N.toLocaleString('en')} instances: for_each ${bestDynamic.toFixed(2)} µs/instance, declared steps ${bestDeclared.toFixed(2)} µs/step → ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'ok' : 'MISSED'}`,
);
