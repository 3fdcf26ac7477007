// A standby leaves alone what it must not take — a run still held, a run that has ended — reports a
// run it cannot resume faithfully once (here: a secret it was not given) without retrying it at
// every poll, and a standby that has the secret finishes that run.
import Redis from 'ioredis';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import { redisJournal, standbyCoordinator } from '../../src/distributed/index.js';
import type { MissionReport } from '../../src/index.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

const SECRET = 'standby-s3cret';
const MISSION = `version: "1.0"
name: standby
variables:
  token: { value: placeholder, secret: true }
steps:
  - { id: a, name: a, step_type: command, parameters: { command: echo, args: ["{{ variables.token }}"] } }
  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: echo, args: [b] } }
`;

const until = async (what: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

if (requireRedis('standby coordinator')) {
  let server: RedisServer;
  let client: Redis;
  let dir: string;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
    client = new Redis(server.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-standby-'));
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  });
  afterAll(async () => {
    client.disconnect();
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Records a run, then leaves it as a coordinator that died after its first step would have. */
  const interrupted = async (runId: string): Promise<void> => {
    await runMission('mission.yaml', {
      cwd: dir,
      journal: redisJournal(server.url),
      runId,
      variables: { token: SECRET },
    });
    const key = (k: string) => `missionkit:{${runId}}:${k}`;
    const entries = await client.xrange(key('events'), '-', '+');
    const cut = entries.findIndex(([, f]) => f[1]!.includes('"step_finished"')) + 1;
    await client.del(key('events'));
    for (const [id, fields] of entries.slice(0, cut)) await client.xadd(key('events'), id, ...fields);
    await client.hset(key('run'), 'seq', String(cut));
    await client.hdel(key('run'), 'outcome');
    await client.zadd('missionkit:active', 1, runId);
  };

  it('reports a run it cannot resume once, leaves held and ended runs alone; a standby with the secret finishes it', async () => {
    await runMission('mission.yaml', {
      cwd: dir,
      journal: redisJournal(server.url),
      runId: 'ended',
      variables: { token: SECRET },
    });
    await interrupted('held');
    await client.set('missionkit:{held}:lease', '9|other-host|77|n', 'PX', 60_000);
    await interrupted('needs-secret');

    const errors: Array<[string | undefined, string]> = [];
    const without = standbyCoordinator({
      redis: server.url,
      pollMs: 50,
      onError: (runId, e) => errors.push([runId, e.message]),
    });
    await until(() => errors.length > 0);
    // Many polls later: still one report, nothing taken.
    await new Promise((r) => setTimeout(r, 400));
    await without.stop();
    expect(errors).toEqual([
      ['needs-secret', expect.stringMatching(/needs its secret variables again .*: token missing/)],
    ]);
    expect(without.taken).toEqual(['needs-secret']);
    expect(await client.exists('missionkit:{needs-secret}:lease')).toBe(0);

    const reports: Array<[string, MissionReport]> = [];
    const withSecret = standbyCoordinator({
      redis: server.url,
      pollMs: 50,
      variables: { token: SECRET },
      onReport: (runId, report) => reports.push([runId, report]),
      onError: (runId, e) => errors.push([runId, e.message]),
    });
    await until(() => reports.length > 0);
    await withSecret.stop();
    expect(withSecret.taken).toEqual(['needs-secret']);
    expect(reports.map(([id, r]) => [id, r.status, r.resumed !== undefined])).toEqual([
      ['needs-secret', 'succeeded', true],
    ]);
    expect(errors).toHaveLength(1);
    // The run held by a live coordinator is still its own.
    expect(await client.get('missionkit:{held}:lease')).toBe('9|other-host|77|n');
  }, 60_000);
}
