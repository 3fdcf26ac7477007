import { containmentLine } from '../../src/cli/summary.js';
import { makeStyle } from '../../src/cli/style.js';
import type { MissionReport, StepResult } from '../../src/scheduler/report.js';

const plain = makeStyle(false);
const step = (id: string, containment?: StepResult['containment']): StepResult =>
  ({ id, ...(containment !== undefined ? { containment } : {}) }) as StepResult;
const report = (steps: ReadonlyArray<StepResult>): MissionReport => ({ steps }) as unknown as MissionReport;

describe('the containment line under the summary table', () => {
  it('names the one containment every step that ran a process had', () => {
    expect(containmentLine(report([step('a', 'cgroup-v1'), step('b'), step('c', 'cgroup-v1')]), plain)).toBe(
      '  processes contained by cgroup-v1',
    );
  });

  it('names the steps of each kind when they differ, so a weaker one is seen', () => {
    expect(
      containmentLine(
        report([step('a', 'cgroup-v2'), step('b', 'process-group'), step('c', 'cgroup-v2')]),
        plain,
      ),
    ).toBe('  processes contained by cgroup-v2 (a, c), process-group (b)');
  });

  it('is absent when no step started a process', () => {
    expect(containmentLine(report([step('a'), step('b')]), plain)).toBeUndefined();
  });
});
