import fc from 'fast-check';
import type { SchedulerEvent } from '../../src/scheduler/events.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

interface Case {
  readonly steps: ReadonlyArray<StepInput>;
  readonly behaviours: ReadonlyArray<SimBehaviour>;
  readonly maxParallel: number;
  readonly failFast: boolean;
  readonly cancelAt: number | undefined;
  readonly missionTimeout: number | undefined;
}

const behaviour: fc.Arbitrary<SimBehaviour> = fc.record({
  durationMs: fc.integer({ min: 0, max: 5000 }),
  outcome: fc.constantFrom(
    { status: 'succeeded' as const },
    { status: 'failed' as const, exit_code: 1 },
    { status: 'succeeded_with_warnings' as const, warnings: ['w'] },
  ),
  ignoreGraceful: fc.boolean(),
  ignoreForce: fc.boolean(),
});

const stepCase: fc.Arbitrary<Case> = fc.integer({ min: 0, max: 25 }).chain((n) =>
  fc.record({
    steps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .record({
            deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
              maxLength: i === 0 ? 0 : 3,
            }),
            timeout: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
            continueOnError: fc.boolean(),
            strategy: fc.constantFrom('all_required', 'any_required', 'best_effort'),
            retries: fc.integer({ min: 1, max: 3 }),
          })
          .map((s): StepInput => ({
            id: `s${i}`,
            depends_on: s.deps.map((d) => `s${d}`),
            continue_on_error: s.continueOnError,
            dependency_strategy: { _tag: s.strategy as 'all_required' },
            ...(s.timeout !== undefined ? { timeout_seconds: s.timeout } : {}),
            ...(s.retries > 1
              ? {
                  retry: {
                    max_attempts: s.retries,
                    delay_seconds: 0.5,
                    backoff: 'fixed' as const,
                    multiplier: 2,
                    jitter: 0,
                    retry_on: [{ _tag: 'any_failure' as const }],
                    timeout_multiplier: 1,
                  },
                }
              : {}),
          })),
      ),
    ),
    behaviours: fc.array(behaviour, { minLength: n, maxLength: n }),
    maxParallel: fc.integer({ min: 1, max: 4 }),
    failFast: fc.boolean(),
    cancelAt: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    missionTimeout: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  }),
);

const run = (c: Case) => {
  const mission = buildMission(c.steps, {
    max_parallel_steps: c.maxParallel,
    fail_fast: c.failFast,
    kill_grace_seconds: 1,
    ...(c.missionTimeout !== undefined ? { mission_timeout_seconds: c.missionTimeout } : {}),
  });
  const extra: SchedulerEvent[] =
    c.cancelAt !== undefined ? [{ _tag: 'cancel', at: c.cancelAt, reason: 'test' }] : [];
  return simulate(mission, (id) => c.behaviours[Number(id.slice(1))]!, extra);
};

describe('scheduler properties over random missions', () => {
  it('never starts a step before its dependencies settle, starts each attempt once, and respects max_parallel_steps', () => {
    fc.assert(
      fc.property(stepCase, (c) => {
        const sim = run(c);
        const settled = new Set<string>();
        const started = new Set<string>();
        const running = new Set<string>();
        for (const { command } of sim.commands) {
          if (command._tag === 'start_step') {
            const key = `${command.step.id}#${command.attempt}`;
            expect(started.has(key)).toBe(false);
            started.add(key);
            for (const d of command.step.step.depends_on) expect(settled.has(d)).toBe(true);
            running.add(command.step.id);
            expect(running.size).toBeLessThanOrEqual(c.maxParallel);
          }
          if (command._tag === 'emit' && command.event.type === 'step_end') {
            settled.add(command.event.result.id);
            running.delete(command.event.result.id);
          }
          if (command._tag === 'emit' && command.event.type === 'step_retry')
            running.delete(command.event.step_id);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('always terminates with every step settled exactly once', () => {
    fc.assert(
      fc.property(stepCase, (c) => {
        const sim = run(c);
        expect(sim.report.steps).toHaveLength(c.steps.length);
        for (const r of sim.report.steps) expect(['pending', 'running']).not.toContain(r.status);
        const ends = sim.events
          .filter((e) => e.type === 'step_end')
          .map((e) => (e.type === 'step_end' ? e.result.id : ''));
        expect(new Set(ends).size).toBe(ends.length);
        expect(ends).toHaveLength(c.steps.length);
        const total = Object.entries(sim.report.counts).reduce((n, [k, v]) => (k === 'total' ? n : n + v), 0);
        expect(total).toBe(c.steps.length);
      }),
      { numRuns: 300, seed: 43 },
    );
  });

  it('gives every kill a cause: a deadline that passed, a cancel, a failure under fail_fast, or the mission deadline', () => {
    fc.assert(
      fc.property(stepCase, (c) => {
        const sim = run(c);
        const startedAt = new Map<string, number>();
        let failedAt: number | undefined;
        for (const { at, command } of sim.commands) {
          if (command._tag === 'start_step') startedAt.set(`${command.step.index}#${command.attempt}`, at);
          if (
            command._tag === 'emit' &&
            command.event.type === 'step_end' &&
            ['failed', 'timed_out'].includes(command.event.result.conclusion)
          )
            failedAt ??= at;
          if (command._tag !== 'kill_step' || command.mode !== 'graceful') continue;
          const start = startedAt.get(`${command.step}#${command.attempt}`)!;
          switch (command.reason) {
            case 'timeout': {
              const timeout = c.steps[command.step]?.timeout_seconds ?? 300;
              expect(at - start).toBeGreaterThanOrEqual(
                Math.min(timeout * 1000, (c.missionTimeout ?? Infinity) * 1000 - start),
              );
              break;
            }
            case 'cancel':
              expect(c.cancelAt).toBeDefined();
              expect(at).toBeGreaterThanOrEqual(c.cancelAt!);
              break;
            case 'fail_fast':
              expect(c.failFast).toBe(true);
              expect(failedAt).toBeDefined();
              break;
            case 'mission_timeout':
              expect(at).toBe(c.missionTimeout! * 1000);
              break;
            default:
              throw new Error(`unexpected kill reason ${command.reason}`);
          }
        }
      }),
      { numRuns: 300, seed: 44 },
    );
  });

  it('never lets a mission with a cancel report anything but cancelled, nor a failing one succeed', () => {
    fc.assert(
      fc.property(stepCase, (c) => {
        const sim = run(c);
        if (sim.report.status === 'cancelled') expect(c.cancelAt).toBeDefined();
        if (c.cancelAt !== undefined && c.cancelAt < sim.endedAt) expect(sim.report.status).toBe('cancelled');
        if (sim.report.status === 'succeeded')
          expect(sim.report.steps.every((s) => s.conclusion === 'succeeded')).toBe(true);
        if (sim.report.steps.some((s) => s.conclusion === 'failed' || s.conclusion === 'timed_out')) {
          expect(['failed', 'cancelled', 'timed_out']).toContain(sim.report.status);
        }
      }),
      { numRuns: 200, seed: 45 },
    );
  });
});
