import { createPlan } from '../../src/plan/plan.js';
import type { SchedulerCommand } from '../../src/scheduler/commands.js';
import type { StepResult } from '../../src/scheduler/report.js';
import { initialState, MAX_STEPS } from '../../src/scheduler/state.js';
import { transition } from '../../src/scheduler/transition.js';
import { buildMission, type StepInput } from '../support/build-mission.js';
import { simulate, type SimBehaviour } from '../support/simulate.js';

const ok = (durationMs = 10): SimBehaviour => ({ durationMs });
const fail = (durationMs = 10): SimBehaviour => ({
  durationMs,
  outcome: { status: 'failed', exit_code: 1, failure_kind: 'exit_code', message: 'exited with code 1' },
});
const byId =
  (table: Record<string, SimBehaviour | ((attempt: number) => SimBehaviour)>) =>
  (id: string, attempt: number): SimBehaviour => {
    const b = table[id] ?? ok();
    return typeof b === 'function' ? b(attempt) : b;
  };
const result = (steps: ReadonlyArray<StepResult>, id: string): StepResult => {
  const r = steps.find((s) => s.id === id);
  if (r === undefined) throw new Error(`no result for ${id}`);
  return r;
};
const starts = (commands: ReadonlyArray<{ at: number; command: SchedulerCommand }>) =>
  commands.flatMap(({ at, command }) =>
    command._tag === 'start_step' ? [{ at, id: command.step.id as string, attempt: command.attempt }] : [],
  );
const kills = (commands: ReadonlyArray<{ at: number; command: SchedulerCommand }>) =>
  commands.flatMap(({ at, command }) =>
    command._tag === 'kill_step'
      ? [{ at, step: command.step, reason: command.reason, mode: command.mode }]
      : [],
  );

describe('ordering and parallelism', () => {
  it('runs steps one at a time in declaration order by default, as RustChain does', () => {
    const m = buildMission([{ id: 'c' }, { id: 'a' }, { id: 'b' }]);
    const sim = simulate(m, byId({}));
    expect(starts(sim.commands).map((s) => s.id)).toEqual(['c', 'a', 'b']);
    expect(sim.report.status).toBe('succeeded');
    expect(sim.endedAt).toBe(30);
  });

  it('waits for dependencies and runs independent steps in parallel up to max_parallel_steps', () => {
    const m = buildMission(
      [
        { id: 'build' },
        { id: 'lint' },
        { id: 'unit', depends_on: ['build'] },
        { id: 'e2e', depends_on: ['build'] },
        { id: 'ship', depends_on: ['unit', 'e2e', 'lint'] },
      ],
      { max_parallel_steps: 2 },
    );
    const sim = simulate(m, byId({ build: ok(100), lint: ok(50), unit: ok(30), e2e: ok(60) }));
    expect(starts(sim.commands)).toEqual([
      { at: 0, id: 'build', attempt: 1 },
      { at: 0, id: 'lint', attempt: 1 },
      { at: 100, id: 'unit', attempt: 1 },
      { at: 100, id: 'e2e', attempt: 1 },
      { at: 160, id: 'ship', attempt: 1 },
    ]);
  });

  it('finishes an empty mission at once', () => {
    const sim = simulate(buildMission([]), byId({}));
    expect(sim.report.status).toBe('succeeded');
    expect(sim.report.success_rate).toBe(1);
  });
});

