// The Redis journal keeps a run as the file journal does — inputs, every entry in order, how it
// ended, no secret anywhere — and refuses what cannot be resumed faithfully with the same words.
// A private redis-server, real processes; nothing mocked.
import Redis from 'ioredis';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resumeMission, runMission } from '../../src/index.js';
import { redisJournal, listRedisRuns, pruneRedisRuns } from '../../src/distributed/index.js';
import { JournalRefusal, type JournalEntry, type RunInputs } from '../../src/ports/journal.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const SECRET = 's3cret-value-42';
const MISSION = `version: "1.0"
name: refusals
variables:
  token: { value: placeholder, secret: true }
steps:
  - { id: a, name: a, step_type: command, parameters: { command: echo, args: ["token {{ variables.token }} end"] } }
  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: echo, args: [b] } }
  - { id: c, name: c, step_type: command, depends_on: [b], parameters: { command: echo, args: [c] } }
`;

if (requireRedis('redis journal')) {
  let server: RedisServer;
  let client: Redis;
  let dir: string;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
    client = new Redis(server.url);
  });
  afterAll(async () => {
    client.disconnect();
    await server.dispose();
  });
  beforeEach(async () => {
    await client.flushall();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-redis-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const record = async (runId = 'r1', mission = MISSION) => {
    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission);
    return runMission('mission.yaml', {
      cwd: dir,
      journal: redisJournal(server.url),
      runId,
      variables: { token: SECRET },
    });
  };
  const resume = (runId = 'r1', variables: Record<string, string> = { token: SECRET }) =>
    resumeMission(runId, { journal: redisJournal(server.url), variables });
  const refusal = async (variables?: Record<string, string>): Promise<JournalRefusal> => {
    const e = await resume('r1', variables).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(JournalRefusal);
    return e as JournalRefusal;
  };
  const K = { run: 'missionkit:{r1}:run', events: 'missionkit:{r1}:events', lease: 'missionkit:{r1}:lease' };
  const entries = async (key = K.events): Promise<JournalEntry[]> =>
    (await client.xrange(key, '-', '+')).map(([, f]) => JSON.parse(f[1]!) as JournalEntry);

  /** Every value of every key, as text: where a secret would show if it had been written. */
  const everything = async (): Promise<string> => {
    const texts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      texts.push(key);
      if (type === 'string') texts.push((await client.get(key)) ?? '');
      else if (type === 'hash') texts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'stream') texts.push(JSON.stringify(await client.xrange(key, '-', '+')));
      else if (type === 'zset') texts.push(JSON.stringify(await client.zrange(key, 0, -1)));
      else texts.push(`<${type}>`);
    }
    return texts.join('\n');
  };

  it('keeps inputs, entries in order as stream ids 1, 2, 3…, the outcome and no lease once it ended; secrets nowhere', async () => {
    const report = await record();
    expect(report.status).toBe('succeeded');
    expect(await client.exists(K.lease)).toBe(0);
    const hash = await client.hgetall(K.run);
    expect(JSON.parse(hash.inputs!)).toMatchObject({
      format: 'missionkit.journal/v1',
      run_id: 'r1',
      mission: { text: MISSION, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      variables: {},
      secret_names: ['token'],
    });
    expect(JSON.parse(hash.outcome!)).toEqual({ status: 'succeeded', ended_at: report.ended_at });
    const ids = (await client.xrange(K.events, '-', '+')).map(([id]) => id);
    expect(ids).toEqual(ids.map((_, i) => `${i + 1}-0`));
    expect(Number(hash.seq)).toBe(ids.length);
    const logged = await entries();
    expect(logged[0]).toEqual({ _tag: 'event', event: { _tag: 'start', at: expect.any(Number) } });
    expect(logged.filter((e) => e._tag === 'process')).toHaveLength(3);
    expect(logged.filter((e) => e._tag === 'event' && e.event._tag === 'step_finished')).toHaveLength(3);
    // The step printed the secret; the journal has it masked, and no key anywhere holds it.
    const all = await everything();
    expect(all).toContain('token *** end');
    expect(all).not.toContain(SECRET);
  });

  it('resumes a run cut short after any entry: settled steps keep their results, the rest run', async () => {
    await record();
    const all = await entries();
    const cut = all.findIndex((e) => e._tag === 'event' && e.event._tag === 'step_finished') + 1;
    // The coordinator died right after the first step's end was stored.
    const kept = await client.xrange(K.events, '-', `${cut}-0`);
    await client.del(K.events);
    for (const [id, fields] of kept) await client.xadd(K.events, id, ...fields);
    await client.hset(K.run, 'seq', String(cut));
    await client.hdel(K.run, 'outcome');
    await client.zadd('missionkit:active', 1, 'r1');
    const report = await resume();
    expect(report.status).toBe('succeeded');
    expect(report.resumed).toEqual({
      at: expect.any(String),
      from_event: all.slice(0, cut).filter((e) => e._tag === 'event').length,
    });
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
    ]);
    // Appended after the cut, with no hole and no duplicate.
    const ids = (await client.xrange(K.events, '-', '+')).map(([id]) => id);
    expect(ids).toEqual(ids.map((_, i) => `${i + 1}-0`));
    expect((await listRedisRuns(server.url)).map((r) => [r.id, r.status, r.resumable])).toEqual([
      ['r1', 'finished', false],
    ]);
  });

  it('refuses a damaged entry, and a hole in the stream', async () => {
    await record();
    const n = Number(await client.hget(K.run, 'seq'));
    await client.xadd(K.events, `${n + 1}-0`, 'e', '{"_tag":"event","ev', 'g', '1');
    await client.xadd(
      K.events,
      `${n + 2}-0`,
      'e',
      '{"_tag":"process","step":0,"attempt":1,"pid":1}',
      'g',
      '1',
    );
    const e = await refusal();
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(new RegExp(`line ${n + 1} of ${n + 2} is damaged`));
    await client.xdel(K.events, `${n + 1}-0`, `${n + 2}-0`);
    await client.xdel(K.events, '3-0');
    const f = await refusal();
    expect(f.code).toBe('corrupt');
    expect(f.message).toMatch(
      /run r1 \(redis:\/\/127\.0\.0\.1:\d+\): entries 3–3 are missing from the stream/,
    );
    expect(f.hint).toMatch(/start the mission again/);
    // A refused resume lets go of the run.
    expect(await client.exists(K.lease)).toBe(0);
  });

  it('refuses a run recorded by another missionkit minor version, or in another format', async () => {
    await record();
    const inputs = JSON.parse((await client.hget(K.run, 'inputs'))!) as RunInputs;
    await client.hset(K.run, 'inputs', JSON.stringify({ ...inputs, missionkit_version: '0.9.3' }));
    const e = await refusal();
    expect(e.code).toBe('version');
    expect(e.message).toMatch(/recorded by missionkit 0\.9\.3; this is \d+\.\d+\.\d+/);
    await client.hset(K.run, 'inputs', JSON.stringify({ ...inputs, format: 'missionkit.journal/v2' }));
    const f = await refusal();
    expect(f.code).toBe('version');
    expect(f.message).toMatch(
      /format is missionkit\.journal\/v2, this missionkit reads missionkit\.journal\/v1/,
    );
  });

  it('refuses a run whose mission file changed since it started', async () => {
    await record();
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION.replace('name: refusals', 'name: other'));
    const e = await refusal();
    expect(e.code).toBe('mission_changed');
    expect(e.hint).toMatch(/restore the mission/);
  });

  it('refuses a run whose lease a live coordinator holds, and resumes it once the lease lapsed', async () => {
    await record();
    await client.hdel(K.run, 'outcome');
    await client.set(K.lease, '7|build-host-3|4242|abc', 'PX', 60_000);
    const e = await refusal();
    expect(e.code).toBe('locked');
    expect(e.message).toMatch(
      /run r1 is running in process 4242 on build-host-3 \(its lease in redis:\/\/127\.0\.0\.1:\d+ has \d+ ms left\)/,
    );
    expect(e.hint).toMatch(/lease lapses 10000 ms after its last renewal/);
    await client.del(K.lease);
    const report = await resume();
    expect(report.status).toBe('succeeded');
    expect(await client.exists(K.lease)).toBe(0);
  });

  it('asks for the secrets again, by name', async () => {
    await record();
    const e = await refusal({});
    expect(e.code).toBe('secrets_missing');
    expect(e.message).toMatch(/needs its secret variables again \(they are never stored\): token missing/);
  });

  it('names a run that is not there, and refuses a run id that is not one', async () => {
    await expect(resume('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(resume('nope')).rejects.toThrow(
      /no run nope in redis:\/\/127\.0\.0\.1:\d+ — check the run id and the Redis URL/,
    );
    await expect(resume('../etc')).rejects.toThrow(/is not a run id/);
    await expect(record('r1')).resolves.toMatchObject({ status: 'succeeded' });
    await expect(record('r1')).rejects.toThrow(
      /run r1 is already recorded in redis:\/\/127\.0\.0\.1:\d+: choose another runId/,
    );
  });

  it('an unreachable Redis fails the run before anything starts, naming the URL (password hidden) and what to do', async () => {
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
    const e = await runMission('mission.yaml', {
      cwd: dir,
      journal: redisJournal('redis://:hunter2@127.0.0.1:1'),
      variables: { token: SECRET },
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(e?.name).toBe('RedisConnectionError');
    expect(e?.message).toMatch(
      /^cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED.* — start redis-server there \(e\.g\. `redis-server --appendonly yes`\) or correct the URL/,
    );
    expect(e?.message).not.toContain('hunter2');
  });

  it('reads back a long stream in chunks, every entry in order', async () => {
    const journal = redisJournal(server.url);
    const inputs = {
      format: 'missionkit.journal/v1',
      run_id: 'long',
      created_at: Date.now(),
      missionkit_version: '0.1.0',
      mission: { text: MISSION, sha256: 'x' },
      variables: {},
      secret_names: [],
      options: { cwd: dir, seed: 1, max_output_bytes: 1000 },
      facts: {},
    } as unknown as RunInputs;
    const log = await journal.create(inputs);
    const written: JournalEntry[] = [];
    for (let i = 0; i < 2500; i++) {
      const entry: JournalEntry = { _tag: 'process', step: i % 3, attempt: 1, pid: 10_000 + i };
      written.push(entry);
      log.append(entry, i % 500 === 0 ? 'durable' : 'buffered');
    }
    await log.close();
    const { run, log: again } = await journal.open('long');
    await again.close();
    expect(run.entries).toEqual(written);
    expect(run.truncatedTail).toBe(false);
  });

  it('stops a coordinator that lost its run to another one: its next write is refused, nothing interleaves', async () => {
    const journal = redisJournal(server.url, { leaseMs: 60_000 });
    const inputs = {
      format: 'missionkit.journal/v1',
      run_id: 'r1',
      created_at: Date.now(),
      missionkit_version: '0.1.0',
      mission: { text: MISSION, sha256: 'x' },
      variables: {},
      secret_names: [],
      options: { cwd: dir, seed: 1, max_output_bytes: 1000 },
      facts: {},
    } as unknown as RunInputs;
    const first = await journal.create(inputs);
    first.append({ _tag: 'process', step: 0, attempt: 1, pid: 1 }, 'durable');
    // Its lease lapsed (the process stalled) and another coordinator took the run.
    await client.del(K.lease);
    const { log: second } = await redisJournal(server.url).open('r1');
    expect(() => first.append({ _tag: 'process', step: 0, attempt: 1, pid: 2 }, 'durable')).toThrow(
      /run r1: another coordinator took the run over \(process \d+ on [^)]+\) after this one's lease of 60000 ms lapsed/,
    );
    second.append({ _tag: 'process', step: 0, attempt: 1, pid: 3 }, 'durable');
    await first.close();
    await second.close();
    expect((await entries()).map((e) => (e._tag === 'process' ? e.pid : 0))).toEqual([1, 3]);
  });

  it('lists runs (running, finished, interrupted) and prunes the old finished ones only', async () => {
    await record('r1');
    await record('r2');
    await record('r3');
    await record('r4');
    // r2 was left by a dead coordinator; r3 is held by a live one.
    await client.hdel('missionkit:{r2}:run', 'outcome');
    await client.hdel('missionkit:{r3}:run', 'outcome');
    await client.set('missionkit:{r3}:lease', `2|host-b|${process.pid}|n`, 'PX', 60_000);
    const runs = await listRedisRuns(server.url);
    expect(runs.map((r) => [r.id, r.status, r.resumable])).toEqual([
      ['r1', 'finished', false],
      ['r2', 'interrupted', true],
      ['r3', 'running', false],
      ['r4', 'finished', false],
    ]);
    expect(runs[2]).toMatchObject({ pid: process.pid, holder: `process ${process.pid} on host-b` });
    expect(runs[0]).toMatchObject({
      outcome: 'succeeded',
      mission: path.join(dir, 'mission.yaml'),
      started_at: expect.any(Number),
      duration_ms: expect.any(Number),
    });
    expect(await pruneRedisRuns(server.url, 1)).toEqual(['r1']);
    expect((await listRedisRuns(server.url)).map((r) => r.id)).toEqual(['r2', 'r3', 'r4']);
    expect(await client.exists('missionkit:{r1}:run', 'missionkit:{r1}:events')).toBe(0);
  });
}
