// The cost of watching resources, and the seed's targets for the engine itself:
//   1. the engine running a 10,000-step noop mission: peak memory (target < 500 MB) and CPU
//      (target < 50 % of the machine). The mission is pure engine work, so this is the engine flat
//      out on its one thread plus V8's background threads (compiler, collector); a bare async loop
//      doing the same steps (the scheduler bench's floor) is measured alike, for comparison. Warm
//      figures are ten runs back to back after the compiler has settled;
//   2. the sampler's cost per tick on trees of 10 and 50 processes, /proc against pidusage;
//   3. the engine's own CPU while it monitors 8 running steps every second for ~10 s
//      (target < 2 % of one core), with the same run unmonitored for comparison.
// Run with `npm run bench` (it builds first).
import { kahn, noopMission } from './noop-mission.mjs';
import { cpus } from 'node:os';
import pidusage from 'pidusage';
import {
  createNodeExecutor,
  createResourceSampler,
  defaultSamplerMethod,
  nodeHost,
  runMissionWith,
  SampledTrees,
} from './internals.mjs';

const TARGET_ENGINE_RSS_MB = 500;
const TARGET_ENGINE_CPU_PERCENT = 50;
const TARGET_MONITOR_CPU_PERCENT = 2;
const MB = 1024 * 1024;
const cores = cpus().length;
const verdict = (ok) => (ok ? 'ok' : 'MISSED');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system, ms) and wall time (ms) that `fn` takes in this process. */
const measured = async (fn) => {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = await fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { out, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

// ── 1. The engine on a 10,000-step noop mission (first, so the process's peak RSS is its own) ──

const host = (sampler) => (sampler === undefined ? nodeHost() : { ...nodeHost(), sampler });
{
  const mission = noopMission(10_000);
  let peakRss = process.memoryUsage.rss();
  const watch = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
  const run = async () => {
    const r = await measured(() => runMissionWith(host(createResourceSampler()), mission));
    if (r.out.status !== 'succeeded') throw new Error(`bench mission did not succeed: ${r.out.status}`);
    return r;
  };
  /** Ten runs back to back after five more, once V8 has compiled what it runs. */
  const steady = async (once) => {
    for (let i = 0; i < 5; i++) await once();
    return measured(async () => {
      for (let i = 0; i < 10; i++) await once();
    });
  };
  // Cold: the first run in a process, while V8 compiles the engine on its background threads.
  const cold = await run();
  const warm = await steady(run);
  clearInterval(watch);
  const floor = await steady(() => kahn(mission));
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const rssMb = peakRss / MB;
  const cpu = ({ cpuMs, wallMs }) =>
    `${cpuMs.toFixed(0)} ms CPU in ${wallMs.toFixed(0)} ms = ${((cpuMs / wallMs) * 100).toFixed(0)}% of one core, ` +
    `${((cpuMs / wallMs / cores) * 100).toFixed(0)}% of the machine's ${cores} cores`;
  const ofMachine = (warm.cpuMs / warm.wallMs / cores) * 100;
  console.log(
    `engine, 10,000 noop steps: peak RSS ${rssMb.toFixed(0)} MB (target < ${TARGET_ENGINE_RSS_MB} MB) ${verdict(rssMb < TARGET_ENGINE_RSS_MB)}; ` +
      `warm ${cpu(warm)} (target < ${TARGET_ENGINE_CPU_PERCENT}%) ${verdict(ofMachine < TARGET_ENGINE_CPU_PERCENT)}; cold ${cpu(cold)}; ` +
      `the bare async loop, warm: ${cpu(floor)}`,
  );
}

// ── 2. The sampler's cost per tick ──

const executor = createNodeExecutor();
const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined));