describe('failures', () => {
  it('skips the dependents of a failed step transitively and says why', () => {
    const m = buildMission(
      [
        { id: 'auth_check' },
        { id: 'auth_test', depends_on: ['auth_check'] },
        { id: 'api_test', depends_on: ['auth_test'] },
        { id: 'report', depends_on: ['api_test'] },
        { id: 'other' },
      ],
      { fail_fast: false },
    );
    const sim = simulate(m, byId({ auth_test: fail() }));
    const steps = sim.report.steps;
    expect(result(steps, 'auth_test').status).toBe('failed');
    expect(result(steps, 'api_test')).toMatchObject({
      status: 'skipped',
      skip_reason: 'dependency auth_test failed (all_required)',
    });
    expect(result(steps, 'report')).toMatchObject({
      status: 'skipped',
      skip_reason: 'dependency api_test was skipped (all_required)',
    });
    expect(result(steps, 'other').status).toBe('succeeded');
    expect(starts(sim.commands).map((s) => s.id)).not.toContain('report');
    expect(sim.report.status).toBe('failed');
    expect(sim.report.counts).toMatchObject({ total: 5, succeeded: 2, failed: 1, skipped: 2 });
  });

  it('with fail_fast stops starting steps, cancels running ones, and still reports every step', () => {
    const m = buildMission(
      [{ id: 'slow' }, { id: 'bad' }, { id: 'later' }, { id: 'after_slow', depends_on: ['slow'] }],
      { max_parallel_steps: 2 },
    );
    const sim = simulate(m, byId({ slow: ok(1000), bad: fail(10) }));
    const steps = sim.report.steps;
    expect(result(steps, 'bad').status).toBe('failed');
    expect(result(steps, 'slow')).toMatchObject({ status: 'cancelled', kill_reason: 'fail_fast' });
    expect(result(steps, 'later')).toMatchObject({
      status: 'skipped',
      skip_reason: 'not started: the mission stopped after step bad failed (fail_fast)',
    });
    expect(result(steps, 'after_slow').status).toBe('skipped');
    expect(kills(sim.commands)).toEqual([{ at: 10, step: 0, reason: 'fail_fast', mode: 'graceful' }]);
    expect(sim.report.status).toBe('failed');
  });

  it('continue_on_error keeps the raw outcome and lets dependents run', () => {
    const m = buildMission([
      { id: 'flaky', continue_on_error: true },
      { id: 'next', depends_on: ['flaky'] },
    ]);
    const sim = simulate(m, byId({ flaky: fail() }));
    expect(result(sim.report.steps, 'flaky')).toMatchObject({
      outcome: 'failed',
      conclusion: 'succeeded_with_warnings',
      status: 'succeeded_with_warnings',
      exit_code: 1,
    });
    expect(result(sim.report.steps, 'next').status).toBe('succeeded');
    expect(sim.report.status).toBe('succeeded_with_warnings');
  });

  it('continue_on_error applies to timeouts too', () => {
    const m = buildMission([
      { id: 'slow', timeout_seconds: 1, continue_on_error: true },
      { id: 'next', depends_on: ['slow'] },
    ]);
    const sim = simulate(m, byId({ slow: ok(5000) }));
    expect(result(sim.report.steps, 'slow')).toMatchObject({
      outcome: 'timed_out',
      conclusion: 'succeeded_with_warnings',
    });
    expect(result(sim.report.steps, 'next').status).toBe('succeeded');
  });
});

