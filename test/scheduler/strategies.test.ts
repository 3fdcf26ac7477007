import type { StepResult } from '../../src/scheduler/report.js';
import { stepId } from '../../src/mission/model.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

const ok: SimBehaviour = { durationMs: 10 };
const fail: SimBehaviour = { durationMs: 10, outcome: { status: 'failed', exit_code: 1 } };
const run = (steps: ReadonlyArray<StepInput>, behaviours: Record<string, SimBehaviour>) =>
  simulate(buildMission(steps, { fail_fast: false }), (id) => behaviours[id] ?? ok);
const of = (steps: ReadonlyArray<StepResult>, id: string): StepResult => steps.find((s) => s.id === id)!;
const started = (sim: ReturnType<typeof simulate>): string[] =>
  sim.commands.flatMap(({ command }) => (command._tag === 'start_step' ? [command.step.id as string] : []));

const withAlternative: StepInput = {
  id: 'analysis',
  depends_on: ['primary'],
  dependency_strategy: {
    _tag: 'conditional',
    dependencies: [
      {
        step_id: stepId('primary'),
        required: true,
        on_failure: { _tag: 'retry_with_alternative', step_id: stepId('fallback') },
      },
    ],
  },
};

describe('dependency strategies in the scheduler', () => {
  it('any_required runs once one dependency succeeded and the rest settled, with a warning', () => {
    const sim = run(
      [
        { id: 'a' },
        { id: 'b' },
        { id: 'join', depends_on: ['a', 'b'], dependency_strategy: { _tag: 'any_required' } },
      ],
      { a: fail },
    );
    const join = of(sim.report.steps, 'join');
    expect(join.status).toBe('succeeded_with_warnings');
    expect(join.warnings).toEqual(['dependency a failed; running on the others (any_required)']);
    expect(sim.report.status).toBe('failed');
  });

  it('best_effort runs after failed and skipped dependencies alike, telling them apart', () => {
    const sim = run(
      [
        { id: 'a' },
        { id: 'b', depends_on: ['a'] },
        { id: 'report', depends_on: ['a', 'b'], dependency_strategy: { _tag: 'best_effort' } },
      ],
      { a: fail },
    );
    expect(of(sim.report.steps, 'report').warnings).toEqual([
      'dependency a failed; running anyway (best_effort)',
      'dependency b was skipped; running anyway (best_effort)',
    ]);
  });

  it('runs an on-demand alternative only when the dependency it stands in for fails, and only once', () => {
    const needed = run(
      [{ id: 'primary' }, { id: 'fallback' }, withAlternative, { ...withAlternative, id: 'second' }],
      { primary: fail },
    );
    expect(started(needed).filter((id) => id === 'fallback')).toEqual(['fallback']);
    expect(of(needed.report.steps, 'analysis').warnings).toContain(
      'dependency primary failed; using its alternative fallback (conditional: retry_with_alternative)',
    );
    expect(of(needed.report.steps, 'second').status).toBe('succeeded_with_warnings');

    const unneeded = run([{ id: 'primary' }, { id: 'fallback' }, withAlternative], {});
    expect(started(unneeded)).not.toContain('fallback');
    expect(of(unneeded.report.steps, 'fallback')).toMatchObject({
      status: 'skipped',
      skip_reason: 'not needed: no dependency it stands in for failed',
    });
    expect(unneeded.report.status).toBe('succeeded');
  });

  it('skips the step when the alternative fails too, and says both', () => {
    const sim = run([{ id: 'primary' }, { id: 'fallback' }, withAlternative], {
      primary: fail,
      fallback: fail,
    });
    expect(of(sim.report.steps, 'analysis')).toMatchObject({
      status: 'skipped',
      skip_reason:
        'dependency primary failed and its alternative fallback failed too (conditional: retry_with_alternative)',
    });
  });

  it('hands default values to the step only for dependencies that did not succeed', () => {
    const steps: StepInput[] = [
      { id: 'a' },
      { id: 'b' },
      {
        id: 'c',
        depends_on: ['a', 'b'],
        dependency_strategy: {
          _tag: 'conditional',
          dependencies: [
            {
              step_id: stepId('a'),
              required: true,
              on_failure: { _tag: 'use_default_value', value: 'none' },
            },
            {
              step_id: stepId('b'),
              required: true,
              on_failure: { _tag: 'use_default_value', value: 'none' },
            },
          ],
        },
      },
    ];
    const sim = run(steps, { a: fail });
    const start = sim.commands.find(
      ({ command }) => command._tag === 'start_step' && command.step.id === 'c',
    )!.command;
    expect(start._tag === 'start_step' && start.defaults).toEqual([{ step_id: 'a', value: 'none' }]);
  });
});
