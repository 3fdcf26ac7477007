// The Node executor's cost, as ratios against a floor measured in the same run:
//  - 200 `true` commands, one after another and 2 at a time, with output captured into a bounded
//    sink, through missionkit's executor vs a plain child_process.spawn loop doing the same work,
//    with execa (+ p-limit) and listr2 (running execa tasks) measured beside them. The target is
//    for the executor with the containment a plain spawn has (`process-group`); where this host
//    gives steps a control group of their own (root, or a delegated cgroup v2 subtree: the
//    executor's default there), that is measured too, for context: its wrapper shell and the
//    groups made and removed per command are the price of the guarantee, not the executor's;
//  - the kill path: from the start of a kill to the whole tree being gone, for 10 processes that
//    ignore SIGTERM, with the ladder graceful → 1 s grace → force.
// Run after `npm run build`: node bench/spawn.bench.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { Listr } from 'listr2';
import { NodeExecutor } from '../dist/esm/index.js';

const COMMANDS = 200;
const ROUNDS = 9;
const GRACE_MS = 1000;
const CAPTURE_LIMIT = 1024 * 1024;
const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined));
const cwd = process.cwd();
const treeFixture = fileURLToPath(new URL('../test/fixtures/tree.js', import.meta.url));

/** What the runtime does with output: keep the first and last halves of a limit, count the rest. */
class BoundedSink {
  head = [];
  headBytes = 0;
  tail = [];
  tailBytes = 0;
  dropped = 0;
  write(chunk) {
    const half = CAPTURE_LIMIT / 2;
    if (this.headBytes < half) {
      const part = chunk.subarray(0, half - this.headBytes);
      this.head.push(part);
      this.headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= half) {
      const first = this.tail.shift();
      this.tailBytes -= first.length;
      this.dropped += first.length;
    }
  }
}

/** The executor as a host gets it: on this host, perhaps with a control group per step. */
const executor = new NodeExecutor();
/** With the containment a plain spawn has: what the target is about. */
const grouped = new NodeExecutor({ containment: 'process-group' });
/** A `true` command through `through`, its output in bounded sinks. */
const throughExecutor = (through) => () => {
  const out = new BoundedSink();
  const err = new BoundedSink();
  return through.spawn({
    command: 'true',
    args: [],
    cwd,
    env,
    shell: false,
    detach: false,
    killGraceMs: 5000,
    onOutput: (stream, chunk) => (stream === 'stdout' ? out : err).write(chunk),
  }).exited;
};

const variants = {
  floor: () =>
    new Promise((resolve) => {
      const out = new BoundedSink();
      const err = new BoundedSink();
      const child = spawn('true', [], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (c) => out.write(c));
      child.stderr.on('data', (c) => err.write(c));
      child.on('close', resolve);
    }),
  missionkit: throughExecutor(grouped),
  contained: throughExecutor(executor),
  execa: () => execa('true', [], { cwd, env, reject: false }),
};

const sequential = async (run, count) => {
  for (let i = 0; i < count; i++) await run();
};
const twoAtATime = async (run, count) => {
  const limit = pLimit(2);
  await Promise.all(Array.from({ length: count }, () => limit(run)));
};
const listr = (concurrent, count) =>
  new Listr(
    Array.from({ length: count }, (_, i) => ({
      title: `true ${i}`,
      task: () => execa('true', [], { cwd, env, reject: false }),
    })),
    { concurrent, renderer: 'silent', exitOnError: false },
  ).run();

const time = async (work) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The machine may be shared, and its load changes by the second. So each round runs the 200
// commands of every variant in slices of 20, interleaved in a rotating order: a busy moment hits
// every variant alike. (listr2 runs its 200 tasks as one list per round: that is how it is used.)
const SLICE = 20;
const measure = async (label, drive, runners, whole) => {
  const samples = Object.fromEntries([...Object.keys(runners), ...Object.keys(whole)].map((k) => [k, []]));
  const entries = Object.entries(runners);
  for (let round = 0; round < ROUNDS; round++) {
    const totals = Object.fromEntries(entries.map(([k]) => [k, 0]));
    for (let slice = 0; slice < COMMANDS / SLICE; slice++) {
      for (let i = 0; i < entries.length; i++) {
        const [name, run] = entries[(round + slice + i) % entries.length];
        totals[name] += await time(() => drive(run, SLICE));
      }
    }
    for (const [name, total] of Object.entries(totals)) samples[name].push(total);
    for (const [name, work] of Object.entries(whole)) samples[name].push(await time(work));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const ratio = (name) => `${(m[name] / m.floor).toFixed(2)}×`;
  const perCommand = (ms) => `${((ms / COMMANDS) * 1000).toFixed(0)} µs`;
  console.log(
    `spawn ${label}: missionkit ${ratio('missionkit')} floor (target ≤ 1.15×; process-group containment, as the floor's), execa ${ratio('execa')}, listr2 ${ratio('listr2')}` +
      `  [floor ${perCommand(m.floor)} per command, median of ${ROUNDS} rounds of ${COMMANDS}]`,
  );
  if (m.contained !== undefined)
    console.log(
      `spawn ${label} with ${executor.containmentKind} containment (this host's default; context): ${ratio('contained')} floor, ` +
        `+${perCommand(m.contained - m.missionkit)} per command for the control group (the wrapper shell that enters it, the groups made and removed)`,
    );
};

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !['Z', 'X'].includes(stat[stat.lastIndexOf(')') + 2]);
  } catch {
    return process.platform !== 'linux';
  }
};

const killPath = async () => {
  let text = '';
  const spawned = executor.spawn({
    command: process.execPath,
    args: [treeFixture, '1', '9', 'ignore-term'],
    cwd,
    env,
    shell: false,
    detach: false,
    killGraceMs: GRACE_MS,
    onOutput: (_stream, chunk) => (text += Buffer.from(chunk).toString('utf8')),
  });
  while ((text.match(/^pid \d+$/gm) ?? []).length < 10) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100)); // let every process install its SIGTERM handler
  const pids = [...text.matchAll(/^pid (\d+)$/gm)].map((m) => Number(m[1]));
  const started = performance.now();
  // The core scheduler's ladder, on real time: graceful, the grace period, then force.
  spawned.kill('graceful');
  const force = setTimeout(() => spawned.kill('force'), GRACE_MS);
  await spawned.exited;
  clearTimeout(force);
  while (pids.some(isAlive)) await new Promise((r) => setImmediate(r));
  return performance.now() - started;
};

const hasGroups = executor.containmentKind !== grouped.containmentKind;
const peers = {
  floor: variants.floor,
  missionkit: variants.missionkit,
  execa: variants.execa,
  ...(hasGroups ? { contained: variants.contained } : {}),
};
for (let i = 0; i < 20; i++) for (const run of Object.values(peers)) await run();
await measure('sequential', sequential, peers, { listr2: () => listr(false, COMMANDS) });
await measure('2 at a time', twoAtATime, peers, { listr2: () => listr(2, COMMANDS) });
const kills = [];
for (let i = 0; i < 3; i++) kills.push(await killPath());
console.log(
  `kill tree of 10 ignoring SIGTERM, grace ${GRACE_MS} ms: ${median(kills).toFixed(0)} ms from kill to all gone ` +
    `(target ≤ ${GRACE_MS + 100} ms; runs: ${kills.map((k) => k.toFixed(0)).join(', ')} ms)`,
);