describe('timeouts and the kill ladder', () => {
  it('kills a step at its timeout and reports where the timeout came from', () => {
    const m = buildMission([{ id: 'grep', timeout_seconds: 30 }, { id: 'cfg' }, { id: 'dflt' }], {
      timeout_seconds: 2,
      fail_fast: false,
    });
    const sim = simulate(m, byId({ grep: ok(60_000), cfg: ok(3000) }));
    expect(result(sim.report.steps, 'grep')).toMatchObject({
      status: 'timed_out',
      kill_reason: 'timeout',
      timeout: { ms: 30_000, source: 'step' },
      message: 'timed out after 30 s (step timeout_seconds: 30 s)',
    });
    expect(result(sim.report.steps, 'cfg')).toMatchObject({
      status: 'timed_out',
      timeout: { ms: 2000, source: 'config' },
    });
    const noConfig = simulate(buildMission([{ id: 'x' }]), byId({}));
    expect(result(noConfig.report.steps, 'x').timeout).toMatchObject({ ms: 300_000, source: 'default' });
  });

  it('forces a step that ignores the graceful signal after kill_grace_seconds', () => {
    const m = buildMission([{ id: 'stubborn', timeout_seconds: 10 }], { kill_grace_seconds: 3 });
    const sim = simulate(m, byId({ stubborn: { durationMs: 1e9, ignoreGraceful: true } }));
    expect(kills(sim.commands)).toEqual([
      { at: 10_000, step: 0, reason: 'timeout', mode: 'graceful' },
      { at: 13_000, step: 0, reason: 'timeout', mode: 'force' },
    ]);
    expect(result(sim.report.steps, 'stubborn')).toMatchObject({ status: 'timed_out', signal: 'SIGKILL' });
  });

  it('abandons a step that does not end even when forced, and says so', () => {
    const m = buildMission([{ id: 'deaf', timeout_seconds: 1 }], { kill_grace_seconds: 2 });
    const sim = simulate(m, byId({ deaf: { durationMs: 1e9, ignoreGraceful: true, ignoreForce: true } }));
    const r = result(sim.report.steps, 'deaf');
    expect(r.status).toBe('timed_out');
    expect(r.warnings.join('\n')).toMatch(/did not stop after it was forced/);
    expect(sim.endedAt).toBe(1000 + 2000 + 2000);
  });

  it('keeps partial results when the step allows them', () => {
    const m = buildMission([
      { id: 'scan', timeout_seconds: 1, allow_partial_results: true },
      { id: 'use', depends_on: ['scan'] },
    ]);
    const sim = simulate(m, byId({ scan: ok(5000) }));
    expect(result(sim.report.steps, 'scan').status).toBe('partial');
    expect(result(sim.report.steps, 'use').status).toBe('succeeded');
    expect(sim.report.status).toBe('succeeded_with_warnings');
  });

  it('lets no step outlive the mission deadline', () => {
    const m = buildMission([{ id: 'a' }, { id: 'b', timeout_seconds: 100 }, { id: 'c' }], {
      mission_timeout_seconds: 30,
    });
    const sim = simulate(m, byId({ a: ok(20_000), b: ok(50_000) }));
    expect(result(sim.report.steps, 'b')).toMatchObject({
      status: 'timed_out',
      timeout: { ms: 10_000, source: 'mission_deadline' },
    });
    expect(result(sim.report.steps, 'c').status).toBe('skipped');
    expect(sim.report.status).toBe('timed_out');
    expect(sim.endedAt).toBe(30_000);
  });
});

describe('cancellation', () => {
  it('stops running steps, cancels the rest, and reports cancelled', () => {
    const m = buildMission([{ id: 'a' }, { id: 'b' }, { id: 'c', depends_on: ['a'] }], {
      max_parallel_steps: 2,
    });
    const sim = simulate(m, byId({ a: ok(1000), b: ok(1000) }), [
      { _tag: 'cancel', at: 500, reason: 'user pressed Ctrl-C' },
    ]);
    expect(sim.report.status).toBe('cancelled');
    expect(sim.report.cancel_reason).toBe('user pressed Ctrl-C');
    expect(result(sim.report.steps, 'a')).toMatchObject({ status: 'cancelled', kill_reason: 'cancel' });
    expect(result(sim.report.steps, 'c')).toMatchObject({
      status: 'cancelled',
      skip_reason: 'mission cancelled before this step started: user pressed Ctrl-C',
    });
    expect(sim.endedAt).toBe(500);
  });

  it('forces at once on a second cancel', () => {
    const m = buildMission([{ id: 'a' }], { kill_grace_seconds: 30 });
    const sim = simulate(m, byId({ a: { durationMs: 1e9, ignoreGraceful: true } }), [
      { _tag: 'cancel', at: 100, reason: 'first' },
      { _tag: 'cancel', at: 200, reason: 'second' },
    ]);
    expect(kills(sim.commands).map((k) => [k.at, k.mode])).toEqual([
      [100, 'graceful'],
      [200, 'force'],
    ]);
    expect(sim.endedAt).toBe(200);
  });
});

