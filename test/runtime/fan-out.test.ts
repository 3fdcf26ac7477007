// Fan-out end to end, on virtual time with scripted processes: a matrix over three values, a
// dynamic fan-out over the files a step lists, the group's max_parallel and fail_fast, strategies
// that count instances, and `{{ steps.<id>.outputs }}`.
import * as t from 'io-ts';
import type { SpawnRequest } from '../../src/ports/executor.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import type { StepResult } from '../../src/scheduler/report.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

const byId = (steps: ReadonlyArray<StepResult>, id: string): StepResult => {
  const r = steps.find((s) => s.id === id);
  if (r === undefined) throw new Error(`no result for ${id}: ${steps.map((s) => s.id).join(', ')}`);
  return r;
};

/** Most instances running at one time, from the events. */
const peakRunning = (events: ReadonlyArray<MissionEvent>, prefix: string): number => {
  let running = 0;
  let peak = 0;
  for (const e of events) {
    if (e.type === 'step_start' && e.step_id.startsWith(prefix) && e.attempt === 1) running += 1;
    if (e.type === 'step_end' && e.result.id.startsWith(prefix) && e.result.attempts.length > 0) running -= 1;
    peak = Math.max(peak, running);
  }
  return peak;
};

describe('a matrix over three values', () => {
  const yaml = `
version: "1.0"
name: matrix
config: { max_parallel_steps: 8 }
steps:
  - id: test
    name: test
    step_type: command
    parameters: { command: pgtest, args: ["--db={{ matrix.db }}"] }
    matrix: { db: [pg14, pg15, pg16] }
  - id: report
    name: report
    step_type: command
    parameters: { command: summarise, args: ["{{ steps.test.status }}"] }
    depends_on: [test]
`;

  test('runs one instance per value, each a step with its own result, then what depends on them', async () => {
    const requests: SpawnRequest[] = [];
    const { report } = await runTestMission(yaml, {
      defaultScript: (req: SpawnRequest) => (requests.push(req), { exitAfterMs: 100 }),
    });
    expect(report.status).toBe('succeeded');
    expect(report.steps.map((s) => s.id)).toEqual([
      'test',
      'test[db=pg14]',
      'test[db=pg15]',
      'test[db=pg16]',
      'report',
    ]);
    expect(requests.filter((r) => r.command === 'pgtest').map((r) => r.args)).toEqual([
      ['--db=pg14'],
      ['--db=pg15'],
      ['--db=pg16'],
    ]);
    expect(byId(report.steps, 'test').instances).toEqual(['test[db=pg14]', 'test[db=pg15]', 'test[db=pg16]']);
    expect(byId(report.steps, 'test[db=pg15]').fan_out).toEqual({ group: 'test', matrix: { db: 'pg15' } });
    // The dependent started only after every instance had ended.
    const reportStart = Date.parse(byId(report.steps, 'report').started_at!);
    for (const db of ['pg14', 'pg15', 'pg16'])
      expect(Date.parse(byId(report.steps, `test[db=${db}]`).ended_at!)).toBeLessThanOrEqual(reportStart);
  });

  test('each instance is scripted by its own id; one failing fails the step and skips its dependent', async () => {
    const { report } = await runTestMission(
      yaml.replace('max_parallel_steps: 8', 'max_parallel_steps: 8, fail_fast: false'),
      {
        steps: { 'test[db=pg15]': { exitCode: 3, exitAfterMs: 10 }, test: { exitAfterMs: 500 } },
        defaultScript: { exitCode: 0 },
      },
    );
    expect(report.status).toBe('failed');
    const group = byId(report.steps, 'test');
    expect(group.conclusion).toBe('failed');
    expect(group.message).toContain('1 of 3 instances did not succeed: test[db=pg15]');
    // fail_fast of the group (default true) cancelled the two still running.
    expect(byId(report.steps, 'test[db=pg14]').conclusion).toBe('cancelled');
    expect(byId(report.steps, 'test[db=pg14]').kill_reason).toBe('fail_fast');
    expect(byId(report.steps, 'report').conclusion).toBe('skipped');
  });
});

describe('a dynamic fan-out over the files a step lists', () => {
  const yaml = (extra = ''): string => `
version: "1.0"
name: files
config: { max_parallel_steps: 10, fail_fast: false }
steps:
  - id: list
    name: list files
    step_type: command
    parameters: { command: ls, args: [data] }
  - id: process
    name: process one file
    step_type: command
    parameters: { command: convert, args: ["{{ item }}", "--n={{ item_index }}"] }
    depends_on: [list]
    for_each: "{{ steps.list.stdout_lines }}"
${extra}
  - id: gather
    name: gather
    step_type: command
    parameters: { command: gather, args: ["{{ steps.process.status }}"] }
    depends_on: [process]
`;
  const files = ['a.csv', 'b.csv', 'c.csv', 'd.csv', 'e.csv'];

  test('one instance per line, each with {{ item }} and {{ item_index }}, under the group max_parallel', async () => {
    const converted: string[][] = [];
    const { report, events } = await runTestMission(yaml('    max_parallel: 2'), {
      commands: {
        ls: { output: [{ text: files.join('\n') + '\n' }], exitAfterMs: 5 },
        convert: (req: SpawnRequest) => (converted.push([...req.args]), { exitAfterMs: 100 }),
        gather: { exitCode: 0 },
      },
    });
    expect(report.status).toBe('succeeded');
    expect(converted).toEqual(files.map((f, i) => [f, `--n=${i}`]));
    expect(byId(report.steps, 'process').instances).toEqual(files.map((_, i) => `process[${i}]`));
    expect(byId(report.steps, 'process[3]').fan_out).toEqual({ group: 'process', item_index: 3 });
    expect(peakRunning(events, 'process[')).toBe(2);
    expect(byId(report.steps, 'gather').conclusion).toBe('succeeded');
  });

  test('more items than max_items fails the step with a clear message, and runs none', async () => {
    const { report } = await runTestMission(yaml('    max_items: 3'), {
      commands: { ls: { output: [{ text: files.join('\n') + '\n' }] } },
      defaultScript: { exitCode: 0 },
    });
    const group = byId(report.steps, 'process');
    expect(group.conclusion).toBe('failed');
    expect(group.message).toBe(
      'for_each {{ steps.list.stdout_lines }} has 5 items, more than max_items (3); none was run',
    );
    expect(group.hint).toContain('raise max_items');
    expect(report.steps.some((s) => s.id.startsWith('process['))).toBe(false);
  });

  test('no items: the step succeeds with no instances', async () => {
    const { report } = await runTestMission(yaml(), {
      commands: { ls: { output: [] } },
      defaultScript: { exitCode: 0 },
    });
    expect(byId(report.steps, 'process')).toMatchObject({ conclusion: 'succeeded', instances: [] });
    expect(byId(report.steps, 'gather').conclusion).toBe('succeeded');
  });
});

