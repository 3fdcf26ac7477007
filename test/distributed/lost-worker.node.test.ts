// A worker SIGKILLed mid-step, twenty times at random moments: its step tree dies with it (its
// reaper), the attempt becomes interrupted once its heartbeat lapses, and then runs again on the
// restarted worker (on_interrupt: rerun) or fails (on_interrupt: fail) — never two copies at once,
// nothing of the dead worker left.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDistributed } from '../../src/distributed/index.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { isAlive } from '../node/liveness.js';
import { startWorkerProcess, waitFor, type WorkerProcess } from './support.js';

const TICK = path.resolve(__dirname, '../fixtures/dist-tick.js');
const TREE = path.resolve(__dirname, '../fixtures/tree.js');
const ROUNDS = 20;
const LOST_AFTER_MS = 2000;

interface Line {
  readonly what: string;
  readonly pid: number;
  readonly at: number;
}

const readLog = (file: string): Line[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [what, pid, at] = l.split(' ');
          return { what: what!, pid: Number(pid), at: Number(at) };
        })
    : [];

if (requireRedis('lost workers')) {
  let redis: RedisServer;
  let dir: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-lost-'));
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await redis?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test(`a worker SIGKILLed mid-step ${ROUNDS} times: rerun or fail per on_interrupt, never concurrently`, async () => {
    const start = (name: string): Promise<WorkerProcess> =>
      startWorkerProcess(redis.url, name, ['--lost-after-ms', String(LOST_AFTER_MS), '--concurrency', '1']);
    worker = await start('victim-0');
    for (let round = 0; round < ROUNDS; round++) {
      const log = path.join(dir, `round-${round}.log`);
      const policy = round % 2 === 0 ? 'rerun' : 'fail';
      const mission = `version: "1.0"
name: lost-${round}
steps:
  - id: s
    name: s
    step_type: command
    on_interrupt: ${policy}
    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(TICK)}, ${JSON.stringify(log)}, "1000"] }
`;
      const running = runDistributed({ text: mission }, { redis: redis.url });
      await waitFor(() => readLog(log).length > 0, 20_000, `round ${round}'s step to start`);
      const victim = worker;
      const delay = Math.floor(Math.random() * 800);
      await new Promise((r) => setTimeout(r, delay));
      const first = readLog(log)[0]!.pid;
      await victim.kill();
      // The reaper kills the tree at once, well before the attempt may run anywhere else.
      await waitFor(
        () => !isAlive(first),
        1500,
        `round ${round}: the dead worker's step (pid ${first}) to die`,
      );
      worker = await start(`victim-${round + 1}`);
      const report = await running;
      const s = report.steps[0]!;
      const lines = readLog(log);
      const context = `round ${round} (${policy}, killed ${delay} ms after the start): ${JSON.stringify(s.attempts)}\n${lines.map((l) => `${l.what} ${l.pid} ${l.at}`).join('\n')}`;
      const finishedFirst = lines.some((l) => l.pid === first && l.what === 'end');
      if (finishedFirst) {
        // The kill came after the step's own end: nothing was interrupted.
        expect([context, s.status]).toEqual([context, 'succeeded']);
        continue;
      }
      expect([context, s.attempts[0]!.interrupted, s.attempts[0]!.worker]).toEqual([
        context,
        true,
        victim.name,
      ]);
      if (policy === 'rerun') {
        expect([context, s.status, s.attempts.length]).toEqual([context, 'succeeded', 2]);
        expect([context, s.attempts[1]!.worker]).toEqual([context, worker.name]);
        const second = lines.find((l) => l.what === 'start' && l.pid !== first)!;
        const lastOfFirst = Math.max(...lines.filter((l) => l.pid === first).map((l) => l.at));
        // Never two copies at once: the rerun began after the killed copy's last sign of life.
        expect([context, second.at > lastOfFirst]).toEqual([context, true]);
      } else {
        expect([context, s.status, s.attempts.length]).toEqual([context, 'failed', 1]);
        expect(s.message).toMatch(/interrupted: worker victim-\d+ stopped answering.*on_interrupt: fail/);
        expect(lines.filter((l) => l.what === 'start').length).toBe(1);
      }
      expect(isAlive(first)).toBe(false);
    }
  }, 300_000);

  test('a worker that starts kills what a dead worker on this host left when its reaper died too', async () => {
    await worker?.stop();
    const first = await startWorkerProcess(redis.url, 'orphan-1', ['--lost-after-ms', String(LOST_AFTER_MS)]);
    const pids: number[] = [];
    const running = runDistributed(
      {
        text: `version: "1.0"\nname: orphans\nsteps:\n  - id: tree\n    name: tree\n    step_type: command\n    on_interrupt: fail\n    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(TREE)}, "1", "2"] }\n`,
      },
      {
        redis: redis.url,
        onEvent: (e) => {
          if (e.type === 'step_output')
            pids.push(...[...e.line.matchAll(/pid (\d+)/g)].map((m) => Number(m[1])));
        },
      },
    );
    await waitFor(() => pids.length === 3, 20_000, 'the tree to start');
    // The reaper first, so nothing kills the tree when the worker dies.
    process.kill(first.reaperPid, 'SIGKILL');
    await first.kill();
    await new Promise((r) => setTimeout(r, 300));
    expect(pids.filter(isAlive)).toEqual(pids);
    worker = await startWorkerProcess(redis.url, 'orphan-2', ['--lost-after-ms', String(LOST_AFTER_MS)]);
    // Killed before the new worker said it was ready.
    expect(pids.filter(isAlive)).toEqual([]);
    expect(worker.log()).toMatch(/killed 3 process\(es\) left by a worker that died on this host/);
    const report = await running;
    expect(report.steps[0]!.status).toBe('failed');
    expect(report.steps[0]!.attempts[0]!.worker).toBe('orphan-1');
  }, 60_000);
}
