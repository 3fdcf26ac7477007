import { stepId } from '../../src/mission/model.js';
import { createPlan } from '../../src/plan/plan.js';
import { buildMission, type StepInput } from '../support/build-mission.js';

/** A step whose dependency `primary` may be stood in for by `alternative`. */
const standsIn = (id: string, primary: string, alternative: string): StepInput => ({
  id,
  depends_on: [primary],
  dependency_strategy: {
    _tag: 'conditional',
    dependencies: [
      {
        step_id: stepId(primary),
        required: true,
        on_failure: { _tag: 'retry_with_alternative', step_id: stepId(alternative) },
      },
    ],
  },
});

describe('createPlan: on-demand alternatives', () => {
  it('marks an alternative no step depends on, wherever it is declared, and lists it', () => {
    const plan = createPlan(
      buildMission([
        { id: 'early_fallback' },
        { id: 'primary' },
        standsIn('analysis', 'primary', 'early_fallback'),
        standsIn('report', 'primary', 'late_fallback'),
        { id: 'late_fallback' },
      ]),
    );
    expect(plan.steps.filter((p) => p.on_demand).map((p) => p.id)).toEqual([
      'early_fallback',
      'late_fallback',
    ]);
    expect(plan.on_demand_steps).toEqual([0, 4]);
  });

  it('does not make an alternative on demand when another step depends on it', () => {
    const plan = createPlan(
      buildMission([
        { id: 'primary' },
        { id: 'fallback' },
        standsIn('analysis', 'primary', 'fallback'),
        { id: 'audit', depends_on: ['fallback'] },
      ]),
    );
    expect(plan.steps.some((p) => p.on_demand)).toBe(false);
    expect(plan.on_demand_steps).toEqual([]);
  });

  it('has no on-demand steps in a mission without conditional strategies', () => {
    const plan = createPlan(buildMission([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    expect(plan.on_demand_steps).toEqual([]);
  });
});
