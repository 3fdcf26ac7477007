// The scheduler over random missions with fan-outs (matrices and for_each over a dependency's
// output) and random outcomes: every step and instance settles exactly once, instance counts match
// the matrix or the items, a group's max_parallel and fail_fast hold, and replaying the recorded
// events expands exactly as the run did.
import fc from 'fast-check';
import type { FanOut } from '../../src/mission/fan-out.js';
import { matrixInstanceId } from '../../src/mission/fan-out.js';
import { stepId } from '../../src/mission/model.js';
import type { StepOutcome } from '../../src/ports/step-type.js';
import { createPlan } from '../../src/plan/plan.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { initialState } from '../../src/scheduler/state.js';
import { transition } from '../../src/scheduler/transition.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

interface StepCase {
  readonly deps: ReadonlyArray<number>;
  readonly strategy: 'all_required' | 'any_required' | 'best_effort';
  readonly fan: 'none' | 'matrix' | 'for_each';
  readonly width: number;
  readonly maxParallel: number | undefined;
  readonly failFast: boolean;
  readonly continueOnError: boolean;
}

interface Case {
  readonly steps: ReadonlyArray<StepCase>;
  readonly seed: number;
  readonly maxParallel: number;
  readonly failFast: boolean;
  readonly cancelAt: number | undefined;
}

const stepCase = (i: number): fc.Arbitrary<StepCase> =>
  fc.record({
    deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }),
    strategy: fc.constantFrom('all_required' as const, 'any_required' as const, 'best_effort' as const),
    fan:
      i === 0
        ? fc.constantFrom('none' as const, 'matrix' as const)
        : fc.constantFrom('none' as const, 'matrix' as const, 'for_each' as const),
    width: fc.integer({ min: 1, max: 5 }),
    maxParallel: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    failFast: fc.boolean(),
    continueOnError: fc.boolean(),
  });

const missionCase: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    steps: fc.tuple(...Array.from({ length: n }, (_, i) => stepCase(i))),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    maxParallel: fc.integer({ min: 1, max: 6 }),
    failFast: fc.boolean(),
    cancelAt: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  }),
);

/** A small deterministic hash, so each step id (and attempt) behaves the same in a run and its replay. */
const hash = (text: string, seed: number): number => {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
};

/** How many items step `id` lists in its output (0–7), more than max_items (5) at times. */
const itemCount = (id: string, seed: number): number => hash(`items:${id}`, seed) % 8;

const behaviourOf =
  (seed: number) =>
  (id: string, attempt: number): SimBehaviour => {
    const h = hash(`${id}#${attempt}`, seed);
    const outcome: StepOutcome =
      h % 5 === 0
        ? { status: 'failed', exit_code: 1 }
        : {
            status: 'succeeded',
            output: { items: Array.from({ length: itemCount(id, seed) }, (_, k) => `${id}-${k}`) },
          };
    return { durationMs: (h >>> 4) % 400, outcome };
  };

const fanOutOf = (c: StepCase, i: number): FanOut | undefined => {
  const group = {
    ...(c.maxParallel !== undefined ? { max_parallel: c.maxParallel } : {}),
    fail_fast: c.failFast,
  };
  if (c.fan === 'matrix') {
    const axes = ['v'];
    return {
      _tag: 'matrix',
      axes,
      instances: Array.from({ length: c.width }, (_, k) => ({
        id: matrixInstanceId(`s${i}`, axes, { v: k }),
        values: { v: k },
      })),
      ...group,
    };
  }
  if (c.fan === 'for_each' && c.deps.length > 0)
    return {
      _tag: 'for_each',
      text: `{{ steps.s${c.deps[0]}.output.items }}`,
      source: { _tag: 'output', step: stepId(`s${c.deps[0]}`), path: ['items'] },
      max_items: 5,
      ...group,
    };
  return undefined;
};

const missionOf = (c: Case) =>
  buildMission(
    c.steps.map((s, i): StepInput => {
      const fan_out = fanOutOf(s, i);
      return {
        id: `s${i}`,
        depends_on: s.deps.map((d) => `s${d}`),
        dependency_strategy: { _tag: s.strategy },
        continue_on_error: s.continueOnError,
        ...(fan_out !== undefined ? { fan_out } : {}),
      };
    }),
    { max_parallel_steps: c.maxParallel, fail_fast: c.failFast, kill_grace_seconds: 1 },
  );

