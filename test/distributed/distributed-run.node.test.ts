// Distributed runs with a real redis-server and real `missionkit worker` processes: a diamond
// spread over two workers, routing by label and to the coordinator, a timeout and a cancel that
// kill a tree on a worker, and a step type a worker does not have.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as t from 'io-ts';
import { runDistributed } from '../../src/distributed/index.js';
import { runMission } from '../../src/index.js';
import { defineStepType } from '../../src/core.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import type { AnyStepType } from '../../src/ports/step-type.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';
import { isAlive } from '../node/liveness.js';
import { Redis } from 'ioredis';
import { startWorkerProcess, waitFor, type WorkerProcess } from './support.js';
import { builtCli } from '../cli/built-cli.js';
import { execFileSync } from 'node:child_process';

const STEP = path.resolve(__dirname, '../fixtures/dist-step.js');
const TREE = path.resolve(__dirname, '../fixtures/tree.js');
const TYPES = path.resolve(__dirname, '../fixtures/dist-step-types.js');
const node = JSON.stringify(process.execPath);

const stepOf = (report: MissionReport, id: string) => report.steps.find((s) => s.id === id)!;
const pidsIn = (text: string): number[] => [...text.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));

if (requireRedis('distributed runs')) {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-dist-'));
    workers = await Promise.all([
      startWorkerProcess(redis.url, 'w1', ['--labels', 'pair', '--concurrency', '1']),
      startWorkerProcess(redis.url, 'w2', ['--labels', 'pair', '--concurrency', '1']),
      startWorkerProcess(redis.url, 'wdb', ['--labels', 'db,linux', '--concurrency', '2']),
      startWorkerProcess(redis.url, 'wtyped', ['--labels', 'typed', '--step-types', TYPES]),
    ]);
  }, 120_000);

  afterAll(async () => {
    // Stopping a worker waits for its queues' connections to close.
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const cmd = (id: string, ms: number, extra = ''): string =>
    `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${node}, args: [${JSON.stringify(STEP)}, ${JSON.stringify(path.join(dir, `${id}.log`))}, "${ms}"] }
`;

  test('a diamond runs across two workers; each attempt names its worker', async () => {
    const mission = `version: "1.0"
name: diamond
steps:
${cmd('top', 50, '    runs_on: [coordinator]\n')}${cmd('left', 600, '    depends_on: [top]\n    runs_on: [pair]\n')}${cmd('right', 600, '    depends_on: [top]\n    runs_on: [pair]\n')}${cmd('bottom', 50, '    depends_on: [left, right]\n')}config:
  max_parallel_steps: 4
`;
    const report = await runDistributed({ text: mission }, { redis: redis.url });
    expect(report.status).toBe('succeeded');
    const left = stepOf(report, 'left');
    const right = stepOf(report, 'right');
    expect(left.stdout.text).toMatch(/^ran \d+/);
    // The two workers labelled `pair` take one attempt at a time: the middle steps ran side by side on both.
    const middle = [left.attempts[0]!.worker, right.attempts[0]!.worker];
    expect(new Set(middle).size).toBe(2);
    expect(middle.sort()).toEqual(['w1', 'w2']);
    expect(stepOf(report, 'bottom').attempts[0]!.worker).toBeDefined();
    // runs_on: [coordinator] ran in this process: no worker.
    expect(stepOf(report, 'top').attempts[0]!.worker).toBeUndefined();
    expect(Date.parse(stepOf(report, 'bottom').started_at!)).toBeGreaterThanOrEqual(
      Math.max(Date.parse(left.ended_at!), Date.parse(right.ended_at!)),
    );
  }, 60_000);

  test('runs_on sends a step to a worker with every label; a local run says it ignores runs_on', async () => {
    const mission = `version: "1.0"
name: routed
steps:
${[1, 2, 3].map((i) => cmd(`db${i}`, 20, '    runs_on: [linux, db]\n')).join('')}`;
    const report = await runDistributed({ text: mission }, { redis: redis.url });
    expect(report.status).toBe('succeeded');
    for (const i of [1, 2, 3]) expect(stepOf(report, `db${i}`).attempts[0]!.worker).toBe('wdb');

    const warnings: string[] = [];
    const local = await runMission(
      { text: mission },
      {
        onEvent: (e) => {
          if (e.type === 'mission_warnings')
            warnings.push(...e.warnings.map((w) => `${w.path}: ${w.message}`));
        },
      },
    );
    expect(local.status).toBe('succeeded');
    expect(stepOf(local, 'db1').attempts[0]!.worker).toBeUndefined();
    expect(warnings.join('\n')).toMatch(
      /steps\[0\]\.runs_on: runs_on is ignored in a local run: db1, db2, db3/,
    );
  }, 60_000);

  test('a timeout and a cancel reach the worker and kill the whole tree there', async () => {
    const tree = (id: string, extra: string): string => `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${node}, args: [${JSON.stringify(TREE)}, "1", "2", "ignore-term"] }
`;
    const timedOut = await runDistributed(
      {
        text: `version: "1.0"\nname: slow\nconfig: { kill_grace_seconds: 0.3 }\nsteps:\n${tree('slow', '    timeout_seconds: 3\n')}`,
      },
      { redis: redis.url },
    );
    const slow = stepOf(timedOut, 'slow');
    expect(slow.status).toBe('timed_out');
    const timedPids = pidsIn(slow.stdout.text);
    expect(timedPids.length).toBe(3);
    await waitFor(() => timedPids.every((p) => !isAlive(p)), 3000, 'the timed-out tree to be gone');

    const controller = new AbortController();
    const seen: number[] = [];
    const cancelled = await runDistributed(
      {
        text: `version: "1.0"\nname: cancel\nconfig: { kill_grace_seconds: 0.3 }\nsteps:\n${tree('busy', '')}`,
      },
      {
        redis: redis.url,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type !== 'step_output') return;
          seen.push(...pidsIn(e.line));
          if (seen.length === 3) controller.abort('enough');
        },
      },
    );
    expect(cancelled.status).toBe('cancelled');
    expect(stepOf(cancelled, 'busy').kill_reason).toBe('cancel');
    expect(seen.length).toBe(3);
    await waitFor(() => seen.every((p) => !isAlive(p)), 3000, 'the cancelled tree to be gone');
  }, 60_000);

  test('a secret is masked in every streamed line, and nothing in Redis holds it once the run ended', async () => {
    const secret = 'hunter2-very-secret';
    const lines: string[] = [];
    const report = await runDistributed(
      {
        text: `version: "1.0"\nname: secret\nsecrets: [TOKEN]\nsteps:\n  - id: say\n    name: say\n    step_type: command\n    parameters: { command: echo, args: ["token={{ variables.TOKEN }}"] }\n`,
      },
      {
        redis: redis.url,
        variables: { TOKEN: secret },
        onEvent: (e) => {
          if (e.type === 'step_output') lines.push(e.line);
        },
      },
    );
    expect(report.status).toBe('succeeded');
    expect(lines).toEqual(['token=***']);
    expect(JSON.stringify(report)).not.toContain(secret);
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      for (const key of keys) {
        const type = await client.type(key);
        const value =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? await client.hgetall(key)
              : type === 'stream'
                ? await client.xrange(key, '-', '+')
                : type === 'list'
                  ? await client.lrange(key, 0, -1)
                  : type === 'zset'
                    ? await client.zrange(key, 0, -1)
                    : type === 'set'
                      ? await client.smembers(key)
                      : null;
        expect([key, JSON.stringify(value)]).not.toEqual([key, expect.stringContaining('hunter2')]);
      }
      // The run's event stream is gone with the run.
      expect(keys.filter((k) => k.includes(':attempt-events'))).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 30_000);

  test('a step type a worker does not have fails the step, with a hint', async () => {
    const custom = defineStepType({
      name: 'custom_echo',
      parameters: t.type({ text: t.string }),
      run: async (_ctx, p) => ({ status: 'succeeded', output: p.text }),
    });
    const report = await runDistributed(
      {
        text: 'version: "1.0"\nname: custom\nsteps:\n  - { id: c, name: c, step_type: custom_echo, parameters: { text: hi } }\n',
      },
      { redis: redis.url, stepTypes: [custom] },
    );
    const c = stepOf(report, 'c');
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(/^step type custom_echo is not registered on worker (w1|w2|wdb|wtyped)$/);
    expect(c.hint).toMatch(/--step-types/);
  }, 30_000);

  test('custom step types from --step-types run when the coordinator has the same; another version fails clearly', async () => {
    const { shout } = require(TYPES) as { shout: AnyStepType };
    const text =
      'version: "1.0"\nname: typed\nsteps:\n  - { id: s, name: s, step_type: shout, runs_on: [typed], parameters: { text: hi } }\n';
    const ok = await runDistributed({ text }, { redis: redis.url, stepTypes: [shout] });
    expect(ok.status).toBe('succeeded');
    expect(ok.steps[0]!.output).toBe('HI');
    expect(ok.steps[0]!.attempts[0]!.worker).toBe('wtyped');

    const other = defineStepType({
      name: 'shout',
      parameters: t.type({ text: t.string }),
      run: async (_ctx, p) => ({ status: 'succeeded', output: p.text }),
    });
    const bad = await runDistributed({ text }, { redis: redis.url, stepTypes: [other] });
    expect(bad.steps[0]!.status).toBe('failed');
    expect(bad.steps[0]!.message).toMatch(/step type shout on worker wtyped differs from the coordinator's/);
  }, 30_000);

  test('missionkit run --redis runs the steps on the workers and reports as a local run does', () => {
    const file = path.join(dir, 'cli.mission.yaml');
    fs.writeFileSync(
      file,
      `version: "1.0"\nname: cli\nsteps:\n${cmd('one', 20)}${cmd('two', 20, '    depends_on: [one]\n')}`,
    );
    const out = execFileSync(
      process.execPath,
      [builtCli(), 'run', file, '--redis', redis.url, '--json', '--no-journal'],
      { cwd: dir, encoding: 'utf8' },
    );
    const report = JSON.parse(out) as MissionReport;
    expect(report.status).toBe('succeeded');
    for (const s of report.steps) expect(['w1', 'w2', 'wdb', 'wtyped']).toContain(s.attempts[0]!.worker);
  }, 30_000);
}
