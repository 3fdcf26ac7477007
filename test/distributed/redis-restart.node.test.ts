// Redis goes away under a running coordinator. With append-only persistence it comes back and the
// run goes on: the writes it missed are sent again, in order, with no duplicate and no hole. Without
// persistence it comes back empty, and the run stops with an error saying so; a Redis that does not
// come back stops the run after the write timeout, saying that. Nothing is lost silently.
import { spawn, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { expectAllGone } from '../node/liveness.js';
import { waitFor } from './support.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const FIXTURE = path.resolve(__dirname, '../fixtures/journal-step.js');

const step = (id: string, ms: number, extra: string): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FIXTURE)}, "${id}.log", "${ms}"] }
`;

const MISSION = `version: "1.0"
name: restart
steps:
${step('a', 50, '')}${step('long', 2000, '    depends_on: [a]\n')}${step('c', 50, '    depends_on: [long]\n')}`;

const coordinator = (dir: string, url: string, options: string): ChildProcess => {
  const root = path.dirname(path.dirname(builtCli()));
  return spawn(
    process.execPath,
    [
      '-e',
      `const mk = require(${JSON.stringify(path.join(root, 'index.js'))});
       const dist = require(${JSON.stringify(path.join(root, 'distributed', 'index.js'))});
       mk.runMission('mission.yaml', { journal: dist.redisJournal(${JSON.stringify(url)}, ${options}), runId: 'r1' })
         .then((r) => console.log('REPORT ' + JSON.stringify(r)), (e) => console.log('ERROR ' + e.name + ': ' + e.message));`,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
};

const linesOf = (dir: string, id: string): string[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
};
const pidsStarted = (lines: ReadonlyArray<string>): number[] =>
  lines.filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[1]));

/** The coordinator's last word: its report, or its error. */
const outcome = async (child: ChildProcess): Promise<string> => {
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return text.split('\n').find((l) => l.startsWith('REPORT ') || l.startsWith('ERROR ')) ?? text;
};

if (requireRedis('redis restart')) {
  let dir: string;
  const servers: RedisServer[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-redis-restart-'));
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('with AOF, a Redis killed and restarted mid-run: the run finishes and its stream has every entry once, in order', async () => {
    const first = await startRedis({ appendonly: true });
    const child = coordinator(dir, first.url, '{ leaseMs: 1000 }');
    const done = outcome(child);
    await waitFor(() => linesOf(dir, 'long').filter((l) => l.startsWith('tick')).length >= 4, 30_000);
    await first.kill();
    // Down long enough for the step's output to need sending again and the lease to lapse.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await startRedis({ appendonly: true, dir: first.dir, port: first.port });
    servers.push(again);
    const line = await done;
    expect(line).toMatch(/^REPORT /);
    const report = JSON.parse(line.slice('REPORT '.length));
    expect(report.status).toBe('succeeded');
    for (const id of ['a', 'long', 'c']) expect(pidsStarted(linesOf(dir, id))).toHaveLength(1);

    const client = new Redis(again.url);
    try {
      const stream = await client.xrange('missionkit:{r1}:events', '-', '+');
      expect(stream.map(([id]) => id)).toEqual(stream.map((_, i) => `${i + 1}-0`));
      const entries = stream.map(
        ([, f]) => JSON.parse(f[1]!) as { _tag: string; event?: { _tag: string; step: number } },
      );
      const finished = entries.filter((e) => e.event?._tag === 'step_finished').map((e) => e.event!.step);
      expect(finished).toEqual([0, 1, 2]);
      expect(entries.filter((e) => e._tag === 'process')).toHaveLength(3);
      expect(JSON.parse((await client.hget('missionkit:{r1}:run', 'outcome'))!)).toMatchObject({
        status: 'succeeded',
      });
      expect(await client.exists('missionkit:{r1}:lease')).toBe(0);
    } finally {
      client.disconnect();
    }
  }, 120_000);

  it('without persistence, a restarted Redis has lost the run: the coordinator stops and says why', async () => {
    const first = await startRedis({ appendonly: false });
    const child = coordinator(dir, first.url, '{ leaseMs: 1000 }');
    const done = outcome(child);
    await waitFor(() => linesOf(dir, 'long').some((l) => l.startsWith('tick')), 30_000);
    await first.kill();
    servers.push(await startRedis({ appendonly: false, dir: first.dir, port: first.port }));
    const line = await done;
    expect(line).toMatch(
      new RegExp(
        `^ERROR RedisJournalError: run r1: Redis at redis://127\\.0\\.0\\.1:${first.port} no longer holds the run \\(it restarted without persistence, or its keys were flushed or deleted\\) — nothing more can be recorded, so the run stops; run Redis with append-only persistence`,
      ),
    );
    // The step it was running does not outlive the run.
    await expectAllGone(pidsStarted(linesOf(dir, 'long')));
    expect(pidsStarted(linesOf(dir, 'c'))).toEqual([]);
  }, 120_000);

  it('a Redis that does not come back stops the run after the write timeout, naming the server', async () => {
    const first = await startRedis({ appendonly: true });
    servers.push(first);
    const child = coordinator(dir, first.url, '{ leaseMs: 1000, writeTimeoutMs: 1500 }');
    const done = outcome(child);
    await waitFor(() => linesOf(dir, 'long').some((l) => l.startsWith('tick')), 30_000);
    await first.kill();
    const line = await done;
    expect(line).toMatch(
      new RegExp(
        `^ERROR RedisJournalError: run r1: Redis at redis://127\\.0\\.0\\.1:${first.port} did not store the journal within 1500 ms \\(last error: .*ECONNREFUSED.*\\) — the run stops rather than go on unrecorded; once Redis is back, resume it with \`missionkit resume r1 --redis <url>\``,
      ),
    );
    await expectAllGone(pidsStarted(linesOf(dir, 'long')));
  }, 120_000);
}