describe('progress and stalls', () => {
  it('emits progress every interval with elapsed time, output bytes and the last line', () => {
    const m = buildMission([{ id: 'long', progress_interval_seconds: 10 }]);
    const sim = simulate(m, byId({ long: ok(35_000) }), [
      { _tag: 'step_output', at: 12_000, step: 0, attempt: 1, bytes: 42, last_line: 'compiling 3/9' },
    ]);
    const progress = sim.events.filter((e) => e.type === 'step_progress');
    expect(progress).toEqual([
      {
        type: 'step_progress',
        at: 10_000,
        step_id: 'long',
        elapsed_ms: 10_000,
        output_bytes: 0,
        last_line: null,
      },
      {
        type: 'step_progress',
        at: 20_000,
        step_id: 'long',
        elapsed_ms: 20_000,
        output_bytes: 42,
        last_line: 'compiling 3/9',
      },
      {
        type: 'step_progress',
        at: 30_000,
        step_id: 'long',
        elapsed_ms: 30_000,
        output_bytes: 42,
        last_line: 'compiling 3/9',
      },
    ]);
  });

  it('warns once when a step goes quiet and kills it after stall_timeout_seconds', () => {
    const m = buildMission([{ id: 'quiet', stall_warning_seconds: 5, stall_timeout_seconds: 20 }]);
    const sim = simulate(m, byId({ quiet: ok(1e9) }), [
      { _tag: 'step_output', at: 3000, step: 0, attempt: 1, bytes: 1, last_line: 'x' },
    ]);
    const warnings = sim.events.filter((e) => e.type === 'step_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ at: 8000, message: 'no output for 5 s (stall_warning_seconds: 5)' });
    expect(kills(sim.commands)[0]).toMatchObject({ at: 23_000, reason: 'stall' });
    expect(result(sim.report.steps, 'quiet')).toMatchObject({ status: 'timed_out', kill_reason: 'stall' });
  });

  it('warns again when a step goes quiet a second time after output resumed', () => {
    const m = buildMission([{ id: 'bursty', stall_warning_seconds: 5 }]);
    const sim = simulate(m, byId({ bursty: ok(30_000) }), [
      { _tag: 'step_output', at: 9000, step: 0, attempt: 1, bytes: 1, last_line: 'tick' },
    ]);
    expect(sim.events.filter((e) => e.type === 'step_warning').map((e) => e.at)).toEqual([5000, 14_000]);
  });
});

describe('retries', () => {
  const policy = {
    max_attempts: 4,
    delay_seconds: 1,
    backoff: 'exponential' as const,
    multiplier: 2,
    jitter: 0,
    retry_on: [{ _tag: 'any_failure' as const }],
    timeout_multiplier: 1,
  };

  it('retries with exponential backoff and records every attempt', () => {
    const m = buildMission([{ id: 'flaky', retry: policy }]);
    const sim = simulate(m, byId({ flaky: (attempt) => (attempt < 4 ? fail(100) : ok(100)) }));
    const r = result(sim.report.steps, 'flaky');
    expect(r.status).toBe('succeeded');
    expect(r.attempts.map((a) => [a.attempt, a.outcome, a.delay_before_ms])).toEqual([
      [1, 'failed', 0],
      [2, 'failed', 1000],
      [3, 'failed', 2000],
      [4, 'succeeded', 4000],
    ]);
    expect(sim.endedAt).toBe(400 + 7000);
  });

  it('retries only what retry_on names, and grows the timeout by timeout_multiplier', () => {
    const onTimeout = { ...policy, retry_on: [{ _tag: 'timeout' as const }], timeout_multiplier: 2 };
    const m = buildMission(
      [
        { id: 'slow', timeout_seconds: 1, retry: onTimeout },
        { id: 'broken', retry: onTimeout },
      ],
      { fail_fast: false },
    );
    const sim = simulate(
      m,
      byId({ slow: (attempt) => (attempt < 3 ? ok(10_000) : ok(100)), broken: fail() }),
    );
    const slow = result(sim.report.steps, 'slow');
    expect(slow.status).toBe('succeeded');
    expect(slow.attempts.map((a) => a.timeout_ms)).toEqual([1000, 2000, 4000]);
    expect(result(sim.report.steps, 'broken').attempts).toHaveLength(1);
  });

  it('does not retry a failure the step marks as not retryable', () => {
    const m = buildMission([{ id: 'x', retry: policy }]);
    const sim = simulate(
      m,
      byId({
        x: { durationMs: 5, outcome: { status: 'failed', retryable: false, message: 'bad credentials' } },
      }),
    );
    expect(result(sim.report.steps, 'x').attempts).toHaveLength(1);
  });
});

describe('the state value', () => {
  it('refuses to be advanced twice, so no two histories share one state', () => {
    const s0 = initialState(createPlan(buildMission([{ id: 'a' } as StepInput])));
    transition(s0, { _tag: 'start', at: 0 });
    expect(() => transition(s0, { _tag: 'start', at: 0 })).toThrow(/already advanced/);
  });
});

describe('timers and the event option', () => {
  const mission = buildMission([{ id: 'a' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]);

  it('ignores a timer it never armed or already cancelled', () => {
    const [s1, first] = transition(initialState(createPlan(mission)), { _tag: 'start', at: 0 });
    const armed = first.flatMap((c) => (c._tag === 'arm_timer' ? [c.timer] : []));
    expect(armed).toHaveLength(1);
    // a finishes: its watch timer is cancelled and b's armed.
    const [s2, second] = transition(s1, {
      _tag: 'step_finished',
      at: 5,
      step: 0,
      attempt: 1,
      outcome: { status: 'succeeded' },
    });
    expect(second).toContainEqual({ _tag: 'cancel_timer', timer: armed[0] });
    let s = s2;
    for (const timer of [armed[0]!, 0, -1, 7, 2 ** 40 + 1]) {
      const [next, cmds] = transition(s, { _tag: 'timer_fired', at: 600_000, timer });
      expect(cmds).toEqual([]);
      s = next;
    }
    // b was not killed by any of them: it finishes normally.
    const [, third] = transition(s, {
      _tag: 'step_finished',
      at: 600_001,
      step: 1,
      attempt: 1,
      outcome: { status: 'succeeded' },
    });
    expect(third.some((c) => c._tag === 'start_step' && c.step.id === 'c')).toBe(true);
  });

  it('fires the timer it armed: a deadline kills the step', () => {
    const m = buildMission([{ id: 'slow', timeout_seconds: 2 }]);
    const [s1, first] = transition(initialState(createPlan(m)), { _tag: 'start', at: 0 });
    const arm = first.find((c) => c._tag === 'arm_timer');
    expect(arm).toMatchObject({ delay_ms: 1000 }); // the first resource sample comes first
    const [s2, second] = transition(s1, {
      _tag: 'timer_fired',
      at: 1000,
      timer: (arm as { timer: number }).timer,
    });
    const rearm = second.find((c) => c._tag === 'arm_timer') as { timer: number; delay_ms: number };
    expect(rearm.delay_ms).toBe(1000);
    // The replaced timer firing late (it raced its cancellation) does nothing.
    const [s3, stale] = transition(s2, {
      _tag: 'timer_fired',
      at: 2000,
      timer: (arm as { timer: number }).timer,
    });
    expect(stale).toEqual([]);
    const [, third] = transition(s3, { _tag: 'timer_fired', at: 2000, timer: rearm.timer });
    expect(third).toContainEqual({
      _tag: 'kill_step',
      step: 0,
      attempt: 1,
      reason: 'timeout',
      mode: 'graceful',
    });
  });

  it('with events off emits only step_end, and reports exactly the same', () => {
    const quiet = simulate(mission, byId({}), [], undefined, false);
    const loud = simulate(mission, byId({}));
    const emitted = (sim: typeof quiet) =>
      sim.commands.flatMap(({ command }) => (command._tag === 'emit' ? [command.event.type] : []));
    expect(emitted(quiet)).toEqual(['step_end', 'step_end', 'step_end']);
    expect(emitted(loud)).toEqual([
      'mission_start',
      'step_start',
      'step_end',
      'step_start',
      'step_end',
      'step_start',
      'step_end',
      'mission_end',
    ]);
    expect(quiet.report).toEqual(loud.report);
    const others = (sim: typeof quiet) => sim.commands.filter(({ command }) => command._tag !== 'emit');
    expect(others(quiet)).toEqual(others(loud));
  });

  it('refuses a mission larger than it can keep timer ids exact for', () => {
    const plan = createPlan(mission);
    const huge = { ...plan, steps: { length: MAX_STEPS + 1 } } as unknown as typeof plan;
    expect(() => initialState(huge)).toThrow(RangeError);
    expect(() => initialState(huge)).toThrow(/at most 16777215 steps/);
  });
});
