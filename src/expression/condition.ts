// A step's `if:` as the mission model holds it: the text as written, the parsed tree, and what
// the scheduler needs to know without walking it — which status functions it calls (they replace
// the default "dependencies succeeded" gate) and which environment variables it reads (a run
// records them, so a resumed run decides the same way).
import type { Expr, ExpressionProblem } from './ast.js';
import type { StatusFunction } from './functions.js';
import { functionNamed } from './functions.js';
import { parseCondition } from './parser.js';

/** A parsed `if:` condition. */
export interface StepCondition {
  /** The value of `if:` as written, `${{ }}` wrapper included: error offsets count from its start. */
  readonly source: string;
  /** The expression itself, trimmed and without the wrapper: what a skip reason quotes. */
  readonly text: string;
  readonly expr: Expr;
  /** The status functions it calls (`success`, `failure`, `always`, `cancelled`). */
  readonly status_functions: ReadonlyArray<StatusFunction>;
  /** The environment variables it reads (`env.<NAME>`). */
  readonly env: ReadonlyArray<string>;
}

const gather = (e: Expr, status: Set<StatusFunction>, env: Set<string>): void => {
  switch (e._tag) {
    case 'literal':
    case 'regex':
      return;
    case 'ref':
      if (e.segments.length === 2 && e.segments[0]!.key === 'env') env.add(e.segments[1]!.key);
      return;
    case 'not':
      gather(e.operand, status, env);
      return;
    case 'compare':
    case 'logic':
      gather(e.left, status, env);
      gather(e.right, status, env);
      return;
    case 'call':
      if (functionNamed(e.name)?.status === true) status.add(e.name as StatusFunction);
      for (const a of e.args) gather(a, status, env);
      return;
  }
};

/** Reads an `if:` value into a condition, or the first syntax problem. Never throws. */
export const readCondition = (
  source: string,
):
  | { readonly _tag: 'ok'; readonly condition: StepCondition }
  | { readonly _tag: 'error'; readonly problem: ExpressionProblem } => {
  const parsed = parseCondition(source);
  if (parsed._tag === 'error') return parsed;
  const status = new Set<StatusFunction>();
  const env = new Set<string>();
  gather(parsed.condition.expr, status, env);
  return {
    _tag: 'ok',
    condition: {
      source,
      text: parsed.condition.text,
      expr: parsed.condition.expr,
      status_functions: [...status],
      env: [...env],
    },
  };
};
