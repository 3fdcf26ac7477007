// A distributed run's coordinator dies for real while two steps run on a worker that stays up.
// Another coordinator finishes the run from its Redis journal with `resumeDistributed`: the step
// that settled keeps its result, the worker's copy of each interrupted step is stopped and
// confirmed over before the step may run again (never two copies at once), `on_interrupt: fail`
// holds, and a plain `resumeMission` is refused with a hint instead of running worker steps here.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { redisJournal, resumeDistributed } from '../../src/distributed/index.js';
import { resumeMission, JournalRefusal } from '../../src/index.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { isAlive } from '../node/liveness.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { startWorkerProcess, waitFor, type WorkerProcess } from './support.js';

const STEP = path.resolve(__dirname, '../fixtures/dist-step.js');
const LEASE_MS = 1000;

const lines = (file: string): string[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
const starts = (file: string): number[] =>
  lines(file)
    .filter((l) => l.startsWith('start '))
    .map((l) => Number(l.split(' ')[1]));

if (requireRedis('distributed resume')) {
  let redis: RedisServer;
  let worker: WorkerProcess;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-dist-resume-'));
    worker = await startWorkerProcess(redis.url, 'steady', ['--concurrency', '4']);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await redis?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const step = (id: string, ms: number, extra = ''): string =>
    `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(STEP)}, ${JSON.stringify(
      path.join(dir, `${id}.log`),
    )}, "${ms}"] }
`;

  test('a coordinator SIGKILLed mid-run is finished by another one; the worker never runs two copies', async () => {
    const mission = `version: "1.0"
name: distributed durable
steps:
${step('a', 50)}${step('long', 4000, '    depends_on: [a]\n')}${step(
      'once',
      4000,
      '    depends_on: [a]\n    on_interrupt: fail\n    continue_on_error: true\n',
    )}${step('c', 50, '    depends_on: [long, once]\n    dependency_strategy: best_effort\n')}config:
  max_parallel_steps: 4
`;
    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission);
    const root = path.dirname(path.dirname(builtCli()));
    const coordinator = spawn(
      process.execPath,
      [
        '-e',
        `const dist = require(${JSON.stringify(path.join(root, 'distributed', 'index.js'))});
         const journal = dist.redisJournal(${JSON.stringify(redis.url)}, { leaseMs: ${LEASE_MS} });
         dist.runDistributed('mission.yaml', { redis: ${JSON.stringify(redis.url)}, journal, runId: 'd1' });`,
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => coordinator.on('exit', resolve));
    await waitFor(
      () =>
        starts(path.join(dir, 'long.log')).length === 1 && starts(path.join(dir, 'once.log')).length === 1,
      30_000,
      'long and once to start on the worker',
    );
    coordinator.kill('SIGKILL');
    await exited;
    const [firstLong] = starts(path.join(dir, 'long.log'));
    const [firstOnce] = starts(path.join(dir, 'once.log'));
    // The worker is alive and still runs both copies: the coordinator's death alone stops nothing.
    expect(isAlive(firstLong!)).toBe(true);

    const journal = redisJournal(redis.url, { leaseMs: LEASE_MS });
    // Without workers the run is refused, not run here.
    let refusal: unknown;
    for (const until = Date.now() + 10_000; ;) {
      refusal = await resumeMission('d1', { journal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(refusal instanceof JournalRefusal && refusal.code === 'locked') || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(refusal).toBeInstanceOf(JournalRefusal);
    expect((refusal as JournalRefusal).code).toBe('needs_workers');
    expect((refusal as JournalRefusal).message).toContain('resumeDistributed');

    const report: MissionReport = await resumeDistributed('d1', { redis: redis.url, journal });
    const result = (id: string) => report.steps.find((s) => s.id === id)!;
    expect(result('a').attempts).toHaveLength(1);
    expect(result('long').conclusion).toBe('succeeded');
    expect(result('long').attempts.some((a) => a.interrupted === true)).toBe(true);
    expect(result('once').outcome).toBe('failed');
    expect(result('c').conclusion).toBe('succeeded');
    expect(['succeeded', 'succeeded_with_warnings']).toContain(report.status);

    // `a` ran once; `once` never ran again; `long` ran again only after its first copy was gone.
    expect(starts(path.join(dir, 'a.log'))).toHaveLength(1);
    expect(starts(path.join(dir, 'once.log'))).toEqual([firstOnce]);
    const longLines = lines(path.join(dir, 'long.log'));
    expect(starts(path.join(dir, 'long.log'))).toHaveLength(2);
    expect(longLines.filter((l) => l.startsWith(`end ${firstLong} `))).toEqual([]);
    expect(isAlive(firstLong!)).toBe(false);
    expect(isAlive(firstOnce!)).toBe(false);
  }, 90_000);
}
