// Load-time checks of `if:` conditions, once every step is known: a condition may read only the
// steps this one waits for (directly or through others: their results exist when it is decided),
// and must be well typed. Each problem points at the character inside the expression.
import { checkCondition, type StepRelation } from '../expression/typecheck.js';
import type { ExpressionProblem } from '../expression/ast.js';
import { readCondition, type StepCondition } from '../expression/condition.js';
import { dependencyIds } from '../plan/graph.js';
import { error, warning, type Draft } from './draft.js';
import type { Step, StepId } from './model.js';
import type { Path } from './path.js';

/** A draft for a problem inside the `if:` at `path`. */
const conditionDraft = (p: ExpressionProblem, path: Path, source: string, code: Draft['code']): Draft =>
  (p.severity === 'error' ? error : warning)({
    code,
    path,
    message: `condition: ${p.message}`,
    ...(p.hint !== undefined ? { hint: p.hint } : {}),
    inValue: { value: source, offset: p.offset },
  });

/** Reads a step's `if:` (a string, or `true`/`false`); a syntax error becomes a draft. */
export const readStepCondition = (raw: unknown, base: Path, drafts: Draft[]): StepCondition | undefined => {
  if (typeof raw !== 'string' && typeof raw !== 'boolean') return undefined;
  const source = String(raw);
  const read = readCondition(source);
  if (read._tag === 'ok') return read.condition;
  drafts.push(conditionDraft(read.problem, [...base, 'if'], source, 'invalid_value'));
  return undefined;
};

/** Every step `start` waits for, directly or through others. */
const ancestors = (start: Step, byId: ReadonlyMap<string, Step>): ReadonlySet<StepId> => {
  const seen = new Set<StepId>();
  const stack = [...dependencyIds(start)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = byId.get(id);
    if (step !== undefined) stack.push(...dependencyIds(step));
  }
  return seen;
};

/** Checks the conditions of a decoded mission's steps. */
export const validateConditions = (
  steps: ReadonlyArray<Step>,
  variables: Readonly<Record<string, unknown>>,
): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [];
  let byId: Map<string, Step> | undefined;
  const variableNames = Object.keys(variables);
  steps.forEach((step, i) => {
    const condition = step.if;
    if (condition === undefined) return;
    byId ??= new Map(steps.map((s) => [s.id, s]));
    const all = byId;
    const reachable = ancestors(step, all);
    const stepRelation = (id: string): StepRelation =>
      id === step.id
        ? 'self'
        : reachable.has(id as StepId)
          ? 'dependency'
          : all.has(id)
            ? 'unrelated'
            : 'unknown';
    const checked = checkCondition(condition.expr, {
      self: step.id,
      stepRelation,
      stepIds: () => all.keys(),
      variableNames,
    });
    for (const p of checked.problems) {
      const reference = /names no step|does not depend on|own result|names a variable/.test(p.message);
      drafts.push(
        conditionDraft(
          p,
          ['steps', i, 'if'],
          condition.source,
          reference ? 'invalid_reference' : 'invalid_value',
        ),
      );
    }
  });
  return drafts;
};
