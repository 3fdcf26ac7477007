// What running a step on a worker costs, measured in this run against its floors:
//  - 200 `true` steps one after another: locally, through BullMQ with missionkit (one worker
//    process), and as bare BullMQ no-op jobs to a worker process (the queue's own round trip).
//    Target: a remote step costs ≤ 1.3× (a local step + a bare round trip).
//  - throughput of 1,000 short steps over 4 workers at 8 in flight;
//  - how long a SIGKILLed worker takes to be found lost with the defaults (on_interrupt: fail).
// Needs redis-server on PATH. Run after `npm run build`: node bench/distributed.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { runMission } from '../dist/esm/index.js';
import { runDistributed } from '../dist/esm/distributed/index.js';

const CLI = new URL('../dist/cjs/cli/main.js', import.meta.url).pathname;
const SERIAL = 200;
const MANY = 1000;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const answers = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const startRedis = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mk-dist-bench-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  child.on('error', (e) => {
    console.error(
      `redis-server could not start (${e.message}): install it (sudo apt-get install redis-server)`,
    );
    process.exit(1);
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && !(await answers(port)); i++) await sleep(25);
  return { url, port, stop: () => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })) };
};

const startWorker = (url, name, extra = []) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--name', name, ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      text += c;
      if (text.includes(`worker ${name} ready`)) resolve(child);
    });
    child.once('exit', () => reject(new Error(`worker ${name} exited:\n${text}`)));
  });

const stopWorker = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

// A bare BullMQ worker in its own process: completes every job at once.
const BARE_WORKER = `
const { Worker } = require('bullmq');
const w = new Worker('bare', async () => null, { connection: { host: '127.0.0.1', port: Number(process.argv[1]) } });
w.waitUntilReady().then(() => process.stdout.write('ready\\n'));
process.on('SIGTERM', () => w.close().then(() => process.exit(0)));`;

const serialMission = {
  version: '1.0',
  name: 'distributed bench: serial',
  steps: Array.from({ length: SERIAL }, (_, i) => ({
    id: `c${i}`,
    name: `c${i}`,
    step_type: 'command',
    parameters: { command: 'true' },
    ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}),
  })),
};

const manyMission = {
  version: '1.0',
  name: 'distributed bench: many',
  config: { max_parallel_steps: 8 },
  steps: Array.from({ length: MANY }, (_, i) => ({
    id: `s${i}`,
    name: `s${i}`,
    step_type: 'command',
    parameters: { command: 'true' },
  })),
};

const timed = async (f) => {
  const t0 = performance.now();
  const report = await f();
  const ms = performance.now() - t0;
  if (report !== undefined && report.status !== 'succeeded') {
    const bad = report.steps.find((s) => s.status !== 'succeeded');
    throw new Error(`the bench mission ${report.status}: ${bad?.id} ${bad?.status} ${bad?.message ?? ''}`);
  }
  return ms;
};

const redis = await startRedis();
const workers = [];
try {
  // 1. One at a time: local, remote, bare.
  workers.push(await startWorker(redis.url, 'bench-1', ['--concurrency', '1']));
  const bare = spawn(process.execPath, ['-e', BARE_WORKER, String(redis.port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
    cwd: new URL('..', import.meta.url).pathname,
  });
  await new Promise((r) => bare.stdout.once('data', r));
  const queue = new Queue('bare', { connection: { host: '127.0.0.1', port: redis.port } });
  const events = new QueueEvents('bare', { connection: { host: '127.0.0.1', port: redis.port } });
  await events.waitUntilReady();
  const bareRun = async () => {
    for (let i = 0; i < SERIAL; i++) {
      const job = await queue.add('noop', {}, { removeOnComplete: 100 });
      await job.waitUntilFinished(events);
    }
  };
  await runMission({ mission: serialMission }); // warm-up
  await runDistributed({ mission: serialMission }, { redis: redis.url });
  await bareRun();
  const local = [];
  const remote = [];
  const bareMs = [];
  for (let r = 0; r < 3; r++) {
    local.push(await timed(() => runMission({ mission: serialMission })));
    remote.push(await timed(() => runDistributed({ mission: serialMission }, { redis: redis.url })));
    bareMs.push(await timed(bareRun));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[1];
  const [l, rm, b] = [median(local), median(remote), median(bareMs)];
  console.log(
    `distributed ${SERIAL} \`true\` steps one at a time: remote ${(rm / SERIAL).toFixed(2)} ms/step, local ${(l / SERIAL).toFixed(2)}, bare BullMQ round trip ${(b / SERIAL).toFixed(2)} — remote ${(rm / (l + b)).toFixed(2)}× (local + bare) (median of 3; target ≤ 1.3×)`,
  );
  await queue.close();
  await events.close();
  bare.kill('SIGKILL');
  await stopWorker(workers.pop());

  // 2. Throughput over 4 workers, 8 in flight.
  for (let i = 1; i <= 4; i++)
    workers.push(await startWorker(redis.url, `bench-many-${i}`, ['--concurrency', '2']));
  await runDistributed({ mission: manyMission }, { redis: redis.url }); // warm-up
  const manyMs = await timed(() => runDistributed({ mission: manyMission }, { redis: redis.url }));
  const localMany = await timed(() => runMission({ mission: manyMission }));
  console.log(
    `distributed ${MANY} \`true\` steps over 4 workers, 8 in flight: ${((MANY / manyMs) * 1000).toFixed(0)} steps/s (${manyMs.toFixed(0)} ms; the same locally at 8 in flight: ${((MANY / localMany) * 1000).toFixed(0)} steps/s)`,
  );
  await Promise.all(workers.splice(0).map(stopWorker));

  // 3. A dead worker, found with the defaults.
  const victim = await startWorker(redis.url, 'bench-victim');
  let killedAt = 0;
  let foundAt = 0;
  const lost = runDistributed(
    {
      mission: {
        version: '1.0',
        name: 'lost',
        steps: [
          {
            id: 'long',
            name: 'long',
            step_type: 'command',
            on_interrupt: 'fail',
            parameters: { command: 'sleep', args: ['60'] },
          },
        ],
      },
    },
    {
      redis: redis.url,
      onEvent: (e) => {
        if (e.type === 'step_start' && killedAt === 0)
          void sleep(200).then(() => {
            killedAt = performance.now();
            victim.kill('SIGKILL');
          });
        if (e.type === 'step_end') foundAt = performance.now();
      },
    },
  );
  await lost;
  console.log(
    `distributed a SIGKILLed worker found lost in ${((foundAt - killedAt) / 1000).toFixed(1)} s with the defaults (target ≤ 10 s)`,
  );
} finally {
  await Promise.all(workers.map(stopWorker));
  redis.stop();
}
