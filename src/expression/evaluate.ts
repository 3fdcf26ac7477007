// Evaluates a checked condition against the facts of one run. Pure and total: a missing field or
// a value of the wrong type is an `error` value naming the expression and the value, never a
// throw. Property lookups read own data fields only, so `output.__proto__` or `output.constructor`
// is simply a field the output does not have.
import { refText, type Expr } from './ast.js';
import { regexTest } from './regex.js';
import { typeName, typeOf } from './types.js';

/** What a condition can read of one settled step. */
export interface StepFacts {
  readonly status: string;
  readonly outcome: string;
  readonly exit_code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Structured output, when the step type has one. */
  readonly output?: unknown;
}

/** The facts a condition reads when its step is decided. */
export interface EvaluationScope {
  /** A step this one depends on, by id. */
  readonly step: (id: string) => StepFacts | undefined;
  readonly variables: Readonly<Record<string, string>>;
  /** Names of secret variables: their values are compared, never shown. */
  readonly secrets: ReadonlyArray<string>;
  /** An environment variable, or undefined when it is not set. */
  readonly env: (name: string) => string | undefined;
  readonly platform: { readonly os?: string | undefined; readonly arch?: string | undefined };
  /** What the status functions return for this step. */
  readonly status: { readonly success: boolean; readonly failure: boolean; readonly cancelled: boolean };
}

/** The outcome of a condition. */
export type Evaluation =
  { readonly _tag: 'value'; readonly value: boolean } | { readonly _tag: 'error'; readonly message: string };

class Failed extends Error {}

const MAX_SHOWN = 80;

/** A value as an error message shows it: short, and JSON-like. */
const render = (v: unknown): string => {
  const s =
    v === undefined
      ? 'nothing'
      : typeof v === 'object' && v !== null && !Array.isArray(v)
        ? 'a map'
        : (JSON.stringify(v) ?? String(v));
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
};

const own = (v: unknown, key: string): { readonly found: boolean; readonly value?: unknown } => {
  if (typeof v !== 'object' || v === null) return { found: false };
  if (Array.isArray(v)) {
    if (!/^(0|[1-9]\d*)$/.test(key)) return { found: false };
    const i = Number(key);
    return i < v.length ? { found: true, value: v[i] } : { found: false };
  }
  if (!Object.hasOwn(v, key)) return { found: false };
  const d = Object.getOwnPropertyDescriptor(v, key);
  // A data field only: an accessor would run code.
  return d !== undefined && 'value' in d ? { found: true, value: d.value as unknown } : { found: false };
};

const equal = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
};

