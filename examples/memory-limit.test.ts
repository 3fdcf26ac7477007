// Runs examples/memory-limit.mission.yaml on the real host (real processes, real time, the
// real sampler) and checks each promise in the mission's comments.
import { join } from 'node:path';
import type { MissionEvent } from 'missionkit';
import { nodeHost } from '../src/node/node-host.js';
import { createResourceSampler } from '../src/node/resource-usage.js';
import { runMissionWith } from '../src/runtime/run-mission.js';

const MB = 1024 * 1024;
const pids = new Set<number>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(() => {
  // The run must have stopped it; should it not have, it must not outlive the test.
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

it('warns once, then stops the step over 256 MB, reports the peak and skips what depends on it', async () => {
  const events: MissionEvent[] = [];
  const host = { ...nodeHost(), sampler: createResourceSampler() };
  const report = await runMissionWith(host, join(__dirname, 'memory-limit.mission.yaml'), {
    signal: AbortSignal.timeout(25_000),
    onEvent: (e) => events.push(e),
  });
  const step = (id: string) => report.steps.find((s) => s.id === id)!;
  const load = step('load_everything');
  for (const m of load.stdout.text.matchAll(/^pid (\d+)$/gm)) pids.add(Number(m[1]));
  expect(pids.size).toBe(1);

  expect(load).toMatchObject({ status: 'resource_exceeded', kill_reason: 'limit' });
  expect(load.message).toMatch(
    /^stopped: memory \d+ MB over the limit of 256 MB \(max_memory_mb; peak \d+ MB\)$/,
  );
  expect(load.resources?.peak_memory_bytes).toBeGreaterThan(256 * MB);

  const warnings = events.filter((e) => e.type === 'step_warning' && e.step_id === 'load_everything');
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({
    message: expect.stringMatching(/^memory at \d+ MB, \d+% of the limit of 256 MB \(max_memory_mb\)$/),
  });
  const kill = events.findIndex((e) => e.type === 'step_kill' && e.step_id === 'load_everything');
  expect(events.indexOf(warnings[0]!)).toBeLessThan(kill);

  expect(step('summarize').status).toBe('skipped');
  expect(report.status).toBe('failed');
  expect([...pids].filter(alive)).toEqual([]);
});