describe('structured items, outputs, and strategies that count instances', () => {
  test('for_each over a list in an output; {{ steps.x.outputs }} lists the instances outputs in order', async () => {
    const yaml = `
version: "1.0"
name: outputs
config: { max_parallel_steps: 4 }
steps:
  - id: list
    name: list
    step_type: lister
  - id: ask
    name: ask
    step_type: asker
    parameters: { question: "{{ item.name }} #{{ item_index }}" }
    depends_on: [list]
    for_each: "{{ steps.list.output.people }}"
  - id: sum
    name: sum
    step_type: command
    parameters: { command: sum, args: ["{{ steps.ask.outputs }}"] }
    depends_on: [ask]
`;
    const seen: string[][] = [];
    const { report } = await runTestMission(yaml, {
      stepTypes: [
        {
          name: 'lister',
          parameters: t.UnknownRecord,
          run: () =>
            Promise.resolve({ status: 'succeeded', output: { people: [{ name: 'ada' }, { name: 'alan' }] } }),
        },
        {
          name: 'asker',
          parameters: t.type({ question: t.string }),
          run: (_ctx, p: { question: string }) =>
            Promise.resolve({ status: 'succeeded', output: { answer: p.question.toUpperCase() } }),
        },
      ],
      commands: { sum: (req: SpawnRequest) => (seen.push([...req.args]), { exitCode: 0 }) },
    });
    expect(report.status).toBe('succeeded');
    expect(byId(report.steps, 'ask').instances).toEqual(['ask[0]', 'ask[1]']);
    expect(seen).toEqual([['[{"answer":"ADA #0"},{"answer":"ALAN #1"}]']]);
    expect(byId(report.steps, 'ask').output).toEqual([{ answer: 'ADA #0' }, { answer: 'ALAN #1' }]);
  });

  test('any_required holds when one instance succeeded', async () => {
    const yaml = `
version: "1.0"
name: any
config: { max_parallel_steps: 4, fail_fast: false }
steps:
  - id: mirror
    name: mirror
    step_type: command
    parameters: { command: fetch, args: ["{{ matrix.site }}"] }
    matrix: { site: [eu, us, ap] }
    fail_fast: false
  - id: use
    name: use
    step_type: command
    parameters: { command: use }
    depends_on: [mirror]
    dependency_strategy: any_required
  - id: all
    name: all
    step_type: command
    parameters: { command: use }
    depends_on: [mirror]
`;
    const { report } = await runTestMission(yaml, {
      steps: { 'mirror[site=eu]': { exitCode: 1 }, 'mirror[site=ap]': { exitCode: 1 } },
      defaultScript: { exitCode: 0 },
    });
    expect(byId(report.steps, 'mirror[site=us]').conclusion).toBe('succeeded');
    expect(byId(report.steps, 'mirror').conclusion).toBe('failed');
    expect(byId(report.steps, 'use').conclusion).toBe('succeeded_with_warnings');
    expect(byId(report.steps, 'all').conclusion).toBe('skipped');
    expect(byId(report.steps, 'all').skip_reason).toContain('mirror[site=eu]');
  });
});

test('an item in a shell command line is data: it travels in an environment variable, never in the script', async () => {
  const yaml = `
version: "1.0"
name: shell items
steps:
  - id: list
    name: list
    step_type: command
    parameters: { command: ls }
  - id: each
    name: each
    step_type: command
    depends_on: [list]
    for_each: "{{ steps.list.stdout_lines }}"
    parameters: { command: 'convert "{{ item }}"', shell: true }
`;
  const shells: SpawnRequest[] = [];
  const evil = '$(touch PWNED) `id`; rm -rf /';
  const { report } = await runTestMission(yaml, {
    commands: { ls: { output: [{ text: `plain.txt\n${evil}\n` }] } },
    defaultScript: (req: SpawnRequest) => (shells.push(req), { exitCode: 0 }),
  });
  expect(report.status).toBe('succeeded');
  expect(shells.map((r) => r.command)).toEqual([
    'convert "${MISSIONKIT_VALUE_1}"',
    'convert "${MISSIONKIT_VALUE_1}"',
  ]);
  expect(shells.map((r) => r.env['MISSIONKIT_VALUE_1'])).toEqual(['plain.txt', evil]);
});
