// The syntax tree of an `if:` expression. Every node knows where it stands in the text the user
// wrote (offsets into the whole `if:` string, the `${{ }}` wrapper included), so a load-time error
// can point at the character it is about.
import type { RegexProgram } from './regex.js';

/** A half-open span of the `if:` text: `[start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A comparison operator. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A logical operator. */
export type LogicOp = '&&' | '||';

/** A literal value as written. */
export type LiteralValue = string | number | boolean | null;

/** One segment of a reference: `.name` or `['name']` / `[0]`. */
export interface RefSegment extends Span {
  readonly key: string;
}

/** A node of the expression. */
export type Expr =
  | (Span & { readonly _tag: 'literal'; readonly value: LiteralValue })
  | (Span & {
      readonly _tag: 'regex';
      readonly source: string;
      readonly flags: string;
      readonly program: RegexProgram;
    })
  /** `steps.build.status`: the first segment is the context (`steps`, `variables`, `env`, `platform`). */
  | (Span & { readonly _tag: 'ref'; readonly segments: ReadonlyArray<RefSegment> })
  | (Span & { readonly _tag: 'not'; readonly operand: Expr })
  | (Span & {
      readonly _tag: 'compare';
      readonly op: CompareOp;
      readonly opAt: number;
      readonly left: Expr;
      readonly right: Expr;
    })
  | (Span & {
      readonly _tag: 'logic';
      readonly op: LogicOp;
      readonly opAt: number;
      readonly left: Expr;
      readonly right: Expr;
    })
  | (Span & {
      readonly _tag: 'call';
      readonly name: string;
      readonly nameEnd: number;
      readonly args: ReadonlyArray<Expr>;
    });

/** A problem with an expression, at an offset of the `if:` text. */
export interface ExpressionProblem {
  readonly severity: 'error' | 'warning';
  /** Offset of the character the problem is about, in the `if:` text as written. */
  readonly offset: number;
  readonly message: string;
  readonly hint?: string;
}

/** The text of a reference, as the user would write it (`steps.build.output.count`). */
export const refText = (segments: ReadonlyArray<RefSegment>): string =>
  segments
    .map((s, i) =>
      i === 0 ? s.key : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s.key) ? `.${s.key}` : `[${JSON.stringify(s.key)}]`,
    )
    .join('');
