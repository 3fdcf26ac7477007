// 1,000 steps across 4 worker processes, 8 in flight: every step's report is its own (its output,
// its worker), every worker takes a share, and dependencies hold.
import { runDistributed } from '../../src/distributed/index.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './support.js';

const STEPS = 1000;
const WIDTH = 100;

if (requireRedis('1,000 distributed steps')) {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    workers = await Promise.all(
      [1, 2, 3, 4].map((i) => startWorkerProcess(redis.url, `many-${i}`, ['--concurrency', '2'])),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.dispose();
  }, 30_000);

  test(`${STEPS} steps over 4 workers: every report correct`, async () => {
    const steps = Array.from({ length: STEPS }, (_, i) => ({
      id: `s${i}`,
      name: `s${i}`,
      step_type: 'command',
      // Each wave waits for the one before: step i after step i - WIDTH.
      ...(i >= WIDTH ? { depends_on: [`s${i - WIDTH}`] } : {}),
      parameters: { command: 'echo', args: [`out-${i}`] },
    }));
    const report = await runDistributed(
      { mission: { version: '1.0', name: 'many', config: { max_parallel_steps: 8 }, steps } },
      { redis: redis.url },
    );
    expect(report.status).toBe('succeeded');
    expect(report.steps).toHaveLength(STEPS);
    const byWorker = new Map<string, number>();
    const wrong: string[] = [];
    report.steps.forEach((s, i) => {
      if (s.status !== 'succeeded' || s.stdout.text !== `out-${i}\n` || s.attempts.length !== 1)
        wrong.push(s.id);
      const w = s.attempts[0]?.worker ?? 'none';
      byWorker.set(w, (byWorker.get(w) ?? 0) + 1);
      if (i >= WIDTH && Date.parse(s.started_at!) < Date.parse(report.steps[i - WIDTH]!.ended_at!))
        wrong.push(`${s.id} (early)`);
    });
    expect(wrong).toEqual([]);
    expect([...byWorker.keys()].sort()).toEqual(['many-1', 'many-2', 'many-3', 'many-4']);
  }, 240_000);
}
