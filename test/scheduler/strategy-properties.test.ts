import fc from 'fast-check';
import { stepId, type DependencyStrategy, type OnFailure } from '../../src/mission/model.js';
import { isSuccess } from '../../src/scheduler/step-status.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

const onFailure = (i: number): fc.Arbitrary<OnFailure> =>
  fc.oneof(
    fc.constant<OnFailure>({ _tag: 'skip' }),
    fc.constant<OnFailure>({ _tag: 'log_warning' }),
    fc.constant<OnFailure>({ _tag: 'use_default_value', value: 'default' }),
    ...(i > 0
      ? [
          fc
            .integer({ min: 0, max: i - 1 })
            .map((j): OnFailure => ({ _tag: 'retry_with_alternative', step_id: stepId(`s${j}`) })),
        ]
      : []),
  );

const mission = fc.integer({ min: 1, max: 20 }).chain((n) =>
  fc.tuple(
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 })
          .chain((deps) =>
            fc
              .oneof(
                fc.constant<DependencyStrategy>({ _tag: 'all_required' }),
                fc.constant<DependencyStrategy>({ _tag: 'any_required' }),
                fc.constant<DependencyStrategy>({ _tag: 'best_effort' }),
                fc
                  .tuple(...deps.map(() => fc.tuple(fc.boolean(), onFailure(i))))
                  .map((rules): DependencyStrategy => ({
                    _tag: 'conditional',
                    dependencies: deps.map((d, k) => ({
                      step_id: stepId(`s${d}`),
                      required: rules[k]![0],
                      on_failure: rules[k]![1],
                    })),
                  })),
              )
              .map((strategy): StepInput => ({
                id: `s${i}`,
                depends_on: deps.map((d) => `s${d}`),
                dependency_strategy: strategy,
              })),
          ),
      ),
    ),
    fc.array(fc.record({ durationMs: fc.integer({ min: 0, max: 100 }), fails: fc.boolean() }), {
      minLength: n,
      maxLength: n,
    }),
    fc.integer({ min: 1, max: 3 }),
  ),
);

describe('dependency strategies over random missions', () => {
  it('never deadlock, run each alternative at most once, and use defaults only for dependencies that did not succeed', () => {
    fc.assert(
      fc.property(mission, ([steps, behaviours, parallel]) => {
        const sim = simulate(
          buildMission(steps, { fail_fast: false, max_parallel_steps: parallel }),
          (id): SimBehaviour => {
            const b = behaviours[Number(id.slice(1))]!;
            return {
              durationMs: b.durationMs,
              outcome: b.fails ? { status: 'failed', exit_code: 1 } : { status: 'succeeded' },
            };
          },
        );
        expect(sim.report.steps).toHaveLength(steps.length);
        for (const r of sim.report.steps) expect(['pending', 'running']).not.toContain(r.status);
        const firstStarts = new Map<string, number>();
        const conclusions = new Map<string, string>();
        for (const { command } of sim.commands) {
          if (command._tag === 'emit' && command.event.type === 'step_end')
            conclusions.set(command.event.result.id, command.event.result.conclusion);
          if (command._tag !== 'start_step') continue;
          if (command.attempt === 1)
            firstStarts.set(command.step.id, (firstStarts.get(command.step.id) ?? 0) + 1);
          for (const d of command.defaults) {
            const c = conclusions.get(d.step_id);
            expect(c).toBeDefined();
            expect(isSuccess(c as never)).toBe(false);
          }
        }
        for (const count of firstStarts.values()) expect(count).toBe(1);
      }),
      { numRuns: 400, seed: 99 },
    );
  });
});
