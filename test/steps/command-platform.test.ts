// Platform-aware commands and adaptive timeouts through the runtime: a mission run "as windows"
// on any machine, and the plan showing the variant chosen and the computed timeout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { parseMission } from '../../src/mission/parse.js';
import { createPlan } from '../../src/plan/plan.js';
import { planView } from '../../src/runtime/plan-view.js';
import { planMissionWith } from '../../src/runtime/run-mission.js';
import { fakeHostFacts } from '../../src/testing/fake-host-facts.js';
import { FakeExecutor } from '../../src/testing/fake-executor.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const example = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '../../examples', name), 'utf8');
const fix2 = example('roadmap-fix2-permissions.mission.yaml');
const fix1 = example('roadmap-fix1-secret-scan.mission.yaml');

const planAs = async (text: string, options: Parameters<typeof fakeHostFacts>[0]) => {
  const clock = new VirtualClock();
  return planMissionWith(
    {
      executor: new FakeExecutor({ clock }),
      clock,
      fs: options.fs,
      http: { request: () => Promise.reject(new Error('no network')) },
      cwd: '/mission',
      env: {},
      facts: fakeHostFacts(options),
    },
    { text },
  );
};

describe("the roadmap's fix 2 on every platform", () => {
  test('on linux the `unix` variant runs, with find’s grouping unescaped', async () => {
    const { report, executor, events } = await runTestMission(fix2, { commands: { find: { exitCode: 0 } } });
    expect(report.status).toBe('succeeded');
    expect(executor.spawns[0]!.request.command).toBe('find');
    expect(executor.spawns[0]!.request.args.slice(0, 2)).toEqual(['.', '(']);
    expect(executor.spawns[0]!.request.args).toContain(')');
    expect(events.some((e) => e.type === 'step_output' && e.line.includes('written shell-escaped'))).toBe(
      true,
    );
  });

  test('run as windows, the PowerShell variant runs', async () => {
    const { report, executor } = await runTestMission(fix2, {
      platform: 'windows',
      commands: { powershell: { output: [{ text: 'C:\\x\\a.db -a---\n' }] } },
    });
    expect(report.steps[0]).toMatchObject({ status: 'succeeded', stdout: { text: 'C:\\x\\a.db -a---\n' } });
    expect(executor.spawns[0]!.request.args[0]).toBe('-Command');
  });

  test('as windows without PowerShell on PATH the step fails, naming the platform and the variants', async () => {
    const { report, executor } = await runTestMission(fix2, { platform: 'windows', which: ['find'] });
    expect(executor.spawns).toHaveLength(0);
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      failure_kind: 'command_not_found',
      message:
        'no command to run on windows: `windows` variant (`powershell`) is not on PATH; `unix` is for linux, macos and other Unix-likes; there is no `fallback_command`',
    });
  });

  test('a fallback_command runs when the variant is missing', async () => {
    const withFallback = fix2.replace(
      '      detect_platform: true',
      '      fallback_command: {command: "dir", args: ["/s"]}\n      detect_platform: true',
    );
    const { executor } = await runTestMission(withFallback, { platform: 'macos', which: ['dir'] });
    expect(executor.spawns[0]!.request).toMatchObject({ command: 'dir', args: ['/s'] });
  });

  test('planMission shows the variant chosen on the platform', async () => {
    const linux = await planAs(fix2, { fs: new MemoryFileSystem() });
    expect(linux.steps[0]!.command).toMatchObject({
      program: 'find',
      source: 'unix',
      operation: 'search',
      explanation: 'linux: `unix` variant: find',
    });
    expect(linux.steps[0]!.command!.notes[0]).toContain('passed to find as `(`, `)`');
    const windows = await planAs(fix2, { fs: new MemoryFileSystem(), platform: 'win32', which: [] });
    expect(windows.steps[0]!.command).toMatchObject({
      program: null,
      source: null,
      error: { message: expect.stringContaining('windows') },
    });
  });
});

test('a plan made without facts says the variant is chosen when the step runs', () => {
  const parsed = parseMission(fix2);
  if (isLeft(parsed)) throw new Error('fix 2 does not parse');
  const view = planView(createPlan(parsed.right));
  expect(view.steps[0]!.command).toMatchObject({
    program: null,
    source: null,
    explanation: 'the platform is not known yet: the variant is chosen when the step runs',
  });
});

test('step ids are only ids: `constructor` and `toString` look up nothing inherited', async () => {
  const text = fix2.replace('check_file_permissions_cross_platform', 'constructor');
  const { report } = await runTestMission(text, { which: (c) => c !== 'toString' });
  expect(report.steps[0]!.status).toBe('succeeded');
});

describe('adaptive timeouts through the runtime', () => {
  test("the roadmap's fix 1 step is planned from the size of the tree it reads", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`/mission/src/f${i}.${i % 2 === 0 ? 'go' : 'txt'}`] = 'x'.repeat(1000);
    const view = await planAs(fix1, { fs: new MemoryFileSystem(files) });
    expect(view.steps[0]!.timeout).toMatchObject({
      ms: 60_202,
      source: 'adaptive',
      explanation:
        'adaptive: find over 0.02 MB in 20 files (*.go, *.md) → 60 s + 0.02 MB × 0.1 s/MB (default size_factor) + 20 files × 10 ms (a process per file) = 60 + 0 + 0.2 = 60.2 s, within max 300 s',
    });
  });

  test('sizes given by the test set the timeout, and the step times out at it', async () => {
    const { report } = await runTestMission(
      `version: "1.0"
name: "scan"
steps:
  - id: "scan"
    name: "scan"
    step_type: "command"
    parameters:
      command: "grep"
      args: ["-r", "API_KEY", "."]
      timeout_strategy: "adaptive"
      base_timeout_seconds: 30
      max_timeout_seconds: 300
      size_factor: 0.25
`,
      { sizes: { '.': { bytes: 400_000_000, files: 10_000 } }, steps: { scan: { hang: true } } },
    );
    const step = report.steps[0]!;
    expect(step.status).toBe('timed_out');
    // 30 + 400 × 0.25 + 10,000 × 1 ms = 140 s.
    expect(step.timeout.ms).toBe(140_000);
    expect(step.duration_ms).toBeGreaterThanOrEqual(140_000);
    expect(step.message).toContain('grep over 400 MB in 10,000 files');
  });

  test('a size the walk could only extrapolate says so', async () => {
    const { report } = await runTestMission(
      `version: "1.0"
name: "scan"
steps:
  - id: "scan"
    name: "scan"
    step_type: "command"
    parameters: { command: "rg", args: ["TODO", "/data"], timeout_strategy: "adaptive", base_timeout_seconds: 10 }
`,
      { sizes: { '/data': { bytes: 5e9, files: 1e6, complete: false } } },
    );
    expect(report.steps[0]!.timeout.explanation).toContain('rg over ~5,000 MB in ~1,000,000 files');
  });
});
