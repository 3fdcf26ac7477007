// The ES module build of missionkit/distributed (what a bundler takes, through the `module`
// condition) records a run in a Redis journal as the CommonJS build does: its journal writer
// thread finds ioredis from the module's own location, with no `require` to ask. A private
// redis-server and a real Node process loading the built files; nothing mocked.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { builtCli } from '../cli/built-cli.js';
import { requireRedis, startRedis, type RedisServer } from '../support/redis-server.js';

if (requireRedis('ES module build of missionkit/distributed')) {
  let server: RedisServer;
  let dir: string;
  beforeAll(async () => {
    server = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-esm-distributed-'));
  });
  afterAll(async () => {
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a mission journaled in Redis, and lists the run', async () => {
    const esm = path.join(path.dirname(path.dirname(path.dirname(builtCli()))), 'esm');
    const url = (file: string): string => JSON.stringify(pathToFileURL(path.join(esm, file)).href);
    const script = `
      import { runMission } from ${url('index.js')};
      import { redisJournal, listRedisRuns } from ${url('distributed/index.js')};
      const mission = 'version: "1.0"\\nname: esm\\nsteps:\\n  - { id: a, name: a, step_type: noop, parameters: {} }\\n';
      const report = await runMission(mission, { journal: redisJournal(${JSON.stringify(server.url)}), runId: 'esm-1' });
      const runs = await listRedisRuns(${JSON.stringify(server.url)});
      console.log(JSON.stringify({ status: report.status, runs: runs.map((r) => r.id) }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ status: 'succeeded', runs: ['esm-1'] });
  });
}
