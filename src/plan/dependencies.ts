// The dependency-strategy resolver: given a step and how its dependencies ended, whether it runs.
// Pure and total over every strategy × outcome (docs/dependencies.md has the table).
import type { DependencyStrategy, StepId } from '../mission/model.js';
import { isSuccess, type StepStatus } from '../scheduler/step-status.js';
import { unreachable } from '../unreachable.js';

/** How one dependency ended: its conclusion (after `continue_on_error`). */
export interface DependencyOutcome {
  readonly step_id: StepId;
  readonly conclusion: StepStatus;
}

/** What the step does. */
export type DependencyDecision =
  | {
      readonly _tag: 'run';
      readonly warnings: ReadonlyArray<string>;
      /** Dependencies whose outputs read as a default value (conditional `use_default_value`). */
      readonly defaults: ReadonlyArray<DefaultValue>;
    }
  | { readonly _tag: 'skip'; readonly reason: string }
  | { readonly _tag: 'alternative'; readonly failed: StepId; readonly alternative: StepId };

const ended = (d: DependencyOutcome): string =>
  d.conclusion === 'skipped'
    ? 'was skipped'
    : d.conclusion === 'cancelled'
      ? 'was cancelled'
      : d.conclusion === 'timed_out'
        ? 'timed out'
        : d.conclusion === 'resource_exceeded'
          ? 'exceeded a resource limit'
          : 'failed';

/** A default value standing in for a dependency that did not succeed. */
export interface DefaultValue {
  readonly step_id: StepId;
  readonly value: unknown;
}

const run = (
  warnings: ReadonlyArray<string> = [],
  defaults: ReadonlyArray<DefaultValue> = [],
): DependencyDecision => ({ _tag: 'run', warnings, defaults });

/** Decides whether a step runs once all of its dependencies have settled. */
export const resolveDependencies = (
  strategy: DependencyStrategy,
  continueOnFailure: boolean,
  outcomes: ReadonlyArray<DependencyOutcome>,
): DependencyDecision => {
  const failed = outcomes.filter((d) => !isSuccess(d.conclusion));
  if (failed.length === 0) return run();
  if (continueOnFailure && strategy._tag !== 'conditional') {
    return run(
      failed.map((d) => `dependency ${d.step_id} ${ended(d)}; running anyway (continue_on_failure)`),
    );
  }
  switch (strategy._tag) {
    case 'all_required': {
      const first = failed[0] as DependencyOutcome;
      return { _tag: 'skip', reason: `dependency ${first.step_id} ${ended(first)} (all_required)` };
    }
    case 'any_required':
      return failed.length < outcomes.length
        ? run(failed.map((d) => `dependency ${d.step_id} ${ended(d)}; running on the others (any_required)`))
        : {
            _tag: 'skip',
            reason: `none of the dependencies succeeded: ${failed.map((d) => `${d.step_id} ${ended(d)}`).join(', ')} (any_required)`,
          };
    case 'best_effort':
      return run(failed.map((d) => `dependency ${d.step_id} ${ended(d)}; running anyway (best_effort)`));
    case 'conditional': {
      const rules = new Map(strategy.dependencies.map((d) => [d.step_id, d]));
      const warnings: string[] = [];
      const defaults: DefaultValue[] = [];
      for (const d of failed) {
        const rule = rules.get(d.step_id);
        if (rule === undefined)
          return {
            _tag: 'skip',
            reason: `dependency ${d.step_id} ${ended(d)} (listed in depends_on, so required)`,
          };
        if (!rule.required) {
          // An optional dependency never stops the step; a default written for it still stands in for its outputs.
          if (rule.on_failure._tag === 'use_default_value') {
            warnings.push(
              `optional dependency ${d.step_id} ${ended(d)}; its outputs read as the default value (required: false, use_default_value)`,
            );
            defaults.push({ step_id: d.step_id, value: rule.on_failure.value });
          } else warnings.push(`optional dependency ${d.step_id} ${ended(d)}`);
          continue;
        }
        const action = rule.on_failure;
        switch (action._tag) {
          case 'skip':
            return {
              _tag: 'skip',
              reason: `dependency ${d.step_id} ${ended(d)} (conditional: on_failure skip)`,
            };
          case 'log_warning':
            warnings.push(
              `dependency ${d.step_id} ${ended(d)}; running anyway (conditional: on_failure log_warning)`,
            );
            break;
          case 'use_default_value':
            warnings.push(
              `dependency ${d.step_id} ${ended(d)}; its outputs read as the default value (conditional: use_default_value)`,
            );
            defaults.push({ step_id: d.step_id, value: action.value });
            break;
          case 'retry_with_alternative':
            return { _tag: 'alternative', failed: d.step_id, alternative: action.step_id };
          default:
            return unreachable(action);
        }
      }
      return run(warnings, defaults);
    }
    default:
      return unreachable(strategy);
  }
};
