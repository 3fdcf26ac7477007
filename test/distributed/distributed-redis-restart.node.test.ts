// Redis (append-only) is stopped and started again on the same port and directory while a
// distributed run has steps on two real workers. The run must end on its own: either every step
// succeeded, each step's process having run at most twice and never two copies at once, or the
// steps that did not succeed say Redis was away. A step is never missing from the report, and a
// step reported as succeeded really ran to its end.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDistributed } from '../../src/distributed/index.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { startWorkerProcess, waitFor, type WorkerProcess } from './support.js';

const STEP = path.resolve(__dirname, '../fixtures/dist-step.js');
const IDS = ['a', 'b1', 'b2', 'b3', 'b4', 'c', 'd', 'e'] as const;

interface Run {
  readonly pid: number;
  readonly start: number;
  readonly end: number | undefined;
}

/** The processes a step's log shows, each with its start and (if it got there) its end. */
const runsIn = (file: string): Run[] => {
  if (!fs.existsSync(file)) return [];
  const runs = new Map<number, { start: number; end: number | undefined }>();
  for (const line of fs.readFileSync(file, 'utf8').trimEnd().split('\n')) {
    const [what, pid, at] = line.split(' ');
    if (what === 'start') runs.set(Number(pid), { start: Number(at), end: undefined });
    if (what === 'end') runs.get(Number(pid))!.end = Number(at);
  }
  return [...runs].map(([pid, r]) => ({ pid, ...r }));
};

const summary = (report: MissionReport): string =>
  report.steps
    .map(
      (s) =>
        `${s.id}: ${s.status}${s.message !== undefined ? ` — ${s.message}` : ''} [${s.attempts
          .map((a) => `${a.outcome}@${a.worker ?? 'here'}${a.message !== undefined ? ` ${a.message}` : ''}`)
          .join('; ')}]`,
    )
    .join('\n');

if (requireRedis('distributed run across a Redis restart')) {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis({ appendonly: true });
    workers = await Promise.all([
      startWorkerProcess(redis.url, 'r1', ['--concurrency', '2']),
      startWorkerProcess(redis.url, 'r2', ['--concurrency', '2']),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.dispose();
  }, 30_000);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-dist-restart-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const step = (id: string, ms: number, extra = ''): string =>
    `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(STEP)}, ${JSON.stringify(
      path.join(dir, `${id}.log`),
    )}, "${ms}"] }
`;

  const mission = (bMs = 1500): string => `version: "1.0"
name: restart mid-run
steps:
${step('a', 200)}${['b1', 'b2', 'b3', 'b4'].map((b) => step(b, bMs, '    depends_on: [a]\n')).join('')}${step(
    'c',
    300,
    '    depends_on: [b1, b2, b3, b4]\n',
  )}${step('d', 300, '    depends_on: [c]\n')}${step('e', 300, '    depends_on: [d]\n')}config:
  max_parallel_steps: 4
`;

  const restartMidRun = async (how: 'stop' | 'kill', awayMs = 1000, bMs = 1500): Promise<MissionReport> => {
    const running = runDistributed({ text: mission(bMs) }, { redis: redis.url });
    // Redis goes away while the four parallel steps run on the workers.
    await waitFor(
      () => ['b1', 'b2', 'b3', 'b4'].every((b) => runsIn(path.join(dir, `${b}.log`)).length > 0),
      20_000,
      'the parallel steps to start',
    );
    await (how === 'stop' ? redis.stop() : redis.kill());
    await new Promise((r) => setTimeout(r, awayMs));
    redis = await startRedis({ appendonly: true, dir: redis.dir, port: redis.port });
    const report = await running;
    const told = summary(report);

    // Every step is in the report, once.
    expect(report.steps.map((s) => s.id)).toEqual([...IDS]);
    for (const id of IDS) {
      const result = report.steps.find((s) => s.id === id)!;
      const runs = runsIn(path.join(dir, `${id}.log`));
      // At most twice, and never two copies at the same time.
      expect(runs.length).toBeLessThanOrEqual(2);
      const sorted = [...runs].sort((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i += 1) {
        expect(sorted[i - 1]!.end).toBeDefined();
        expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end!);
      }
      if (result.status === 'succeeded') {
        // Reported as succeeded: a process of it ran to its end.
        expect(runs.some((r) => r.end !== undefined)).toBe(true);
      } else if (result.status !== 'skipped' && result.status !== 'cancelled') {
        // Not succeeded: it says why, naming Redis.
        expect(`${id}: ${result.message ?? ''}`).toMatch(/redis/i);
      }
    }
    if (report.status !== 'succeeded') expect(told).toMatch(/redis/i);
    else for (const id of IDS) expect(runsIn(path.join(dir, `${id}.log`)).length).toBeGreaterThan(0);
    // What happened, for whoever reads the test output.
    console.log(`${how}: ${report.status}\n${told}`);
    return report;
  };

  test('Redis stopped (SIGTERM) and started again mid-run: the run ends, nothing lost silently', async () => {
    await restartMidRun('stop');
  }, 90_000);

  test('Redis killed (SIGKILL) and started again mid-run: the run ends, nothing lost silently', async () => {
    await restartMidRun('kill');
  }, 90_000);

  test("Redis away longer than the workers' heartbeats: live workers are not taken for lost, no step runs twice", async () => {
    // Heartbeats of 1.5 s expire while Redis is down for 3 s; the workers and their steps live on.
    await Promise.all(workers.map((w) => w.stop()));
    workers = await Promise.all([
      startWorkerProcess(redis.url, 'q1', ['--concurrency', '2', '--lost-after-ms', '2000']),
      startWorkerProcess(redis.url, 'q2', ['--concurrency', '2', '--lost-after-ms', '2000']),
    ]);
    const report = await restartMidRun('stop', 3000, 5000);
    for (const s of report.steps) {
      // No attempt was interrupted for a lapsed heartbeat, so none ran a second time.
      for (const a of s.attempts) expect(`${s.id}: ${a.message ?? ''}`).not.toMatch(/heartbeat lapsed/);
      expect(runsIn(path.join(dir, `${s.id}.log`)).length).toBeLessThanOrEqual(1);
    }
  }, 90_000);
}
