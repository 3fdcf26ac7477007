// The parser of `if:` expressions: text in, a tree or the first problem out (with its offset).
// Precedence, loosest first, as in GitHub Actions: `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=`, `!`.
// It never throws, whatever the text: a condition comes from a mission file.
import type { CompareOp, Expr, ExpressionProblem, RefSegment } from './ast.js';
import { lex, type Token } from './lexer.js';
import { compileRegex } from './regex.js';

/** Expressions longer than this are refused (a condition is a line, not a program). */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Parentheses and `!` nest at most this deep, so a hostile condition cannot exhaust the stack. */
export const MAX_EXPRESSION_DEPTH = 64;

/** A parsed condition: the tree, and where the expression proper starts and ends in the `if:` text. */
export interface ParsedCondition {
  readonly expr: Expr;
  /** The expression without a `${{ }}` wrapper, as written. */
  readonly text: string;
}

class Stop extends Error {
  constructor(readonly problem: ExpressionProblem) {
    super(problem.message);
  }
}

const fail = (offset: number, message: string, hint?: string): never => {
  throw new Stop({ severity: 'error', offset, message, ...(hint !== undefined ? { hint } : {}) });
};

/** Where the expression lies inside a `${{ … }}` wrapper, if the whole text is one. */
const unwrap = (text: string): { readonly from: number; readonly to: number } => {
  const lead = text.length - text.trimStart().length;
  const trail = text.trimEnd().length;
  if (text.startsWith('${{', lead)) {
    if (text.slice(0, trail).endsWith('}}') && trail - 2 >= lead + 3)
      return { from: lead + 3, to: trail - 2 };
    fail(lead, '`${{` is never closed', 'end the condition with `}}`');
  }
  return { from: 0, to: text.length };
};

const describe = (t: Token): string => {
  switch (t._tag) {
    case 'end':
      return 'the end of the condition';
    case 'name':
      return `\`${t.text}\``;
    case 'punct':
      return `\`${t.text}\``;
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'regex':
      return 'a regular expression';
  }
};

