// End to end on the real host: a step whose three-level process tree grows past max_memory_mb is
// warned first, then stopped as a tree, and ends resource_exceeded with the peak in the report.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeExecutor } from '../../src/node/node-executor.js';
import { nodeFileSystem } from '../../src/node/node-filesystem.js';
import { nodeHttp } from '../../src/node/node-http.js';
import { createResourceSampler } from '../../src/node/resource-usage.js';
import { systemClock } from '../../src/node/system-clock.js';
import { runMissionWith, type RuntimeHost } from '../../src/runtime/run-mission.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { expectAllGone } from './liveness.js';
import { fixture, hostEnv } from './run-fixture.js';

const MB = 1024 * 1024;
let cwd: string;
const seen = new Set<number>();

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-limits-'));
});

afterEach(async () => {
  // Whatever the run left behind (it should be nothing) is killed, and fails the test.
  const pids = [...seen];
  seen.clear();
  fs.rmSync(cwd, { recursive: true, force: true });
  await expectAllGone(pids, 3000);
});

const host = (): RuntimeHost => ({
  executor: createNodeExecutor(),
  clock: systemClock,
  fs: nodeFileSystem,
  http: nodeHttp,
  sampler: createResourceSampler(),
  cwd,
  env: hostEnv(),
});

// Each of the three processes starts at about 40 MB (Node itself) and grows by 8 MB every 100 ms
// to 150 MB more: the tree passes 25 % of 400 MB at once and 400 MB within about two seconds.
const mission = `version: "1.0"
name: memory limit on a process tree
steps:
  - id: hog
    name: a three-level tree that grows past the limit
    step_type: command
    parameters:
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(fixture('hog'))}, "grow:150", "grow:150", "grow:150"]
    timeout_seconds: 30
config:
  kill_grace_seconds: 1
  resource_limits: { max_memory_mb: 400 }
  monitoring: { check_interval_seconds: 1, warn_threshold_percent: 25, kill_on_exceed: true }
`;

it('warns, then stops the whole tree over max_memory_mb, and reports the peak', async () => {
  const events: MissionEvent[] = [];
  const report = await runMissionWith(host(), mission, {
    signal: AbortSignal.timeout(20_000),
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step_output') for (const m of e.line.matchAll(/^pid (\d+)$/gm)) seen.add(Number(m[1]));
    },
  });
  const hog = report.steps[0]!;
  expect(seen.size).toBe(3);
  expect(hog).toMatchObject({ status: 'resource_exceeded', kill_reason: 'limit' });
  expect(hog.message).toMatch(
    /^stopped: memory \d+ MB over the limit of 400 MB \(max_memory_mb; peak \d+ MB\)$/,
  );
  expect(hog.resources?.peak_memory_bytes).toBeGreaterThan(400 * MB);
  expect(report.status).toBe('failed');

  const warning = events.findIndex((e) => e.type === 'step_warning');
  const kill = events.findIndex((e) => e.type === 'step_kill');
  expect(warning).toBeGreaterThanOrEqual(0);
  expect(warning).toBeLessThan(kill);
  expect(events[warning]).toMatchObject({
    message: expect.stringMatching(/^memory at \d+ MB, \d+% of the limit of 400 MB \(max_memory_mb\)$/),
  });
  // The samples saw the whole tree, not only the process the step started.
  const samples = events.filter((e) => e.type === 'step_resources');
  expect(samples.some((e) => e.type === 'step_resources' && e.processes === 3)).toBe(true);
  await expectAllGone(seen);
});