/** Evaluates `expr` (written as `source`) in `scope`. Never throws. */
export const evaluateCondition = (expr: Expr, source: string, scope: EvaluationScope): Evaluation => {
  const text = (e: Expr): string => source.slice(e.start, e.end);
  const secret = (e: Expr): boolean =>
    e._tag === 'ref' &&
    e.segments.length === 2 &&
    e.segments[0]!.key === 'variables' &&
    scope.secrets.includes(e.segments[1]!.key);
  const show = (e: Expr, v: unknown): string => (secret(e) ? '***' : render(v));
  const fail = (message: string): never => {
    throw new Failed(message);
  };

  const reference = (e: Extract<Expr, { _tag: 'ref' }>): unknown => {
    const [head, second, third, ...rest] = e.segments;
    const whole = refText(e.segments);
    // The checker refuses short references at load time; the evaluator stays total without it.
    const needed = head!.key === 'steps' ? 3 : 2;
    if (e.segments.length < needed || (head!.key !== 'steps' && e.segments.length > 2))
      return fail(`${whole}: not a reference a condition can read`);
    switch (head!.key) {
      case 'steps': {
        const facts = scope.step(second!.key);
        if (facts === undefined) return fail(`${whole}: step ${second!.key} has no result`);
        switch (third!.key) {
          case 'status':
            return facts.status;
          case 'outcome':
            return facts.outcome;
          case 'exit_code':
            return facts.exit_code;
          case 'stdout':
            return facts.stdout;
          case 'stderr':
            return facts.stderr;
          case 'output': {
            if (facts.output === undefined)
              return fail(
                `${whole}: step ${second!.key} has no structured output (it ended ${facts.status})`,
              );
            let v: unknown = facts.output;
            let path = `steps.${second!.key}.output`;
            for (const seg of rest) {
              const next = own(v, seg.key);
              if (!next.found)
                return fail(`${whole}: ${path} has no field "${seg.key}" (it is ${render(v)})`);
              v = next.value;
              path = `${path}.${seg.key}`;
            }
            return v === undefined ? null : v;
          }
          default:
            return fail(`${whole}: a step has no such field`);
        }
      }
      case 'variables':
        return Object.hasOwn(scope.variables, second!.key)
          ? scope.variables[second!.key]
          : fail(`${whole} is not set (define it under variables: or pass it with --var)`);
      case 'env':
        return scope.env(second!.key) ?? null;
      case 'platform': {
        const v =
          second!.key === 'os' ? scope.platform.os : second!.key === 'arch' ? scope.platform.arch : undefined;
        return v ?? fail(`${whole} is not known on this host`);
      }
      default:
        return fail(`${whole}: unknown context`);
    }
  };

  const truth = (e: Expr, what: string): boolean => {
    const v = value(e);
    if (typeof v !== 'boolean')
      return fail(`${what} \`${text(e)}\` is ${show(e, v)} (${typeName(typeOf(v))}), not true or false`);
    return v;
  };

  const value = (e: Expr): unknown => {
    switch (e._tag) {
      case 'literal':
        return e.value;
      case 'regex':
        return e.program;
      case 'ref':
        return reference(e);
      case 'not':
        return !truth(e.operand, 'the operand of `!`');
      case 'logic':
        // Short-circuit, so `steps.a.status == 'succeeded' && steps.a.output.n > 1` reads `output` only when it can exist.
        return e.op === '&&'
          ? truth(e.left, '`&&` operand') && truth(e.right, '`&&` operand')
          : truth(e.left, '`||` operand') || truth(e.right, '`||` operand');
      case 'compare': {
        const l = value(e.left);
        const r = value(e.right);
        if (e.op === '==') return equal(l, r);
        if (e.op === '!=') return !equal(l, r);
        const bothNumbers = typeof l === 'number' && typeof r === 'number';
        const bothStrings = typeof l === 'string' && typeof r === 'string';
        if (!bothNumbers && !bothStrings)
          return fail(
            `\`${e.op}\` in \`${text(e)}\` orders two numbers or two strings, but \`${text(e.left)}\` is ${show(e.left, l)} and \`${text(e.right)}\` is ${show(e.right, r)}`,
          );
        const a = l as number | string;
        const b = r as number | string;
        return e.op === '<' ? a < b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a >= b;
      }
      case 'call': {
        const args = e.args.map(value);
        const wantString = (i: number): string => {
          const v = args[i];
          if (typeof v !== 'string')
            return fail(
              `\`${e.name}\` needs a string, but \`${text(e.args[i]!)}\` is ${show(e.args[i]!, v)}`,
            );
          return v;
        };
        switch (e.name) {
          case 'contains': {
            const hay = args[0];
            if (Array.isArray(hay)) return hay.some((x) => equal(x, args[1]));
            return wantString(0).includes(wantString(1));
          }
          case 'startsWith':
            return wantString(0).startsWith(wantString(1));
          case 'endsWith':
            return wantString(0).endsWith(wantString(1));
          case 'matches': {
            const program = args[1];
            const e1 = e.args[1];
            if (e1?._tag !== 'regex') return fail('`matches` needs a /pattern/');
            return regexTest(program as typeof e1.program, wantString(0));
          }
          case 'success':
            return scope.status.success;
          case 'failure':
            return scope.status.failure;
          case 'always':
            return true;
          case 'cancelled':
            return scope.status.cancelled;
          default:
            return fail(`unknown function \`${e.name}\``);
        }
      }
    }
  };

  try {
    return { _tag: 'value', value: truth(expr, 'the condition') };
  } catch (e) {
    if (e instanceof Failed) return { _tag: 'error', message: e.message };
    if (e instanceof RangeError) return { _tag: 'error', message: 'the condition is too deep to evaluate' };
    throw e;
  }
};