const run = (c: Case) =>
  simulate(
    missionOf(c),
    behaviourOf(c.seed),
    c.cancelAt !== undefined ? [{ _tag: 'cancel', at: c.cancelAt, reason: 'test' }] : [],
  );

const groupOf = (id: string): string | undefined =>
  id.includes('[') ? id.slice(0, id.indexOf('[')) : undefined;

describe('fan-out properties over random missions', () => {
  it('settles every step and every instance exactly once, with as many instances as the matrix or the items', () => {
    fc.assert(
      fc.property(missionCase, (c) => {
        const sim = run(c);
        const ends = sim.events.flatMap((e) => (e.type === 'step_end' ? [e.result.id] : []));
        expect(new Set(ends).size).toBe(ends.length);
        expect(sim.report.steps.map((r) => r.id).sort()).toEqual([...ends].sort());
        for (let i = 0; i < c.steps.length; i++) expect(ends).toContain(`s${i}`);
        const results = new Map(sim.report.steps.map((r) => [r.id, r]));
        c.steps.forEach((s, i) => {
          const r = results.get(stepId(`s${i}`))!;
          const instances = sim.report.steps.filter((x) => x.fan_out?.group === `s${i}`);
          if (r.instances === undefined) {
            // Never expanded: skipped or not started.
            expect(instances).toHaveLength(0);
            return;
          }
          expect(r.instances).toEqual(instances.map((x) => x.id));
          if (s.fan === 'matrix') expect(r.instances).toHaveLength(s.width);
          if (s.fan === 'for_each') {
            // The items are those of the source's output; a source that failed (with continue_on_error) has none.
            // A matrix source's output is its instances' outputs, a list with no `items`.
            const output = results.get(stepId(`s${s.deps[0]}`))!.output as { items?: unknown } | undefined;
            const n = Array.isArray(output?.items) ? output.items.length : undefined;
            if (n === undefined || n > 5) expect(r).toMatchObject({ conclusion: 'failed', instances: [] });
            else expect(r.instances).toHaveLength(n);
          }
          // Instances follow their step in the report.
          const at = sim.report.steps.indexOf(r);
          expect(sim.report.steps.slice(at + 1, at + 1 + instances.length)).toEqual(instances);
        });
        expect(sim.report.counts.total).toBe(sim.report.steps.length);
      }),
      { numRuns: 300, seed: 2201 },
    );
  });

  it("respects a group's max_parallel and the mission's max_parallel_steps, and fail_fast starts no instance after one failed", () => {
    fc.assert(
      fc.property(missionCase, (c) => {
        const sim = run(c);
        const running = new Map<string, Set<string>>();
        const all = new Set<string>();
        const halted = new Set<string>();
        for (const { command } of sim.commands) {
          if (command._tag === 'start_step') {
            const id = command.step.id;
            all.add(id);
            expect(all.size).toBeLessThanOrEqual(c.maxParallel);
            const g = groupOf(id);
            if (g === undefined) continue;
            const spec = c.steps[Number(g.slice(1))]!;
            if (command.attempt === 1) expect(halted.has(g)).toBe(false);
            const set = running.get(g) ?? new Set<string>();
            set.add(id);
            running.set(g, set);
            expect(set.size).toBeLessThanOrEqual(spec.maxParallel ?? Infinity);
          }
          if (command._tag === 'emit' && command.event.type === 'step_end') {
            const r = command.event.result;
            all.delete(r.id);
            const g = groupOf(r.id);
            if (g === undefined) continue;
            running.get(g)?.delete(r.id);
            const spec = c.steps[Number(g.slice(1))]!;
            if (spec.failFast && ['failed', 'timed_out', 'resource_exceeded'].includes(r.conclusion))
              halted.add(g);
          }
        }
      }),
      { numRuns: 300, seed: 2202 },
    );
  });

  it('replaying the recorded events expands every fan-out exactly as the run did', () => {
    fc.assert(
      fc.property(missionCase, (c) => {
        const sim = run(c);
        // The simulation seeds its scheduler with 7; a replay does the same from the journal.
        let state = initialState(createPlan(missionOf(c)), 7, true);
        let report: MissionReport | undefined;
        for (const e of sim.fed) {
          const [next, commands] = transition(state, e);
          state = next;
          for (const cmd of commands) if (cmd._tag === 'finish') report = cmd.report;
        }
        expect(report).toEqual(sim.report);
      }),
      { numRuns: 100, seed: 2203 },
    );
  });
});
