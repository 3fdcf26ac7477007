// The long load and soak runs behind docs/reliability.md (the short versions run in CI, in
// test/reliability/load.test.ts and faults.node.test.ts). Run with `npm run stress`, which builds
// first and runs this under `node --expose-gc`. It prints its figures and exits 1 when a check fails:
//  1. 500 missions at once in this one process, on real processes: noops, short commands,
//     failures and timeouts; every report complete and correct, nothing left behind;
//  2. a soak: one mission of 1,000 short command steps, max_parallel_steps 4, run 20 times; the
//     heap after each run (after GC) must not grow from run to run;
//  3. 1 GiB of output on a step with a 1 MiB capture limit, the whole process under 200 MB;
//  4. the throughput of very short lines (a figure only);
//  5. load: 100, 300 and 500 missions at once (5 steps, 2 at a time) beside a bare spawn pool
//     doing the same processes (bench/load.bench.mjs, in its own process): no output lost, and
//     the wall time within 1.5× the pool's at every size.
import { spawnSync } from 'node:child_process';
import { getEventListeners, setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeExecutor, runMission } from '../dist/esm/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc (npm run stress does)');
  process.exit(2);
}
const MiB = 1024 * 1024;
const mb = (bytes) => (bytes / MiB).toFixed(1);
const node = JSON.stringify(process.execPath);
const floodFixture = JSON.stringify(fileURLToPath(new URL('../test/fixtures/flood.js', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'missionkit-stress-'));
const executor = new NodeExecutor();
let failures = 0;
const check = (ok, what) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const heap = async () => {
  await settle();
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const resources = () => {
  const counts = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};
const moreThan = (before) =>
  Object.fromEntries(Object.entries(resources()).filter(([type, n]) => n > (before[type] ?? 0)));

// ---------------------------------------------------------------------------------------------
// 1. 500 missions at once
// ---------------------------------------------------------------------------------------------
const KINDS = {
  noop: {
    steps:
      '  - { id: a, name: a, step_type: noop }\n  - { id: b, name: b, step_type: noop, depends_on: [a] }\n',
    expected: ['succeeded', ['succeeded', 'succeeded']],
  },
  commands: {
    steps:
      '  - { id: a, name: a, step_type: command, parameters: { command: sh, args: ["-c", "echo built"] } }\n  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: "true", args: ["{{ steps.a.stdout }}"] } }\n',
    expected: ['succeeded', ['succeeded', 'succeeded']],
  },
  failure: {
    steps:
      '  - { id: a, name: a, step_type: command, parameters: { command: sh, args: ["-c", "echo broken >&2; exit 3"] } }\n  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: "true" } }\n',
    expected: ['failed', ['failed', 'skipped']],
  },
  timeout: {
    steps:
      '  - { id: a, name: a, step_type: command, timeout_seconds: 1, parameters: { command: sleep, args: ["60"] } }\n  - { id: b, name: b, step_type: noop, depends_on: [a] }\n',
    expected: ['failed', ['timed_out', 'skipped']],
  },
};
const kindNames = Object.keys(KINDS);
const MISSIONS = 500;

console.log(`\n## ${MISSIONS} missions at once, in one process, on real processes`);
{
  const warm = await runMission(`version: "1.0"\nname: warm\nsteps:\n${KINDS.commands.steps}`, {
    cwd: dir,
    executor,
  });
  if (warm.status !== 'succeeded') throw new Error('warm-up failed');
  const controller = new AbortController();
  setMaxListeners(MISSIONS + 10, controller.signal);
  // Each concurrent runMission adds its own SIGINT and SIGTERM listener (see docs/reliability.md).
  const heapBefore = await heap();
  const before = resources();
  const listenersBefore = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const kinds = Array.from({ length: MISSIONS }, (_, i) => kindNames[i % kindNames.length]);
  const reports = await Promise.all(
    kinds.map((kind, i) =>
      runMission(
        `version: "1.0"\nname: stress ${kind} ${i}\nconfig: { kill_grace_seconds: 0.5 }\nsteps:\n${KINDS[kind].steps}`,
        { cwd: dir, executor, signal: controller.signal },
      ),
    ),
  );
  const wall = performance.now() - started;
  clearInterval(sampler);
  const wrong = reports.filter((r, i) => {
    const [status, steps] = KINDS[kinds[i]].expected;
    return r.status !== status || JSON.stringify(r.steps.map((s) => s.status)) !== JSON.stringify(steps);
  });
  const spawned = reports.reduce(
    (n, r) => n + r.steps.filter((s) => s.attempts.length > 0 && s.step_type === 'command').length,
    0,
  );
  console.log(
    `  ${MISSIONS} missions (${kindNames.join(', ')}), ${spawned} command steps, in ${(wall / 1000).toFixed(2)} s; peak RSS ${mb(peakRss)} MB`,
  );
  check(
    reports.length === MISSIONS && wrong.length === 0,
    `every report complete and correct (${wrong.length} wrong)`,
  );
  check(
    getEventListeners(controller.signal, 'abort').length === 0,
    'no abort listener left on the shared signal',
  );
  check(
    JSON.stringify(['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s))) ===
      JSON.stringify(listenersBefore),
    'no SIGINT/SIGTERM listener left on the process',
  );
  await settle();
  const left = moreThan(before);
  check(Object.keys(left).length === 0, `no timer, pipe, process or socket left (${JSON.stringify(left)})`);
  reports.length = 0;
  const heapAfter = await heap();
  console.log(`  heap after GC: ${mb(heapBefore)} MB before, ${mb(heapAfter)} MB after`);
  check(heapAfter - heapBefore < 10 * MiB, 'heap back within 10 MB of where it started');
}

// ---------------------------------------------------------------------------------------------
// 2. Soak
// ---------------------------------------------------------------------------------------------
const STEPS = 1000;
const RUNS = 20;
console.log(`\n## soak: ${STEPS} short command steps, max_parallel_steps 4, ${RUNS} runs`);
{
  const steps = Array.from({ length: STEPS }, (_, i) =>
    i % 10 === 0
      ? `  - { id: s${i}, name: s${i}, step_type: command, parameters: { command: sh, args: ["-c", "echo step ${i}"] } }\n`
      : `  - { id: s${i}, name: s${i}, step_type: command, parameters: { command: "true" } }\n`,
  ).join('');
  const yaml = `version: "1.0"\nname: soak\nconfig: { max_parallel_steps: 4 }\nsteps:\n${steps}`;
  const before = resources();
  const heaps = [];
  console.log('  run   seconds   heap MB (after GC)   RSS MB');
  for (let run = 1; run <= RUNS; run++) {
    const started = performance.now();
    const report = await runMission(yaml, { cwd: dir, executor });
    const seconds = (performance.now() - started) / 1000;
    if (report.status !== 'succeeded' || report.counts.succeeded !== STEPS) {
      check(false, `run ${run} ended ${report.status} with ${report.counts.succeeded} steps succeeded`);
      break;
    }
    const h = await heap();
    heaps.push(h);
    console.log(
      `  ${String(run).padStart(3)}   ${seconds.toFixed(2).padStart(7)}   ${mb(h).padStart(18)}   ${mb(process.memoryUsage().rss).padStart(6)}`,
    );
  }
  const settled = heaps.slice(2);
  const spread = Math.max(...settled) - Math.min(...settled);
  const growth = heaps[heaps.length - 1] - heaps[2];
  console.log(`  from run 3 to run ${RUNS}: heap spread ${mb(spread)} MB, growth ${mb(growth)} MB`);
  check(
    heaps.length === RUNS && growth < 2 * MiB && spread < 4 * MiB,
    'memory does not grow from run to run',
  );
  await settle();
  const left = moreThan(before);
  check(Object.keys(left).length === 0, `no timer, pipe, process or socket left (${JSON.stringify(left)})`);
}

// ---------------------------------------------------------------------------------------------
// 3. 1 GiB of output
// ---------------------------------------------------------------------------------------------
console.log('\n## 1 GiB of output on a step with a 1 MiB capture limit');
{
  const total = 1024 * MiB;
  await heap();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let lines = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const report = await runMission(
    `version: "1.0"\nname: flood\nsteps:\n  - { id: flood, name: flood, step_type: command, parameters: { command: ${node}, args: [${floodFixture}, "${total}", "4096"], max_output_bytes: ${MiB} } }\n`,
    { cwd: dir, executor, onEvent: (e) => void (e.type === 'step_output' && (lines += 1)) },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const out = report.steps[0].stdout;
  console.log(
    `  ${mb(out.total_bytes)} MB read in ${seconds.toFixed(2)} s (${(out.total_bytes / MiB / seconds).toFixed(0)} MB/s), ${lines} line events, ${mb(out.total_bytes - out.dropped_bytes)} MB kept`,
  );
  console.log(`  RSS ${mb(rssBefore)} MB before, peak ${mb(peakRss)} MB`);
  check(
    report.status === 'succeeded' && out.total_bytes === total && out.dropped_bytes === total - MiB,
    'every byte counted, 1 MiB kept',
  );
  check(peakRss < 200 * MiB, 'the whole process stayed under 200 MB');
}

// ---------------------------------------------------------------------------------------------
// 4. Very short lines (a figure, not a check)
// ---------------------------------------------------------------------------------------------
console.log('\n## 64 MiB of two-byte lines (`yes`), each one a step_output event');
{
  const total = 64 * MiB;
  let lines = 0;
  const started = performance.now();
  const report = await runMission(
    `version: "1.0"\nname: yes\nsteps:\n  - { id: yes, name: yes, step_type: command, parameters: { command: sh, args: ["-c", "yes | head -c ${total}"] } }\n`,
    { cwd: dir, executor, onEvent: (e) => void (e.type === 'step_output' && (lines += 1)) },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  ${mb(report.steps[0].stdout.total_bytes)} MB, ${lines} line events in ${seconds.toFixed(2)} s (${(lines / seconds / 1e6).toFixed(1)} million lines/s)`,
  );
  check(report.status === 'succeeded' && lines === total / 2, 'every line delivered');
}

// ---------------------------------------------------------------------------------------------
// 5. Many missions at once, beside a bare spawn pool
// ---------------------------------------------------------------------------------------------
console.log('\n## load: 100, 300 and 500 missions at once beside a bare child_process.spawn pool');
{
  const bench = fileURLToPath(new URL('./load.bench.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  check(run.status === 0, 'no output lost, and within 1.5× the bare pool at every size');
}

rmSync(dir, { recursive: true, force: true });
console.log(failures === 0 ? '\nall stress checks passed' : `\n${failures} stress check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
