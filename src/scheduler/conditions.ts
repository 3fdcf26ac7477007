// Deciding a step's `if:` when its dependencies have settled. Pure: it reads the settled results,
// the run's condition inputs and whether the mission is stopping — all of them fixed by the events
// so far, so a replay decides the same.
//
// How a condition meets the dependency strategy (as in GitHub Actions): a condition without a
// status function is evaluated only when the strategy lets the step run; a condition that calls
// `success()`, `failure()`, `always()` or `cancelled()` replaces that gate and is evaluated either
// way — `success()` being "the strategy lets it run and nothing stops the mission".
import type { StepCondition } from '../expression/condition.js';
import { evaluateCondition, type StepFacts } from '../expression/evaluate.js';
import type { StatusFunction } from '../expression/functions.js';
import type { PlannedStep } from '../plan/plan.js';
import type { StepResult } from './report.js';
import { EMPTY_OUTPUT } from './results.js';
import type { SchedulerInternals, StepState, Stopping } from './state.js';
import { isFailure } from './step-status.js';
import { dependencyIds } from '../plan/graph.js';

/** What a step's condition decided. */
export type ConditionVerdict =
  | { readonly _tag: 'run' }
  | { readonly _tag: 'skip'; readonly reason: string }
  | { readonly _tag: 'fail'; readonly message: string };

const factsOf = (r: StepResult): StepFacts => ({
  status: r.conclusion,
  outcome: r.outcome,
  exit_code: r.exit_code,
  // As `{{ steps.x.stdout }}` reads it: without the final newline, so `== 'yes'` matches `echo yes`.
  stdout: r.stdout.text.replace(/\r?\n$/, ''),
  stderr: r.stderr.text.replace(/\r?\n$/, ''),
  ...(r.output !== undefined ? { output: r.output } : {}),
});

/** Whether any step `k` waits for, directly or through others, failed (GitHub's `failure()`). */
const ancestorFailed = (s: SchedulerInternals, k: number): boolean => {
  const { dependencyStart, dependencyList } = s.plan.graph;
  const seen = new Set<number>();
  const stack = [k];
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (let d = dependencyStart[i]!; d < dependencyStart[i + 1]!; d++) {
      const j = dependencyList[d]!;
      if (seen.has(j)) continue;
      seen.add(j);
      const r = s.results[j];
      if (r !== undefined && isFailure(r.conclusion)) return true;
      stack.push(j);
    }
  }
  return false;
};

/** Whether the condition calls a status function, so that it is evaluated whatever the strategy says. */
export const overridesStrategy = (c: StepCondition): boolean => c.status_functions.length > 0;

const calls = (c: StepCondition, f: StatusFunction): boolean => c.status_functions.includes(f);

/**
 * Whether a step not started yet still runs after the mission began to stop: under fail_fast, one
 * whose condition calls `always()` or `failure()`; on cancel, `always()` or `cancelled()`; past the
 * mission deadline, none.
 */
export const survivesStop = (c: StepCondition | undefined, stopping: Stopping): boolean => {
  if (c === undefined) return false;
  switch (stopping.kind) {
    case 'fail_fast':
      return calls(c, 'always') || calls(c, 'failure');
    case 'cancel':
      return calls(c, 'always') || calls(c, 'cancelled');
    case 'mission_timeout':
      return false;
  }
};

/** Evaluates step `k`'s condition; `strategyRuns` says whether its dependency strategy lets it run. */
export const decideCondition = (
  s: SchedulerInternals,
  k: number,
  condition: StepCondition,
  strategyRuns: boolean,
): ConditionVerdict => {
  const { graph } = s.plan;
  const inputs = s.conditions;
  const evaluation = evaluateCondition(condition.expr, condition.source, {
    step: (id) => {
      const i = graph.indexOf(id as PlannedStep['id']);
      const r = i === undefined ? undefined : s.results[i];
      return r === undefined ? undefined : factsOf(r);
    },
    variables: inputs.variables,
    secrets: inputs.secrets,
    env: (name) => (Object.hasOwn(inputs.env, name) ? (inputs.env[name] ?? undefined) : undefined),
    platform: inputs.platform,
    status: {
      success: strategyRuns && s.stopping === undefined,
      // fail_fast may settle a step this one waits for before that step's own dependencies end: a
      // stop for a failure counts, so a notification still goes out when the failure is elsewhere.
      failure: calls(condition, 'failure') && (s.stopping?.kind === 'fail_fast' || ancestorFailed(s, k)),
      cancelled: s.stopping?.kind === 'cancel',
    },
  });
  if (evaluation._tag === 'error') return { _tag: 'fail', message: evaluation.message };
  return evaluation.value ? { _tag: 'run' } : { _tag: 'skip', reason: `condition false: ${condition.text}` };
};

/** The result of a step whose condition could not be evaluated: failed, without running. */
export const conditionFailedResult = (
  planned: PlannedStep,
  st: StepState | undefined,
  message: string,
  at: string,
): StepResult => ({
  id: planned.id,
  name: planned.step.name,
  step_type: planned.step.step_type,
  depends_on: dependencyIds(planned.step),
  status: 'failed',
  outcome: 'failed',
  conclusion: 'failed',
  exit_code: null,
  signal: null,
  stdout: EMPTY_OUTPUT,
  stderr: EMPTY_OUTPUT,
  started_at: null,
  ended_at: at,
  duration_ms: 0,
  attempts: st?.attempts ?? [],
  timeout: st?.attemptTimeout ?? planned.timeout,
  warnings: st?.warnings ?? [],
  message: `its condition \`${planned.step.if?.text ?? ''}\` could not be evaluated: ${message}`,
  hint: "guard the read (`steps.x.status == 'succeeded' && …`), or make sure the value exists when the step is decided",
  failure_kind: 'invalid_input',
});
