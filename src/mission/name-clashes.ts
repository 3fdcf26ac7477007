// RustChain's `{a}` reads the variable `a`, or the result of step `a` when no variable has that
// name; `{a_result}` always reads the step. When a variable and a step share a name, `{a}` and
// `{a_result}` quietly read two different things, so the parser says so.
import { warning, type Draft } from './draft.js';
import type { Step } from './model.js';

/** A warning for each step whose id is also the name of a mission variable. */
export const nameClashWarnings = (
  steps: ReadonlyArray<Step>,
  variables: Readonly<Record<string, unknown>>,
): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [];
  steps.forEach((step, i) => {
    if (!Object.hasOwn(variables, step.id)) return;
    drafts.push(
      warning({
        code: 'conflicting_fields',
        path: ['steps', i, 'id'],
        message: `step \`${step.id}\` has the name of a mission variable: \`{${step.id}}\` reads the variable, while \`{${step.id}_result}\` reads this step's result`,
        found: JSON.stringify(step.id),
        hint: `rename the step or the variable (\`variables.${step.id}\`); to read the step's result, write \`{${step.id}_result}\``,
      }),
    );
  });
  return drafts;
};
