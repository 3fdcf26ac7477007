// The command line over a Redis journal behind a password: `missionkit runs --redis` lists what a
// dead coordinator left, `missionkit resume --redis` finishes it, `missionkit standby --redis` takes
// runs over on its own; a wrong password or an unreachable server is a clear error, and the
// password shows nowhere.
import Redis from 'ioredis';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import { redisJournal } from '../../src/distributed/index.js';
import { runCli, startCli } from '../cli/run-cli.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const PASSWORD = 'p@ss w0rd!42';
const MISSION = `version: "1.0"
name: cli
steps:
  - { id: a, name: a, step_type: command, parameters: { command: echo, args: [a] } }
  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: echo, args: [b] } }
  - { id: c, name: c, step_type: command, depends_on: [b], parameters: { command: echo, args: [c] } }
`;

if (requireRedis('redis journal cli')) {
  let server: RedisServer;
  let client: Redis;
  let dir: string;
  let bare: string;
  beforeAll(async () => {
    server = await startRedis({ password: PASSWORD, appendonly: true });
    client = new Redis(server.url);
    bare = `redis://127.0.0.1:${server.port}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-redis-cli-'));
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  });
  afterAll(async () => {
    client.disconnect();
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Records a run, then leaves it as a coordinator that died after its first step would have. */
  const interrupted = async (runId: string): Promise<void> => {
    await runMission('mission.yaml', { cwd: dir, journal: redisJournal(server.url), runId });
    const key = (k: string) => `missionkit:{${runId}}:${k}`;
    const entries = await client.xrange(key('events'), '-', '+');
    const cut = entries.findIndex(([, f]) => f[1]!.includes('"step_finished"')) + 1;
    await client.del(key('events'));
    for (const [id, fields] of entries.slice(0, cut)) await client.xadd(key('events'), id, ...fields);
    await client.hset(key('run'), 'seq', String(cut));
    await client.hdel(key('run'), 'outcome');
    await client.zadd('missionkit:active', 1, runId);
  };
  const env = { MISSIONKIT_REDIS_PASSWORD: PASSWORD };
  const expectNoPassword = (...texts: string[]): void => {
    for (const t of texts) {
      expect(t).not.toContain(PASSWORD);
      expect(t).not.toContain(encodeURIComponent(PASSWORD));
    }
  };

  it('lists the run a dead coordinator left and resumes it, the password given by the environment', async () => {
    await interrupted('r1');
    const listed = await runCli(['runs', '--redis', bare], { cwd: dir, env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^r1\s+interrupted\s+.*\s+yes$/m);
    expect(listed.stdout).toContain(`resume one with \`missionkit resume <run> --redis ${bare}\``);
    const json = await runCli(['runs', '--redis', bare, '--json'], { cwd: dir, env });
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: 'r1', status: 'interrupted', resumable: true, outcome: null }),
    ]);
    const resumed = await runCli(['resume', '--last', '--redis', bare, '--json'], { cwd: dir, env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe('succeeded');
    expect(report.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
    const after = await runCli(['runs', '--redis', bare, '--json'], { cwd: dir, env });
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ status: 'finished', outcome: 'succeeded' });
    expectNoPassword(listed.stdout, listed.stderr, json.stdout, resumed.stdout, resumed.stderr);
  }, 120_000);

  it('says which server refused the credentials, or cannot be reached, and what to do — never the password', async () => {
    const wrong = await runCli(['runs', '--redis', `redis://:n0t-it-42@127.0.0.1:${server.port}`], {
      cwd: dir,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`✖ cannot use Redis at redis://:***@127.0.0.1:${server.port}: `);
    expect(wrong.stderr).toMatch(/the server refused the credentials: give the right password/);
    expect(wrong.stderr).not.toContain('n0t-it-42');
    const none = await runCli(['resume', 'r1', '--redis', bare], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/NOAUTH|WRONGPASS|Authentication required/);
    // A closed port: nothing listens there.
    const closed = await runCli(['runs', '--redis', `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:1`], {
      cwd: dir,
    });
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(
      /✖ cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED.* — start redis-server there/,
    );
    expectNoPassword(wrong.stderr, none.stderr, closed.stderr);
  }, 60_000);

  it('`missionkit standby` takes over a run whose coordinator died, and stops on SIGTERM', async () => {
    const standby = startCli(['standby', '--redis', bare, '--poll-ms', '100'], { cwd: dir, env });
    try {
      await standby.waitFor((t) => t.includes('standby: watching'));
      await interrupted('r2');
      await standby.waitFor((t) => t.includes('standby: run r2 succeeded'), 'stdout', 30_000);
      expect(standby.stdout()).toContain('standby: taking over run r2');
    } finally {
      standby.child.kill('SIGTERM');
    }
    const done = await standby.done;
    expect(done.code).toBe(0);
    expectNoPassword(done.stdout, done.stderr);
  }, 120_000);
}
