// A Redis that requires a password: the coordinator and the worker take it in the URL
// (redis://:password@host:port), and a wrong one is a clear error at the worker's start.
import { execFile } from 'node:child_process';
import { runDistributed } from '../../src/distributed/index.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { builtCli } from '../cli/built-cli.js';
import { startWorkerProcess, type WorkerProcess } from './support.js';

if (requireRedis('Redis with a password')) {
  let redis: RedisServer;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis({ password: 's3cret-pass' });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await redis?.dispose();
  }, 30_000);

  test('a password in the URL reaches Redis on both sides', async () => {
    worker = await startWorkerProcess(redis.url, 'auth-1');
    const report = await runDistributed(
      {
        text: 'version: "1.0"\nname: auth\nsteps:\n  - { id: a, name: a, step_type: command, parameters: { command: echo, args: [ok] } }\n',
      },
      { redis: redis.url },
    );
    expect(report.status).toBe('succeeded');
    expect(report.steps[0]!.attempts[0]!.worker).toBe('auth-1');
  }, 60_000);

  test('a worker with a wrong password stops at once and says why', async () => {
    const wrong = redis.url.replace('s3cret-pass', 'nope');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [builtCli(), 'worker', '--redis', wrong],
        { timeout: 20_000 },
        (error, _out, stderr) =>
          resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /missionkit: cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/i,
    );
  }, 30_000);
}
