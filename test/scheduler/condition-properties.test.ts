// `if:` conditions in the pure scheduler over random missions: random graphs, conditions and
// outcomes, fail_fast on or off, sometimes a cancel. Every step settles exactly once; a skip for a
// false condition names it; always() steps always run; failure() steps run exactly when a step
// they wait for failed; a condition that cannot be evaluated fails its step without running it.
import fc from 'fast-check';
import { readCondition } from '../../src/expression/condition.js';
import { evaluateCondition } from '../../src/expression/evaluate.js';
import type { Mission } from '../../src/mission/model.js';
import type { StepResult } from '../../src/scheduler/report.js';
import { isFailure } from '../../src/scheduler/step-status.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

const conditionFor = (deps: ReadonlyArray<number>): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(undefined),
    fc.constantFrom(
      'failure()',
      'always()',
      'success()',
      '!cancelled()',
      "variables.flag == 'on'",
      'always() && failure()',
    ),
    ...(deps.length > 0
      ? [
          fc.constantFrom(...deps).map((d) => `steps.s${d}.status == 'succeeded'`),
          fc.constantFrom(...deps).map((d) => `always() && steps.s${d}.exit_code != 0`),
          // s-steps have no structured output: this one fails when it is evaluated.
          fc.constantFrom(...deps).map((d) => `steps.s${d}.output.x == 1`),
        ]
      : []),
  );

const scenario = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    steps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 })
          .chain((deps) =>
            fc.record({
              deps: fc.constant(deps),
              condition: conditionFor(deps),
              strategy: fc.constantFrom('all_required', 'any_required', 'best_effort') as fc.Arbitrary<
                'all_required' | 'any_required' | 'best_effort'
              >,
              fails: fc.boolean(),
              durationMs: fc.integer({ min: 1, max: 50 }),
            }),
          ),
      ),
    ),
    failFast: fc.boolean(),
    parallel: fc.integer({ min: 1, max: 3 }),
    flag: fc.constantFrom('on', 'off'),
    cancelAt: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  }),
);

const missionOf = (sc: Scenario): Mission => {
  const steps: StepInput[] = sc.steps.map((s, i) => {
    const read = s.condition === undefined ? undefined : readCondition(s.condition);
    if (read !== undefined && read._tag !== 'ok') throw new Error(`bad test condition ${s.condition}`);
    return {
      id: `s${i}`,
      depends_on: s.deps.map((d) => `s${d}`),
      dependency_strategy: { _tag: s.strategy },
      ...(read !== undefined ? { if: read.condition } : {}),
    };
  });
  return {
    ...buildMission(steps, { fail_fast: sc.failFast, max_parallel_steps: sc.parallel }),
    variables: { flag: sc.flag },
  };
};

type Scenario = {
  readonly steps: ReadonlyArray<{
    readonly deps: ReadonlyArray<number>;
    readonly condition: string | undefined;
    readonly strategy: 'all_required' | 'any_required' | 'best_effort';
    readonly fails: boolean;
    readonly durationMs: number;
  }>;
  readonly failFast: boolean;
  readonly parallel: number;
  readonly flag: string;
  readonly cancelAt: number | undefined;
};

const ancestorsOf = (sc: Scenario, i: number): Set<number> => {
  const seen = new Set<number>();
  const stack = [...sc.steps[i]!.deps];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...sc.steps[d]!.deps);
  }
  return seen;
};

describe('conditions over random missions', () => {
  it('settle every step once, with the right reasons', () => {
    fc.assert(
      fc.property(scenario, (sc: Scenario) => {
        const mission = missionOf(sc);
        const sim = simulate(
          mission,
          (id): SimBehaviour => {
            const b = sc.steps[Number(id.slice(1))]!;
            return {
              durationMs: b.durationMs,
              outcome: b.fails ? { status: 'failed', exit_code: 1 } : { status: 'succeeded', exit_code: 0 },
            };
          },
          sc.cancelAt === undefined ? [] : [{ _tag: 'cancel', at: sc.cancelAt, reason: 'test' }],
        );
        // Exactly one step_end per step, and the report holds each once.
        const ends = sim.events
          .filter((e) => e.type === 'step_end')
          .map((e) => (e as { result: StepResult }).result.id);
        expect([...ends].sort()).toEqual(mission.steps.map((s) => s.id).sort());
        const results = sim.report.steps;
        const byId = new Map(results.map((r) => [r.id as string, r]));
        const starts = sim.commands
          .filter((c) => c.command._tag === 'start_step')
          .map((c) => (c.command as { step: { id: string } }).step.id);
        expect(new Set(starts).size).toBe(starts.length);

        sc.steps.forEach((s, i) => {
          const r = byId.get(`s${i}`)!;
          const ran = starts.includes(`s${i}`);
          if (r.skip_reason?.startsWith('condition false: ')) {
            expect(r.skip_reason).toBe(`condition false: ${s.condition}`);
            expect(ran).toBe(false);
          }
          if (s.condition === undefined) {
            expect(r.skip_reason ?? '').not.toMatch(/^condition false/);
            return;
          }
          const anyAncestorFailed = [...ancestorsOf(sc, i)].some((a) =>
            isFailure(byId.get(`s${a}`)!.conclusion),
          );
          if (s.condition.includes('.output.x')) {
            // Decided only when its strategy let it run: then it fails without running.
            expect(ran).toBe(false);
            if (r.status === 'failed') expect(r.message).toContain('could not be evaluated');
            return;
          }
          if (sc.cancelAt !== undefined) return;
          if (s.condition === 'always()') expect(ran).toBe(true);
          if (s.condition === 'failure()' || s.condition === 'always() && failure()') {
            // Not run: nothing it waits for failed. Run: something did, or fail_fast stopped the mission for a failure.
            const stoppedForFailure = sc.failFast && results.some((x) => isFailure(x.conclusion));
            expect(ran ? anyAncestorFailed || stoppedForFailure : !anyAncestorFailed).toBe(true);
          }
          if (!s.condition.includes('()') && ran) {
            // A condition without status functions held, read from the results its step waited for.
            const read = readCondition(s.condition);
            if (read._tag !== 'ok') throw new Error('unreachable');
            const v = evaluateCondition(read.condition.expr, s.condition, {
              step: (id) => {
                const d = byId.get(id)!;
                return {
                  status: d.conclusion,
                  outcome: d.outcome,
                  exit_code: d.exit_code,
                  stdout: '',
                  stderr: '',
                };
              },
              variables: mission.variables,
              secrets: [],
              env: () => undefined,
              platform: {},
              status: { success: true, failure: false, cancelled: false },
            });
            expect(v).toEqual({ _tag: 'value', value: true });
          }
        });
      }),
      { numRuns: 600, seed: 22 },
    );
  });

  it('replay: the same events decide the same (the scheduler is a function of its events)', () => {
    fc.assert(
      fc.property(scenario, (sc: Scenario) => {
        const mission = missionOf(sc);
        const behaviour = (id: string): SimBehaviour => {
          const b = sc.steps[Number(id.slice(1))]!;
          return {
            durationMs: b.durationMs,
            outcome: b.fails ? { status: 'failed', exit_code: 1 } : { status: 'succeeded', exit_code: 0 },
          };
        };
        const extra =
          sc.cancelAt === undefined ? [] : [{ _tag: 'cancel' as const, at: sc.cancelAt, reason: 'test' }];
        expect(simulate(mission, behaviour, extra).report).toEqual(
          simulate(mission, behaviour, extra).report,
        );
      }),
      { numRuns: 100, seed: 5 },
    );
  });
});
