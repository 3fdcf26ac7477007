// Tokens of an `if:` expression. There is no arithmetic, so `-` belongs to numbers and names
// (step ids such as `run-tests`), and `/` can only start a regular expression.

/** One token, with its offset in the `if:` text. */
export type Token =
  | { readonly _tag: 'name'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly _tag: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly _tag: 'number'; readonly value: number; readonly start: number; readonly end: number }
  | {
      readonly _tag: 'regex';
      readonly source: string;
      readonly flags: string;
      readonly start: number;
      readonly end: number;
    }
  | { readonly _tag: 'punct'; readonly text: Punct; readonly start: number; readonly end: number }
  | { readonly _tag: 'end'; readonly start: number; readonly end: number };

/** Operators and punctuation. */
export type Punct =
  '==' | '!=' | '<=' | '>=' | '<' | '>' | '&&' | '||' | '!' | '(' | ')' | ',' | '.' | '[' | ']';

/** A token that could not be read. */
export interface LexProblem {
  readonly offset: number;
  readonly message: string;
  readonly hint?: string;
}

const PUNCT2 = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const PUNCT1 = new Set(['<', '>', '!', '(', ')', ',', '.', '[', ']']);
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_-]/;

/** Reads the tokens of `text[from, to)`; offsets stay those of the whole text. */
export const lex = (
  text: string,
  from: number,
  to: number,
):
  | { readonly _tag: 'ok'; readonly tokens: ReadonlyArray<Token> }
  | ({ readonly _tag: 'error' } & LexProblem) => {
  const tokens: Token[] = [];
  let i = from;
  // A `/` starts a regular expression where an operand may start (there is no division).
  const operandMayStart = (): boolean => {
    const last = tokens[tokens.length - 1];
    return last === undefined || (last._tag === 'punct' && last.text !== ')' && last.text !== ']');
  };
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    const two = text.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      tokens.push({ _tag: 'punct', text: two as Punct, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '=')
      return {
        _tag: 'error',
        offset: i,
        message: 'a single `=` is not an operator',
        hint: 'compare with `==`',
      };
    if (c === '&' || c === '|')
      return {
        _tag: 'error',
        offset: i,
        message: `a single \`${c}\` is not an operator`,
        hint: `write \`${c}${c}\``,
      };
    if (PUNCT1.has(c)) {
      tokens.push({ _tag: 'punct', text: c as Punct, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      // A quote inside is doubled (`'it''s'`), as in GitHub's expressions and YAML's single quotes.
      let value = '';
      i++;
      for (;;) {
        if (i >= to)
          return {
            _tag: 'error',
            offset: start,
            message: 'this string is never closed',
            hint: `end it with ${c}`,
          };
        if (text[i] === c) {
          if (text[i + 1] === c && i + 1 < to) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ _tag: 'string', value, start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const m = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, to));
      const written = m?.[0] ?? c;
      const after = text[i + written.length];
      if (m === null || (after !== undefined && i + written.length < to && NAME_PART.test(after)))
        return {
          _tag: 'error',
          offset: start,
          message: `\`${text.slice(i, Math.min(to, i + 20)).split(/[\s)(,]/)[0]}\` is not a number`,
          hint: "quote text: '1.2.3'",
        };
      tokens.push({ _tag: 'number', value: Number(written), start, end: i + written.length });
      i += written.length;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < to && NAME_PART.test(text[j]!)) j++;
      tokens.push({ _tag: 'name', text: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    if (c === '/' && operandMayStart()) {
      let j = i + 1;
      let inClass = false;
      for (;;) {
        if (j >= to || text[j] === '\n')
          return {
            _tag: 'error',
            offset: start,
            message: 'this regular expression is never closed',
            hint: 'end it with `/`',
          };
        const d = text[j]!;
        if (d === '\\') j += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          j++;
        }
      }
      const source = text.slice(i + 1, j);
      let k = j + 1;
      while (k < to && /[A-Za-z]/.test(text[k]!)) k++;
      tokens.push({ _tag: 'regex', source, flags: text.slice(j + 1, k), start, end: k });
      i = k;
      continue;
    }
    if (c === '{' && text[i + 1] === '{')
      return {
        _tag: 'error',
        offset: i,
        message: '`{{ … }}` templates are not used inside a condition',
        hint: "write the reference itself: `variables.branch == 'main'` (or wrap the whole condition in `${{ … }}`)",
      };
    if (c === '$' && text[i + 1] === '{')
      return {
        _tag: 'error',
        offset: i,
        message: '`${{` must wrap the whole condition',
        hint: 'write `${{ a && b }}`, or leave the wrapper out',
      };
    return {
      _tag: 'error',
      offset: i,
      message: `unexpected character \`${c}\``,
      hint: c === '+' || c === '*' || c === '%' ? 'conditions have no arithmetic' : "quote text with '…'",
    };
  }
  tokens.push({ _tag: 'end', start: to, end: to });
  return { _tag: 'ok', tokens };
};