/** Parses an `if:` value: a condition, optionally wrapped in `${{ … }}`. Never throws. */
export const parseCondition = (
  text: string,
):
  | { readonly _tag: 'ok'; readonly condition: ParsedCondition }
  | { readonly _tag: 'error'; readonly problem: ExpressionProblem } => {
  try {
    if (text.length > MAX_EXPRESSION_LENGTH)
      fail(
        MAX_EXPRESSION_LENGTH,
        `the condition is longer than ${MAX_EXPRESSION_LENGTH} characters`,
        'compute the decision in a step and test its output',
      );
    const { from, to } = unwrap(text);
    if (text.slice(from, to).trim() === '')
      fail(
        from,
        'the condition is empty',
        "write an expression such as `variables.branch == 'main'`, or remove `if:`",
      );
    const lexed = lex(text, from, to);
    if (lexed._tag === 'error') return fail(lexed.offset, lexed.message, lexed.hint);
    const tokens = lexed.tokens;
    let k = 0;
    let depth = 0;
    const peek = (): Token => tokens[k]!;
    const isPunct = (t: Token, p: string): boolean => t._tag === 'punct' && t.text === p;
    const expect = (p: string, opener: Token | undefined, hint: string): Token => {
      const t = peek();
      if (!isPunct(t, p))
        fail(
          t.start,
          `expected \`${p}\`${opener !== undefined ? ` to close the \`${(opener as { text?: string }).text ?? ''}\` at character ${opener.start + 1}` : ''}, found ${describe(t)}`,
          hint,
        );
      k++;
      return t;
    };
    const deeper = (at: number): void => {
      depth++;
      if (depth > MAX_EXPRESSION_DEPTH)
        fail(
          at,
          `the condition nests more than ${MAX_EXPRESSION_DEPTH} deep`,
          'split it, or compute it in a step',
        );
    };

    const ref = (head: Extract<Token, { _tag: 'name' }>): Expr => {
      const segments: RefSegment[] = [{ key: head.text, start: head.start, end: head.end }];
      for (;;) {
        const t = peek();
        if (isPunct(t, '.')) {
          k++;
          const n = peek();
          if (n._tag === 'name' || (n._tag === 'number' && Number.isInteger(n.value) && n.value >= 0)) {
            k++;
            segments.push({ key: n._tag === 'name' ? n.text : String(n.value), start: n.start, end: n.end });
            continue;
          }
          fail(
            n.start,
            `expected a field name after \`.\`, found ${describe(n)}`,
            "for a name with other characters, write `steps['my step'].status`",
          );
        }
        if (isPunct(t, '[')) {
          k++;
          const n = peek();
          if (n._tag !== 'string' && !(n._tag === 'number' && Number.isInteger(n.value) && n.value >= 0))
            fail(
              n.start,
              `expected a quoted name or an index inside \`[ ]\`, found ${describe(n)}`,
              "write `steps['build'].status` or `output.items[0]`",
            );
          k++;
          expect(']', t, 'close the index with `]`');
          segments.push({
            key: n._tag === 'string' ? n.value : String((n as { value: number }).value),
            start: n.start,
            end: n.end,
          });
          continue;
        }
        break;
      }
      const last = segments[segments.length - 1]!;
      return { _tag: 'ref', segments, start: head.start, end: tokens[k - 1]!.end ?? last.end };
    };

    const primary = (): Expr => {
      const t = peek();
      switch (t._tag) {
        case 'string':
          k++;
          return { _tag: 'literal', value: t.value, start: t.start, end: t.end };
        case 'number':
          k++;
          return { _tag: 'literal', value: t.value, start: t.start, end: t.end };
        case 'regex': {
          k++;
          const compiled = compileRegex(t.source, t.flags);
          if (compiled._tag === 'refused')
            return fail(t.start + 1 + compiled.offset, compiled.message, compiled.hint);
          return {
            _tag: 'regex',
            source: t.source,
            flags: t.flags,
            program: compiled.program,
            start: t.start,
            end: t.end,
          };
        }
        case 'name': {
          k++;
          if (t.text === 'true' || t.text === 'false')
            return { _tag: 'literal', value: t.text === 'true', start: t.start, end: t.end };
          if (t.text === 'null') return { _tag: 'literal', value: null, start: t.start, end: t.end };
          if (isPunct(peek(), '(')) {
            const open = peek();
            k++;
            deeper(open.start);
            const args: Expr[] = [];
            if (!isPunct(peek(), ')')) {
              for (;;) {
                args.push(or());
                if (isPunct(peek(), ',')) {
                  k++;
                  continue;
                }
                break;
              }
            }
            const close = expect(')', open, 'separate arguments with `,` and close the call with `)`');
            depth--;
            return { _tag: 'call', name: t.text, nameEnd: t.end, args, start: t.start, end: close.end };
          }
          return ref(t);
        }
        case 'punct':
          if (t.text === '(') {
            k++;
            deeper(t.start);
            const inner = or();
            expect(')', t, 'close the parenthesis with `)`');
            depth--;
            return inner;
          }
          return fail(
            t.start,
            `expected a value, found ${describe(t)}`,
            t.text === ')' ? 'remove the extra `)`' : undefined,
          );
        case 'end':
          return fail(t.start, 'the condition ends where a value was expected', 'complete the expression');
      }
    };

    const unary = (): Expr => {
      const t = peek();
      if (isPunct(t, '!')) {
        k++;
        deeper(t.start);
        const operand = unary();
        depth--;
        return { _tag: 'not', operand, start: t.start, end: operand.end };
      }
      return primary();
    };

    const compareLevel = (ops: ReadonlyArray<CompareOp>, inner: () => Expr) => (): Expr => {
      let left = inner();
      for (;;) {
        const t = peek();
        if (t._tag !== 'punct' || !(ops as ReadonlyArray<string>).includes(t.text)) return left;
        k++;
        const right = inner();
        left = {
          _tag: 'compare',
          op: t.text as CompareOp,
          opAt: t.start,
          left,
          right,
          start: left.start,
          end: right.end,
        };
      }
    };
    const relational = compareLevel(['<', '<=', '>', '>='], unary);
    const equality = compareLevel(['==', '!='], relational);

    const and = (): Expr => {
      let left = equality();
      while (isPunct(peek(), '&&')) {
        const op = peek();
        k++;
        const right = equality();
        left = { _tag: 'logic', op: '&&', opAt: op.start, left, right, start: left.start, end: right.end };
      }
      return left;
    };

    function or(): Expr {
      let left = and();
      while (isPunct(peek(), '||')) {
        const op = peek();
        k++;
        const right = and();
        left = { _tag: 'logic', op: '||', opAt: op.start, left, right, start: left.start, end: right.end };
      }
      return left;
    }

    const expr = or();
    const rest = peek();
    if (rest._tag !== 'end')
      fail(
        rest.start,
        `unexpected ${describe(rest)} after a complete expression`,
        rest._tag === 'name' && (rest.text === 'and' || rest.text === 'or')
          ? `write \`${rest.text === 'and' ? '&&' : '||'}\``
          : 'join conditions with `&&` or `||`',
      );
    return { _tag: 'ok', condition: { expr, text: text.slice(from, to).trim() } };
  } catch (e) {
    if (e instanceof Stop) return { _tag: 'error', problem: e.problem };
    if (e instanceof RangeError)
      return {
        _tag: 'error',
        problem: {
          severity: 'error',
          offset: 0,
          message: 'the condition is too complex to read',
          hint: 'simplify it',
        },
      };
    throw e;
  }
};
