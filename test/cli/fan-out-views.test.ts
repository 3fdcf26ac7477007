// Fanned-out steps as people see them: `missionkit plan` lists every matrix instance, the live view
// draws running instances under their step, and the HTML report groups instances under theirs.
import { planLines } from '../../src/cli/plan-lines.js';
import { createLiveView } from '../../src/cli/live-view.js';
import { makeStyle } from '../../src/cli/style.js';
import { planMission } from '../../src/index.js';
import { toHtml } from '../../src/report/html.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';
import { replay } from './screen';

const plain = makeStyle(false);

const MATRIX = `version: "1.0"
name: matrix
config: { max_parallel_steps: 4 }
steps:
  - id: list
    name: list
    step_type: command
    parameters: { command: ls }
  - id: test
    name: test
    step_type: command
    parameters: { command: pgtest, args: ["{{ matrix.db }}"] }
    matrix: { db: [pg14, pg15, pg16] }
    max_parallel: 2
  - id: each
    name: each
    step_type: command
    depends_on: [list]
    for_each: "{{ steps.list.stdout_lines }}"
    parameters: { command: convert, args: ["{{ item }}"] }
`;

test('missionkit plan shows every matrix instance, and where a for_each takes its items', async () => {
  const view = await planMission({ text: MATRIX });
  expect(view.steps.find((s) => s.id === 'test')?.fan_out).toEqual({
    kind: 'matrix',
    instances: [
      { id: 'test[db=pg14]', values: { db: 'pg14' } },
      { id: 'test[db=pg15]', values: { db: 'pg15' } },
      { id: 'test[db=pg16]', values: { db: 'pg16' } },
    ],
    max_parallel: 2,
    fail_fast: true,
  });
  const text = planLines(view, plain).join('\n');
  expect(text).toContain('matrix      3 instances, at most 2 at once, fail_fast on');
  for (const db of ['pg14', 'pg15', 'pg16']) expect(text).toContain(`└ test[db=${db}]`);
  expect(text).toContain(
    'for_each    one instance per item of {{ steps.list.stdout_lines }} (at most 1000), fail_fast on',
  );
});

test('the live view draws running instances under their step, and finished ones indented', async () => {
  const clock = new VirtualClock();
  const writes: string[] = [];
  const view = createLiveView({
    terminal: { columns: () => 80, rows: () => 24, write: (t) => void writes.push(t) },
    clock,
    style: plain,
  });
  const events: MissionEvent[] = [];
  const { report } = await runTestMission(MATRIX, {
    clock,
    onEvent: (e) => events.push(e),
    commands: { ls: { output: [{ text: 'a\nb\n' }] }, pgtest: { exitAfterMs: 1000 }, convert: {} },
  });
  expect(report.status).toBe('succeeded');
  // Replay the run's events up to the moment two instances run.
  const cut = events.findIndex((e) => e.type === 'step_start' && e.step_id === 'test[db=pg15]');
  for (const e of events.slice(0, cut + 1)) view.onEvent(e);
  await clock.advance(200);
  const screen = replay(writes.join(''));
  const live = screen.lines.slice(screen.lines.findIndex((l) => l.startsWith('▸')));
  expect(live[0]).toBe('▸ test  2 running');
  expect(live[1]).toMatch(/^. {3}\[db=pg14\] +\d/);
  expect(live[2]).toMatch(/^. {3}\[db=pg15\] +\d/);
  for (const e of events.slice(cut + 1)) view.onEvent(e);
  view.stop();
  const final = replay(writes.join('')).lines;
  expect(final).toContainEqual(expect.stringMatching(/^ {2}└ ✔ test\[db=pg14\]/));
  expect(final).toContainEqual(expect.stringMatching(/^✔ test\b/));
});

test('the HTML report lists instances under their step, and draws the step once in the graph', async () => {
  const { report } = await runTestMission(MATRIX, {
    commands: { ls: { output: [{ text: 'a\n' }] } },
    defaultScript: { exitCode: 0 },
    steps: { 'test[db=pg16]': { exitCode: 1 } },
  });
  const html = toHtml(report);
  const group = html.slice(html.indexOf('<div class="instances" data-group="test">'));
  const block = group.slice(0, group.indexOf('</div>') + 6);
  expect(block).toContain('3 instances of <b>test</b>');
  expect(block).toContain('2 succeeded');
  expect(block).toContain('1 failed');
  for (const db of ['pg14', 'pg15', 'pg16']) expect(block).toContain(`data-step="test[db=${db}]"`);
  // Each instance is drawn once, inside its group.
  expect(html.split('data-step="test[db=pg14]" data-status').length).toBe(2);
  const graph = html.slice(html.indexOf('<section id="graph"'), html.indexOf('<section id="steps"'));
  expect(graph).not.toContain('test[db=');
});
