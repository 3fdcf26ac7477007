// A coordinator dies for real: a Node process running a mission through the public API with the
// Redis journal is SIGKILLed while two steps run, and another process finishes the run from the
// stream — once by an explicit `resumeMission`, once by standbys that take it over on their own
// (two of them: exactly one wins). Steps that had settled never run again, the interrupted one
// reruns only after its first copy is gone, and nothing the dead coordinator started is left.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { builtCli } from '../cli/built-cli.js';
import { redisJournal } from '../../src/distributed/index.js';
import { expectAllGone } from '../node/liveness.js';
import { waitFor } from './support.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const FIXTURE = path.resolve(__dirname, '../fixtures/journal-step.js');
const LEASE_MS = 1000;

const step = (id: string, ms: number, extra: string): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FIXTURE)}, "${id}.log", "${ms}"] }
`;

const MISSION = `version: "1.0"
name: durable
steps:
${step('a', 50, '')}${step('b', 50, '    depends_on: [a]\n')}${step('long', 1500, '    depends_on: [b]\n')}${step(
  'once',
  1500,
  '    depends_on: [b]\n    on_interrupt: fail\n    continue_on_error: true\n',
)}${step('c', 50, '    depends_on: [long]\n')}${step('d', 50, '    depends_on: [c, once]\n    dependency_strategy: best_effort\n')}config:
  max_parallel_steps: 4