/** A tree of `n` processes: a shell and n - 1 sleeping children. */
const startTree = (n) =>
  executor.spawn({
    command: 'sh',
    args: ['-c', `i=1; while [ $i -lt ${n} ]; do sleep 600 & i=$((i+1)); done; wait`],
    cwd: process.cwd(),
    env,
    shell: false,
    detach: false,
    killGraceMs: 1000,
    onOutput: () => undefined,
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const methods = defaultSamplerMethod(process.platform) === 'proc' ? ['proc', 'pidusage'] : ['pidusage'];
const label = { proc: '/proc', pidusage: 'pidusage' };
const TICKS = 100;
const first = {};
for (const n of [10, 50]) {
  const tree = startTree(n);
  const startedAt = performance.now();
  const samplers = Object.fromEntries(methods.map((m) => [m, createResourceSampler({ method: m })]));
  // The first call of each method in this process pays its one-time set-up (getconf...).
  for (const m of methods) {
    const t0 = process.hrtime.bigint();
    await samplers[m].sample([tree.pid]);
    first[m] ??= Number(process.hrtime.bigint() - t0) / 1e6;
  }
  while ((await samplers[methods[0]].sample([tree.pid])).processes < n) await sleep(20);
  // A tree first seen past its first second costs a read of the whole process table.
  await sleep(Math.max(0, 1100 - (performance.now() - startedAt)));
  const fresh = [];
  for (let i = 0; i < 20; i++) {
    const s = createResourceSampler({ method: methods[0] });
    const t0 = process.hrtime.bigint();
    await s.sample([tree.pid]);
    fresh.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const times = Object.fromEntries(methods.map((m) => [m, []]));
  for (let i = 0; i < TICKS; i++)
    for (const m of methods) {
      const t0 = process.hrtime.bigint();
      const usage = await samplers[m].sample([tree.pid]);
      times[m].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (usage.processes !== n) throw new Error(`${m} saw ${usage.processes} of ${n} processes`);
    }
  // The naive use, one pidusage call per process (what a per-process cost of pidusage usually means).
  const { live } = await new SampledTrees(process.platform).members([tree.pid]);
  const naive = [];
  for (let i = 0; i < TICKS; i++) {
    const t0 = process.hrtime.bigint();
    await Promise.all(live.map((e) => pidusage(e.pid)));
    naive.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const ms = Object.fromEntries(methods.map((m) => [m, median(times[m])]));
  const line = methods.map((m) => `${label[m]} ${ms[m].toFixed(2)} ms/tick`).join(', ');
  const ratio = methods.length === 2 ? ` (${(ms.pidusage / ms.proc).toFixed(1)}×)` : '';
  console.log(
    `sampler ${n} processes: ${line}${ratio}; per process ${methods.map((m) => `${label[m]} ${(ms[m] / n).toFixed(3)} ms`).join(', ')}; ` +
      `pidusage called once per process ${median(naive).toFixed(2)} ms/tick` +
      (methods[0] === 'proc'
        ? `; first /proc sample of a tree older than 1 s (reads the whole process table) ${median(fresh).toFixed(2)} ms`
        : ''),
  );
  tree.kill('force');
  await tree.exited;
}
console.log(
  `sampler first call in a process (one-time set-up): ${methods.map((m) => `${label[m]} ${first[m].toFixed(1)} ms`).join(', ')}`,
);

// ── 3. The engine's CPU while monitoring 8 running steps at a 1 s interval ──

const SECONDS = 10;
const sleepers = `version: "1.0"
name: eight sleepers
steps:
${Array.from(
  { length: 8 },
  (_, i) =>
    `  - { id: s${i}, name: s${i}, step_type: command, parameters: { command: sleep, args: ["${SECONDS}"] } }`,
).join('\n')}
config:
  max_parallel_steps: 8
  resource_limits: { max_memory_mb: 1024 }
  monitoring: { check_interval_seconds: 1 }
`;
/** The sampler, with the CPU time its calls take added up (a /proc sample does not yield mid-way). */
const timed = (sampler) => {
  const spent = { cpuMs: 0, calls: 0 };
  return {
    spent,
    sampler: {
      measuresDiskIo: sampler.measuresDiskIo,
      sample: async (pids) => {
        const c0 = process.cpuUsage();
        const usage = await sampler.sample(pids);
        const c = process.cpuUsage(c0);
        spent.cpuMs += (c.user + c.system) / 1000;
        spent.calls += 1;
        return usage;
      },
    },
  };
};
const monitored = async (sampler) => {
  globalThis.gc?.(); // the garbage of the parts above is not this run's cost
  const { out: report, wallMs, cpuMs } = await measured(() => runMissionWith(host(sampler), sleepers));
  if (report.status !== 'succeeded') throw new Error(`sleepers did not succeed: ${report.status}`);
  return { percent: (cpuMs / wallMs) * 100, cpuMs };
};
const { sampler, spent } = timed(createResourceSampler());
const watched = await monitored(sampler);
const unwatched = await monitored(undefined);
console.log(
  `engine monitoring 8 steps every 1 s for ${SECONDS} s: ${watched.percent.toFixed(2)}% of one core ` +
    `(target < ${TARGET_MONITOR_CPU_PERCENT}%) ${verdict(watched.percent < TARGET_MONITOR_CPU_PERCENT)}; ` +
    `${spent.calls} samples took ${spent.cpuMs.toFixed(0)} ms CPU (${(spent.cpuMs / Math.max(1, spent.calls)).toFixed(2)} ms each); ` +
    `the same run without a sampler ${unwatched.percent.toFixed(2)}% (spawning and supervising the 8 processes)`,
);
