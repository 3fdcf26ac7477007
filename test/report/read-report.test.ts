// `missionkit report` is handed any file: a real report passes as it is, anything else is refused
// with each problem's JSON path, and the graph of any report is laid out in waves.
import { readReport } from '../../src/report/read-report.js';
import { waveLayout } from '../../src/report/waves.js';
import type { StepResult } from '../../src/scheduler/report.js';
import { richReport } from './sample-reports.js';

describe('readReport', () => {
  it('accepts a report read back from JSON, as it is', async () => {
    const report = JSON.parse(JSON.stringify(await richReport())) as unknown;
    expect(readReport(report)).toEqual({ _tag: 'report', report });
  });

  it('refuses what is not a report, saying where and what', async () => {
    expect(readReport([1, 2])).toEqual({
      _tag: 'not_a_report',
      problems: ['the file holds an array, not a report object'],
    });
    expect(readReport({ version: '1.0', name: 'a mission', steps: [] })).toEqual({
      _tag: 'not_a_report',
      problems: ['$.format: expected "missionkit.report/v1", found no `format` field'],
    });
    const report = JSON.parse(JSON.stringify(await richReport())) as Record<string, unknown>;
    const steps = report.steps as Array<Record<string, unknown>>;
    steps[1]!.status = 'exploded';
    (steps[2]!.attempts as Array<Record<string, unknown>>)[0]!.started_at = 12;
    delete steps[3]!.stdout;
    expect(readReport(report)).toEqual({
      _tag: 'not_a_report',
      problems: [
        '$.steps[1].status: expected a step status, found "exploded"',
        '$.steps[2].attempts[0].started_at: expected a string, found 12',
        '$.steps[3].stdout: expected an object, found nothing',
      ],
    });
  });

  it('lists at most eight problems and counts the rest', () => {
    const reading = readReport({
      format: 'missionkit.report/v1',
      steps: Array.from({ length: 5 }, () => ({})),
    });
    expect(reading._tag).toBe('not_a_report');
    const problems = reading._tag === 'not_a_report' ? reading.problems : [];
    expect(problems).toHaveLength(9);
    expect(problems[8]).toMatch(/^… and \d+ more problems$/);
  });
});

describe('waveLayout', () => {
  const step = (id: string, depends_on?: ReadonlyArray<string>): StepResult =>
    ({ id, ...(depends_on !== undefined ? { depends_on } : {}) }) as unknown as StepResult;

  it('puts each step one wave after its latest dependency', () => {
    const layout = waveLayout([
      step('d', ['b', 'c']),
      step('a', []),
      step('b', ['a']),
      step('c', ['a', 'b']),
    ]);
    expect(layout.waves).toEqual([[1], [2], [3], [0]]);
    expect(layout.dependencies).toEqual([[2, 3], [], [1], [1, 2]]);
  });

  it('lays out a long chain without recursion, and a hand-made cycle or unknown id without hanging', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => step(`s${i}`, i === 0 ? [] : [`s${i - 1}`]));
    expect(waveLayout(chain).waves).toHaveLength(50_000);
    const cycle = waveLayout([step('a', ['b']), step('b', ['a']), step('c', ['nowhere'])]);
    expect(cycle.waveOf.every((w) => w >= 0)).toBe(true);
    expect(cycle.dependencies[2]).toEqual([]);
  });
});
