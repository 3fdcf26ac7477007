// The live view on virtual time: what a person sees mid-run and at the end (replayed through a
// small terminal emulator), and that a flood of output costs a bounded number of redraws.
import { createLiveView, type LiveView } from '../../src/cli/live-view.js';
import { makeStyle } from '../../src/cli/style.js';
import type { StepId } from '../../src/mission/model.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';
import { replay } from './screen';

const plain = makeStyle(false);

/** A terminal that keeps everything written to it. */
const fakeTerminal = (columns = 80, rows = 24) => {
  const writes: string[] = [];
  return {
    writes,
    output: () => writes.join(''),
    terminal: { columns: () => columns, rows: () => rows, write: (t: string) => void writes.push(t) },
  };
};

const id = (s: string): StepId => s as StepId;

const start = (view: LiveView, clock: VirtualClock, step: string): void =>
  view.onEvent({
    type: 'step_start',
    at: clock.now(),
    step_id: id(step),
    attempt: 1,
    timeout_ms: 60_000,
    timeout_explanation: 'config',
  });

const output = (view: LiveView, clock: VirtualClock, step: string, line: string): void =>
  view.onEvent({ type: 'step_output', at: clock.now(), step_id: id(step), stream: 'stdout', line });

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

describe('the live view', () => {
  it('redraws at most 10 times a second however much output arrives', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal();
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    start(view, clock, 'flood');
    for (let ms = 0; ms < 2000; ms += 10) {
      for (let i = 0; i < 5000; i++) output(view, clock, 'flood', `line ${ms}-${i}`);
      await clock.advance(10);
    }
    // 2 s of frames at most 100 ms apart, plus the first one.
    expect(view.frames()).toBeLessThanOrEqual(21);
    expect(view.frames()).toBeGreaterThanOrEqual(19);
    const screen = replay(t.output());
    expect(screen.lines).toEqual([expect.stringMatching(/^. flood {2}2\.0s {2}line 1990-4999$/)]);
    view.stop();
    expect(replay(t.output()).lines).toEqual([]);
  });

  it('prints every output line above the live lines with verbose, batched per frame', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal();
    const view = createLiveView({ terminal: t.terminal, clock, style: plain, verbose: true });
    start(view, clock, 'a');
    for (let i = 0; i < 1000; i++) output(view, clock, 'a', `line ${i}`);
    await clock.advance(100);
    view.stop();
    expect(view.frames()).toBeLessThanOrEqual(3);
    const lines = replay(t.output()).lines;
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toBe('  a │ line 999');
  });

  it('fits every live line to the terminal and strips the escape sequences of step output', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal(40);
    const view = createLiveView({ terminal: t.terminal, clock, style: makeStyle(true) });
    start(view, clock, 'a_step_with_a_rather_long_identifier_indeed');
    output(
      view,
      clock,
      'a_step_with_a_rather_long_identifier_indeed',
      `\u001b[2J\u001b]0;title\u0007${'x'.repeat(500)}`,
    );
    await clock.advance(100);
    const written = t.output();
    expect(written).not.toContain('\u001b[2J');
    expect(written).not.toContain('\u001b]0;');
    const [line] = replay(written, 40).lines;
    expect(line!.length).toBeLessThanOrEqual(39);
    expect(line).toMatch(/…/);
    view.stop();
  });

  it('shows what follows the last carriage return of a progress-bar line', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal();
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    start(view, clock, 'dl');
    output(view, clock, 'dl', ' 10%\r 55%\r 90%');
    await clock.advance(100);
    expect(replay(t.output()).lines[0]).toMatch(/dl {2}0\.1s {2}90%$/);
    view.stop();
  });

  it('shows the latest redraw of a progress bar that only ever returns the carriage, before its line ends', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal();
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    const seen: string[] = [];
    for (const at of [700, 1_200])
      clock.setTimer(at, () => void seen.push(replay(t.output()).lines.at(-1) ?? ''));
    const { events } = await runTestMission(
      'version: "1.0"\nname: Download\nsteps:\n  - { id: dl, name: Download, step_type: command, parameters: { command: curl } }\n',
      {
        clock,
        redrawEvents: true,
        onEvent: (e) => view.onEvent(e),
        commands: {
          curl: {
            output: [
              // curl's way: each redraw begins with a carriage return; the line ends only at the end.
              { atMs: 0, stream: 'stderr', text: '\r  10% [#         ]' },
              { atMs: 500, stream: 'stderr', text: '\r  55% [#####     ]' },
              { atMs: 1_000, stream: 'stderr', text: '\r  90% [######### ]' },
              { atMs: 1_500, stream: 'stderr', text: '\r 100% [##########]\n' },
            ],
            exitAfterMs: 2_000,
          },
        },
      },
    );
    view.stop();
    expect(seen).toEqual([
      expect.stringMatching(/^. dl {2}0\.\ds {2}55% \[##### {5}\]$/),
      expect.stringMatching(/^. dl {2}1\.\ds {2}90% \[######### \]$/),
    ]);
    // A log gets the line once, when it ends; the redraws are events of their own, not lines.
    expect(
      events.filter((e) => e.type === 'step_output').map((e) => e.type === 'step_output' && e.line),
    ).toEqual(['\r  10% [#         ]\r  55% [#####     ]\r  90% [######### ]\r 100% [##########]']);
    expect(events.filter((e) => e.type === 'step_redraw')).toHaveLength(3);
  });

  it('sends no redraw events unless asked', async () => {
    const { events } = await runTestMission(
      'version: "1.0"\nname: Download\nsteps:\n  - { id: dl, name: Download, step_type: command, parameters: { command: curl } }\n',
      {
        onEvent: () => undefined,
        commands: { curl: { output: [{ text: ' 10%\r 20%\r' }], exitAfterMs: 100 } },
      },
    );
    expect(events.some((e) => e.type === 'step_redraw')).toBe(false);
  });

  it('keeps to the terminal height when more steps run than it has rows', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal(80, 6);
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    for (let i = 1; i <= 9; i++) start(view, clock, `s${i}`);
    await clock.advance(100);
    const lines = replay(t.output()).lines;
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('… and 6 more steps running');
    view.stop();
  });

  it('shows a run as a person sees it: live lines mid-run, collapsed status lines at the end', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal();
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    let midRun = '';
    clock.setTimer(1_550, () => {
      midRun = t.output();
    });
    const events: MissionEvent[] = [];
    await runTestMission(
      `version: "1.0"
name: Build and test
steps:
  - { id: build, name: Build, step_type: command, parameters: { command: make } }
  - { id: test, name: Test, step_type: command, parameters: { command: jest }, depends_on: [build] }
  - { id: docs, name: Docs, step_type: command, parameters: { command: docs } }
  - { id: deploy, name: Deploy, step_type: command, parameters: { command: deploy }, depends_on: [test] }
config: { max_parallel_steps: 2, fail_fast: false }
`,
      {
        clock,
        onEvent: (e) => {
          events.push(e);
          view.onEvent(e);
        },
        commands: {
          make: {
            output: [
              { atMs: 500, text: 'compiling 1/2\n' },
              { atMs: 1000, text: 'compiling 2/2\n' },
            ],
            exitAfterMs: 2000,
          },
          docs: { output: [{ atMs: 1200, text: 'rendering pages\n' }], exitAfterMs: 3000 },
          jest: {
            output: [{ stream: 'stderr', text: 'FAIL auth.test.ts\n' }],
            exitAfterMs: 500,
            exitCode: 1,
          },
        },
      },
    );
    view.stop();
    const mid = replay(midRun).lines;
    expect(mid[0]).toBe('▶ Build and test (4 steps)');
    expect(mid.slice(1)).toEqual([
      expect.stringMatching(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] build {2}1\.5s {2}compiling 2\/2$/),
      expect.stringMatching(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] docs {3}1\.5s {2}rendering pages$/),
    ]);
    const end = replay(t.output());
    expect(end.lines).toEqual([
      '▶ Build and test (4 steps)',
      '✔ build succeeded in 2 s',
      '✖ test failed in 500 ms — exited with code 1 (expected 0)',
      '⤼ deploy skipped — dependency test failed (all_required)',
      '✔ docs succeeded in 3 s',
    ]);
    expect(end.lines.join('\n')).not.toMatch(SPINNER);
    expect(end.cursorVisible).toBe(true);
    expect(events.at(-1)?.type).toBe('mission_end');
  });

  it('prints heartbeats, warnings, kills and retries as they happen', async () => {
    const clock = new VirtualClock();
    const t = fakeTerminal(100);
    const view = createLiveView({ terminal: t.terminal, clock, style: plain });
    let attempts = 0;
    await runTestMission(
      `version: "1.0"
name: Heartbeats
steps:
  - id: slow
    name: Slow
    step_type: command
    parameters: { command: slow }
    timeout_seconds: 25
    progress_interval_seconds: 10
    retry: { max_attempts: 2, delay_seconds: 3, retry_on: [timeout] }
`,
      {
        clock,
        onEvent: view.onEvent,
        commands: {
          slow: () =>
            ++attempts === 1
              ? { hang: true, output: [{ atMs: 100, text: 'scanning\n' }] }
              : { exitAfterMs: 1000 },
        },
      },
    );
    view.stop();
    const lines = replay(t.output(), 100).lines;
    expect(lines).toEqual([
      '▶ Heartbeats (1 step)',
      '… slow still running after 10 s, 9 B of output — scanning',
      '… slow still running after 20 s, 9 B of output — scanning',
      '■ slow stopping (timeout)',
      '↻ slow attempt 2 in 3 s — timed out after 25 s (step timeout_seconds: 25 s)',
      '✔ slow succeeded in 29 s after 2 attempts',
    ]);
  });
});