`;

/** A Node process using the built package: `mk` is missionkit, `dist` missionkit/distributed. */
const host = (dir: string, url: string, body: string): ChildProcess => {
  const root = path.dirname(path.dirname(builtCli()));
  return spawn(
    process.execPath,
    [
      '-e',
      `const mk = require(${JSON.stringify(path.join(root, 'index.js'))});
       const dist = require(${JSON.stringify(path.join(root, 'distributed', 'index.js'))});
       const journal = dist.redisJournal(${JSON.stringify(url)}, { leaseMs: ${LEASE_MS} });
       ${body}`,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
};

const report = `.then((r) => console.log('REPORT ' + JSON.stringify(r)), (e) => console.log('ERROR ' + (e.code ?? e.name) + ' ' + e.message))`;

const linesOf = (dir: string, id: string): string[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
};

const pidsStarted = (lines: ReadonlyArray<string>): number[] =>
  lines.filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[1]));

const output = (child: ChildProcess): { text: () => string; exited: Promise<unknown> } => {
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  return { text: () => text, exited: new Promise((resolve) => child.on('exit', resolve)) };
};

/** Starts the coordinator and SIGKILLs it while `long` and `once` both run; resolves the pids it left. */
const killMidMission = async (dir: string, url: string): Promise<number[]> => {
  fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  const first = host(dir, url, `mk.runMission('mission.yaml', { journal, runId: 'r1' })${report};`);
  const exited = output(first).exited;
  await waitFor(
    () =>
      linesOf(dir, 'long').some((l) => l.startsWith('tick')) &&
      linesOf(dir, 'once').some((l) => l.startsWith('tick')),
    30_000,
  );
  first.kill('SIGKILL');
  await exited;
  const orphans = [...pidsStarted(linesOf(dir, 'long')), ...pidsStarted(linesOf(dir, 'once'))];
  expect(orphans).toHaveLength(2);
  return [first.pid!, ...orphans];
};

/** What every finish of the run must show, whoever finished it. */
const expectFinishedOnce = (
  dir: string,
  r: { steps: Array<{ id: string }> } & Record<string, unknown>,
): void => {
  for (const id of ['a', 'b']) expect(pidsStarted(linesOf(dir, id))).toHaveLength(1);
  const long = linesOf(dir, 'long');
  const longPids = pidsStarted(long);
  expect(longPids).toHaveLength(2);
  // The first copy never ticked after the second started.
  expect(
    long.slice(long.indexOf(`start ${longPids[1]}`)).filter((l) => l.endsWith(` ${longPids[0]}`)),
  ).toEqual([]);
  expect(pidsStarted(linesOf(dir, 'once'))).toHaveLength(1);
  for (const id of ['c', 'd']) expect(pidsStarted(linesOf(dir, id))).toHaveLength(1);
  expect(r.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
  const byId = Object.fromEntries(r.steps.map((s) => [s.id, s])) as Record<string, Record<string, unknown>>;
  expect(byId.long!.conclusion).toBe('succeeded');
  expect(byId.once!.conclusion).toBe('succeeded_with_warnings');
  expect(byId.d!.conclusion).toBe('succeeded');
};

if (requireRedis('coordinator takeover')) {
  let server: RedisServer;
  let dir: string;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
  });
  afterAll(() => server.dispose());
  beforeEach(async () => {
    const client = new Redis(server.url);
    await client.flushall();
    client.disconnect();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-takeover-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('another process resumes the run from the stream once the dead coordinator’s lease lapsed', async () => {
    const left = await killMidMission(dir, server.url);
    // Within the lease, the run still counts as running: a resume is refused, naming the holder.
    await expect(redisJournal(server.url, { leaseMs: LEASE_MS }).open('r1')).rejects.toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/^run r1 is running in process \d+ on /),
    });

    await new Promise((r) => setTimeout(r, LEASE_MS + 200));
    const second = host(dir, server.url, `mk.resumeMission('r1', { journal })${report};`);
    const out = output(second);
    await out.exited;
    const line = out
      .text()
      .split('\n')
      .find((l) => l.startsWith('REPORT ') || l.startsWith('ERROR '));
    expect(line).toMatch(/^REPORT /);
    expectFinishedOnce(dir, JSON.parse(line!.slice('REPORT '.length)));
    await expectAllGone(left);
  }, 120_000);

  it('of two standbys, exactly one takes the run over and finishes it', async () => {
    const standbys = [1, 2].map((n) =>
      host(
        dir,
        server.url,
        `const s = dist.standbyCoordinator({ redis: ${JSON.stringify(server.url)}, journal: { leaseMs: ${LEASE_MS} }, pollMs: 100,
           onTakeover: (id) => console.log('TAKEOVER ${n} ' + id),
           onReport: (id, r) => console.log('REPORT ' + JSON.stringify(r)),
           onError: (id, e) => console.log('ERROR ' + id + ' ' + e.message) });
         process.on('SIGTERM', () => s.stop().then(() => process.exit(0)));`,
      ),
    );
    const outs = standbys.map(output);
    try {
      const left = await killMidMission(dir, server.url);
      await waitFor(() => outs.some((o) => o.text().includes('REPORT ')), 60_000);
      // Give the losing standby more polls than the winner needed.
      await new Promise((r) => setTimeout(r, 500));
      const texts = outs.map((o) => o.text());
      expect(texts.join('').match(/^TAKEOVER \d r1$/gm)).toHaveLength(1);
      expect(texts.join('')).not.toMatch(/^ERROR /m);
      const line = texts
        .join('')
        .split('\n')
        .find((l) => l.startsWith('REPORT '))!;
      expectFinishedOnce(dir, JSON.parse(line.slice('REPORT '.length)));
      await expectAllGone(left);
    } finally {
      for (const s of standbys) s.kill('SIGTERM');
      await Promise.all(outs.map((o) => o.exited));
    }
  }, 120_000);

  it('a coordinator stalled past its lease loses the run: it cannot write into it again and stops, saying why', async () => {
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
    const first = host(dir, server.url, `mk.runMission('mission.yaml', { journal, runId: 'r1' })${report};`);
    const firstOut = output(first);
    await waitFor(
      () =>
        linesOf(dir, 'long').some((l) => l.startsWith('tick')) &&
        linesOf(dir, 'once').some((l) => l.startsWith('tick')),
      30_000,
    );
    // A paused VM, a long GC, a partition: the process is alive but renews nothing.
    first.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, LEASE_MS + 300));
      const second = host(dir, server.url, `mk.resumeMission('r1', { journal })${report};`);
      const out = output(second);
      await out.exited;
      const line = out
        .text()
        .split('\n')
        .find((l) => l.startsWith('REPORT ') || l.startsWith('ERROR '));
      expect(line).toMatch(/^REPORT /);
      expectFinishedOnce(dir, JSON.parse(line!.slice('REPORT '.length)));
    } finally {
      first.kill('SIGCONT');
    }
    await firstOut.exited;
    expect(firstOut.text()).toMatch(
      /^ERROR RedisJournalError run r1: another coordinator took the run over \((epoch 2|process \d+ on [^)]+)\) after this one's lease of 1000 ms lapsed .* — this coordinator stops; the other one finishes the run/m,
    );
    // Every entry after the takeover is the new coordinator's: the old one wrote nothing more.
    const client = new Redis(server.url);
    try {
      const epochs = (await client.xrange('missionkit:{r1}:events', '-', '+')).map(([, f]) => Number(f[3]));
      expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
      expect(new Set(epochs)).toEqual(new Set([1, 2]));
    } finally {
      client.disconnect();
    }
  }, 120_000);
}
