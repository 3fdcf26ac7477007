// Sustained load, short enough for CI (the long version is `npm run stress`, bench/stress.mjs):
// 500 missions at once in one host process, most on the FakeExecutor and VirtualClock and a share
// on real processes, every report complete and correct; then a soak of a 1,000-step mission run
// 20 times. Afterwards no listener, timer or handle is left behind, and the heap is back near
// where it started. Figures, not timings, are asserted: the run's speed belongs to the stress script.
import { getEventListeners, setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { runMission } from '../../src/index.js';
import { NodeExecutor } from '../../src/node/node-executor.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
const heapAfterGc = async (): Promise<number> => {
  // Let finished runs' last callbacks go, then collect twice (weak references need two passes).
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** The host's resources by type (timers, pipes, processes, sockets…), as Node counts them. */
const resources = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

/** Waits until no resource type counts more than it did before (what a finished run leaves settles fast). */
const expectResourcesBack = async (before: Record<string, number>): Promise<void> => {
  const more = (): Record<string, number> =>
    Object.fromEntries(Object.entries(resources()).filter(([type, n]) => n > (before[type] ?? 0)));
  const until = Date.now() + 2000;
  while (Object.keys(more()).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(more()).toEqual({});
};

const hostListeners = (): ReadonlyArray<number> =>
  ['SIGINT', 'SIGTERM', 'exit'].map((s) => process.listenerCount(s));

type Kind = 'noop' | 'commands' | 'failure' | 'timeout' | 'real' | 'real_failure' | 'real_timeout';

const fakeMission = (kind: Kind, i: number): string => {
  const head = `version: "1.0"\nname: load ${kind} ${i}\nsteps:\n`;
  switch (kind) {
    case 'noop':
      return `${head}  - { id: a, name: a, step_type: noop }\n  - { id: b, name: b, step_type: noop, depends_on: [a] }\n`;
    case 'commands':
      return `${head}  - { id: build, name: build, step_type: command, parameters: { command: build } }\n  - { id: test, name: test, step_type: command, depends_on: [build], parameters: { command: test, args: ["{{ steps.build.stdout }}"] } }\n`;
    case 'failure':
      return `${head}  - { id: build, name: build, step_type: command, parameters: { command: broken } }\n  - { id: test, name: test, step_type: command, depends_on: [build], parameters: { command: test } }\n`;
    case 'timeout':
      return `${head.replace('steps:', 'config: { fail_fast: false }\nsteps:')}  - { id: hang, name: hang, step_type: command, timeout_seconds: 30, parameters: { command: hang } }\n  - { id: after, name: after, step_type: noop, depends_on: [hang], dependency_strategy: best_effort }\n`;
    default:
      throw new Error(`not a fake kind: ${kind}`);
  }
};

const realMission = (kind: Kind, i: number): string => {
  const head = `version: "1.0"\nname: load ${kind} ${i}\nconfig: { kill_grace_seconds: 0.1 }\nsteps:\n`;
  switch (kind) {
    case 'real':
      return `${head}  - { id: a, name: a, step_type: command, parameters: { command: sh, args: ["-c", "echo ${i}"] } }\n  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: "true" } }\n`;
    case 'real_failure':
      return `${head}  - { id: a, name: a, step_type: command, parameters: { command: sh, args: ["-c", "echo no >&2; exit 3"] } }\n  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: "true" } }\n`;
    case 'real_timeout':
      return `${head}  - { id: a, name: a, step_type: command, timeout_seconds: 0.3, parameters: { command: sleep, args: ["30"] } }\n  - { id: b, name: b, step_type: noop, depends_on: [a] }\n`;
    default:
      throw new Error(`not a real kind: ${kind}`);
  }
};

/** What each kind's report must say: the mission's status and each step's. */
const EXPECTED: Record<Kind, readonly [string, ReadonlyArray<string>]> = {
  noop: ['succeeded', ['succeeded', 'succeeded']],
  commands: ['succeeded', ['succeeded', 'succeeded']],
  failure: ['failed', ['failed', 'skipped']],
  timeout: ['failed', ['timed_out', 'succeeded_with_warnings']],
  real: ['succeeded', ['succeeded', 'succeeded']],
  real_failure: ['failed', ['failed', 'skipped']],
  real_timeout: ['failed', ['timed_out', 'skipped']],
};

const FAKE_KINDS: ReadonlyArray<Kind> = ['noop', 'commands', 'failure', 'timeout'];
const REAL_KINDS: ReadonlyArray<Kind> = ['real', 'real_failure', 'real_timeout'];
const MISSIONS = 500;
const REAL_SHARE = 30;

let dir: string;
const executor = new NodeExecutor({ killSweepIntervalMs: 10 });
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-load-'))));
afterAll(async () => {
  await executor.killAll('force'); // only does something when a test failed halfway
  fs.rmSync(dir, { recursive: true, force: true });
});

it(`runs ${MISSIONS} missions at once (${REAL_SHARE} on real processes): every report complete and correct, nothing left behind`, async () => {
  // One signal shared by every run (never fired): each run must remove the listener it added.
  const controller = new AbortController();
  // Node warns past 10 listeners on one signal; a host sharing a signal between many runs raises the limit.
  setMaxListeners(MISSIONS + 10, controller.signal);
  // Concurrent runMission calls share one SIGINT/SIGTERM listener pair, so no limit is raised here.
  const kinds: Kind[] = Array.from({ length: MISSIONS }, (_, i) =>
    i % Math.floor(MISSIONS / REAL_SHARE) === 0
      ? REAL_KINDS[i % REAL_KINDS.length]!
      : FAKE_KINDS[i % FAKE_KINDS.length]!,
  );
  // Warm up once, so modules, JIT and pools are not counted as growth.
  await runMission(realMission('real', -1), { cwd: dir, executor });
  await runTestMission(fakeMission('commands', -1), { commands: { build: {}, test: {} } });

  const heapBefore = await heapAfterGc();
  const resourcesBefore = resources();
  const listenersBefore = hostListeners();

  const reports: MissionReport[] = await Promise.all(
    kinds.map((kind, i) =>
      REAL_KINDS.includes(kind)
        ? runMission(realMission(kind, i), { cwd: dir, executor, signal: controller.signal })
        : runTestMission(fakeMission(kind, i), {
            signal: controller.signal,
            commands: {
              build: { output: [{ atMs: 5, text: `built ${i}\n` }], exitAfterMs: 10 + (i % 7) },
              test: { exitAfterMs: 20 },
              broken: { output: [{ stream: 'stderr', text: 'error\n' }], exitAfterMs: 3, exitCode: 2 },
              hang: { hang: true, ignoreGraceful: i % 2 === 0 },
            },
          }).then((r) => r.report),
    ),
  );

  expect(reports).toHaveLength(MISSIONS);
  const wrong = reports.flatMap((report, i) => {
    const [status, steps] = EXPECTED[kinds[i]!];
    const got = [report.status, report.steps.map((s) => s.status)];
    return JSON.stringify(got) === JSON.stringify([status, steps]) && report.counts.total === steps.length
      ? []
      : [{ i, kind: kinds[i], got }];
  });
  expect(wrong).toEqual([]);
  expect(reports.map((r) => r.mission.name)).toEqual(kinds.map((k, i) => `load ${k} ${i}`));

  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  expect(hostListeners()).toEqual(listenersBefore);
  await expectResourcesBack(resourcesBefore);
  // Loose: 500 reports are still held here; what must not stay is everything else.
  expect(((await heapAfterGc()) - heapBefore) / MiB).toBeLessThan(40);
  reports.length = 0;
  expect(((await heapAfterGc()) - heapBefore) / MiB).toBeLessThan(10);
}, 60_000);

describe('soak: the same mission again and again does not grow the heap', () => {
  const steps = (n: number, command: (i: number) => string): string =>
    Array.from(
      { length: n },
      (_, i) => `  - { id: s${i}, name: s${i}, step_type: command, parameters: ${command(i)} }\n`,
    ).join('');

  it('1,000 command steps, max_parallel_steps 4, 20 runs (virtual time)', async () => {
    const yaml = `version: "1.0"\nname: soak\nconfig: { max_parallel_steps: 4 }\nsteps:\n${steps(1000, (i) => `{ command: work, args: ["${i}"] }`)}`;
    const heaps: number[] = [];
    for (let run = 0; run < 20; run++) {
      const { report } = await runTestMission(yaml, {
        commands: { work: { output: [{ atMs: 1, text: 'line of output\n' }], exitAfterMs: 2 } },
      });
      expect([report.status, report.counts.succeeded]).toEqual(['succeeded', 1000]);
      heaps.push(await heapAfterGc());
    }
    // After warming up, no run leaves more behind than the one before it did. The heap after GC
    // wobbles by a few MiB between runs (jest's own allocations), so the lowest reading of a
    // stretch of runs is compared: a leak of even 1 KiB a step would add 10 MiB over these runs.
    const low = (from: number, to: number): number => Math.min(...heaps.slice(from, to));
    if ((low(15, 20) - low(5, 10)) / MiB >= 2)
      throw new Error(
        `the heap grew from run to run (MiB): ${heaps.map((h) => (h / MiB).toFixed(1)).join(', ')}`,
      );
  }, 60_000);

  it('150 real command steps, max_parallel_steps 4, 6 runs', async () => {
    const yaml = `version: "1.0"\nname: soak real\nconfig: { max_parallel_steps: 4 }\nsteps:\n${steps(150, (i) => (i % 10 === 0 ? '{ command: sh, args: ["-c", "echo hello"] }' : '{ command: "true" }'))}`;
    const resourcesBefore = resources();
    const heaps: number[] = [];
    for (let run = 0; run < 6; run++) {
      const report = await runMission(yaml, { cwd: dir, executor });
      expect([report.status, report.counts.succeeded]).toEqual(['succeeded', 150]);
      heaps.push(await heapAfterGc());
    }
    if ((Math.min(heaps[4]!, heaps[5]!) - Math.min(heaps[1]!, heaps[2]!)) / MiB >= 3)
      throw new Error(
        `the heap grew from run to run (MiB): ${heaps.map((h) => (h / MiB).toFixed(1)).join(', ')}`,
      );
    await expectResourcesBack(resourcesBefore);
  }, 60_000);
});
