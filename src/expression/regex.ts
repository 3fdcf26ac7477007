// The regular expressions of `matches(text, /re/)`: a subset of JavaScript's syntax run by an NFA
// simulation (Thompson's construction), so matching takes time linear in the text times the
// pattern's size whatever the pattern — `/(a+)+$/` cannot backtrack catastrophically because
// nothing backtracks. What would need backtracking (back-references, look-around) is refused
// when the mission loads.

/** One instruction of a compiled pattern. */
type Inst =
  | { readonly op: 'set'; readonly ranges: ReadonlyArray<number>; readonly negate: boolean }
  | { readonly op: 'any' }
  | { readonly op: 'split'; readonly x: number; readonly y: number }
  | { readonly op: 'jmp'; readonly x: number }
  | { readonly op: 'bol' }
  | { readonly op: 'eol' }
  | { readonly op: 'match' };

/** A compiled pattern: instructions and whether case is ignored. */
export interface RegexProgram {
  readonly insts: ReadonlyArray<Inst>;
  readonly ignoreCase: boolean;
}

/** Why a pattern was refused: the offset inside the pattern, and what to do. */
export interface RegexProblem {
  readonly offset: number;
  readonly message: string;
  readonly hint?: string;
}

/** Patterns grow with repeat counts (`a{1000}` is 1000 instructions); beyond this they are refused. */
export const MAX_REGEX_INSTRUCTIONS = 10_000;
const MAX_REPEAT = 1000;

type Node =
  | { readonly t: 'set'; readonly ranges: ReadonlyArray<number>; readonly negate: boolean }
  | { readonly t: 'any' }
  | { readonly t: 'bol' }
  | { readonly t: 'eol' }
  | { readonly t: 'cat'; readonly items: ReadonlyArray<Node> }
  | { readonly t: 'alt'; readonly items: ReadonlyArray<Node> }
  | { readonly t: 'rep'; readonly node: Node; readonly min: number; readonly max: number };

class Refused extends Error {
  constructor(
    readonly offset: number,
    readonly why: string,
    readonly hint?: string,
  ) {
    super(why);
  }
}

const DIGIT = [48, 57];
const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE = [
  9, 13, 32, 32, 160, 160, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];

/** The complement of sorted, non-overlapping ranges over UTF-16 code units. */
const complement = (ranges: ReadonlyArray<number>): number[] => {
  const sorted: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i += 2) sorted.push([ranges[i]!, ranges[i + 1]!]);
  sorted.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push(next, lo - 1);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
};

const single = (c: number): number[] => [c, c];

/** Parses a pattern into a tree; throws `Refused` with an offset inside the pattern. */
const parsePattern = (src: string): Node => {
  let i = 0;
  let depth = 0;
  const peek = (): string | undefined => src[i];

  /** An escape after `\` (at i-1): a class's ranges, or one character. */
  const escape = (inClass: boolean): number[] => {
    const at = i - 1;
    const c = src[i];
    if (c === undefined)
      throw new Refused(at, 'the pattern ends with a lone `\\`', 'write `\\\\` for a backslash');
    i++;
    switch (c) {
      case 'd':
        return [...DIGIT];
      case 'D':
        return complement(DIGIT);
      case 'w':
        return [...WORD];
      case 'W':
        return complement(WORD);
      case 's':
        return [...SPACE];
      case 'S':
        return complement(SPACE);
      case 'n':
        return single(10);
      case 'r':
        return single(13);
      case 't':
        return single(9);
      case 'f':
        return single(12);
      case 'v':
        return single(11);
      case '0':
        return single(0);
      case 'x':
      case 'u': {
        const n = c === 'x' ? 2 : 4;
        const hex = src.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
          throw new Refused(at, `\`\\${c}\` needs ${n} hexadecimal digits`);
        i += n;
        return single(parseInt(hex, 16));
      }
      case 'b':
      case 'B':
        if (inClass && c === 'b') return single(8);
        throw new Refused(
          at,
          `\`\\${c}\` (a word boundary) is not supported in conditions`,
          'match the characters around it instead, e.g. `(^|\\W)word($|\\W)`',
        );
      default:
        if (/[1-9]/.test(c))
          throw new Refused(
            at,
            'back-references are not supported in conditions (they need backtracking)',
            "repeat the group's pattern instead",
          );
        if (/[A-Za-z]/.test(c))
          throw new Refused(
            at,
            `unknown escape \`\\${c}\``,
            'escape only punctuation, or use \\d \\w \\s \\n \\t',
          );
        return single(c.charCodeAt(0));
    }
  };

  const charClass = (): Node => {
    // At i: just after `[`.
    const start = i - 1;
    let negate = false;
    if (peek() === '^') {
      negate = true;
      i++;
    }
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      const c = src[i];
      if (c === undefined) throw new Refused(start, 'the character class `[` is never closed', 'add `]`');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      i++;
      const lo = c === '\\' ? escape(true) : single(c.charCodeAt(0));
      if (
        src[i] === '-' &&
        src[i + 1] !== undefined &&
        src[i + 1] !== ']' &&
        lo.length === 2 &&
        lo[0] === lo[1]
      ) {
        const dash = i;
        i++;
        const d = src[i]!;
        i++;
        const hi = d === '\\' ? escape(true) : single(d.charCodeAt(0));
        if (hi.length !== 2 || hi[0] !== hi[1])
          throw new Refused(dash, 'a range cannot end in a class such as `\\d`');
        if (hi[0]! < lo[0]!)
          throw new Refused(dash, `the range \`${src.slice(dash - 1, i)}\` is out of order`);
        ranges.push(lo[0]!, hi[0]!);
      } else ranges.push(...lo);
    }
    return { t: 'set', ranges, negate };
  };

  const atom = (): Node => {
    const at = i;
    const c = src[i]!;
    i++;
    switch (c) {
      case '.':
        return { t: 'any' };
      case '^':
        return { t: 'bol' };
      case '$':
        return { t: 'eol' };
      case '[':
        return charClass();
      case '\\': {
        const r = escape(false);
        return { t: 'set', ranges: r, negate: false };
      }
      case '(': {
        if (src.startsWith('?:', i)) i += 2;
        else if (src.startsWith('?<', i) && src[i + 2] !== '=' && src[i + 2] !== '!') {
          const close = src.indexOf('>', i);
          if (close < 0) throw new Refused(at, 'the group name is never closed', 'add `>`');
          i = close + 1;
        } else if (src[i] === '?')
          throw new Refused(
            at,
            'look-ahead and look-behind are not supported in conditions (they need backtracking)',
            'combine two conditions with && and !matches(…) instead',
          );
        depth++;
        if (depth > 100) throw new Refused(at, 'the pattern nests groups too deeply');
        const inner = alternation();
        depth--;
        if (src[i] !== ')') throw new Refused(at, 'the group `(` is never closed', 'add `)`');
        i++;
        return inner;
      }
      case ')':
        throw new Refused(at, 'unmatched `)`', 'escape it as `\\)` to match a parenthesis');
      case '*':
      case '+':
      case '?':
        throw new Refused(at, `\`${c}\` repeats nothing`, `escape it as \`\\${c}\` to match the character`);
      case '{':
        if (/^\{\d+(,\d*)?\}/.test(src.slice(at)))
          throw new Refused(at, '`{…}` repeats nothing', 'escape it as `\\{` to match a brace');
        return { t: 'set', ranges: single(123), negate: false };
      default:
        return { t: 'set', ranges: single(c.charCodeAt(0)), negate: false };
    }
  };

  const quantified = (): Node => {
    let node = atom();
    for (;;) {
      const at = i;
      const c = src[i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(src.slice(i));
        if (m === null) return node;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
          throw new Refused(
            at,
            `repeat counts above ${MAX_REPEAT} are not supported`,
            'use `+` or `*` for "many"',
          );
        if (max < min) throw new Refused(at, `\`${m[0]}\` has its numbers out of order`);
        i += m[0].length - 1;
      } else return node;
      i++;
      // A lazy `?` changes which match is found, never whether one is: a condition only asks whether.
      if (src[i] === '?') i++;
      if (node.t === 'bol' || node.t === 'eol') throw new Refused(at, 'an anchor cannot be repeated');
      node = { t: 'rep', node, min, max };
    }
  };

  const sequence = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') items.push(quantified());
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  };

  const alternation = (): Node => {
    const items: Node[] = [sequence()];
    while (src[i] === '|') {
      i++;
      items.push(sequence());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  };

  const node = alternation();
  if (i < src.length) throw new Refused(i, 'unmatched `)`', 'escape it as `\\)` to match a parenthesis');
  return node;
};

type MutableInst = Inst | { op: 'split'; x: number; y: number } | { op: 'jmp'; x: number };

const compileNode = (node: Node, out: MutableInst[]): void => {
  if (out.length > MAX_REGEX_INSTRUCTIONS)
    throw new Refused(0, 'the pattern is too large', 'lower its repeat counts');
  switch (node.t) {
    case 'set':
      out.push({ op: 'set', ranges: node.ranges, negate: node.negate });
      return;
    case 'any':
      out.push({ op: 'any' });
      return;
    case 'bol':
      out.push({ op: 'bol' });
      return;
    case 'eol':
      out.push({ op: 'eol' });
      return;
    case 'cat':
      for (const n of node.items) compileNode(n, out);
      return;
    case 'alt': {
      const jumps: Array<{ op: 'jmp'; x: number }> = [];
      for (let k = 0; k < node.items.length; k++) {
        if (k < node.items.length - 1) {
          const split = { op: 'split' as const, x: out.length + 1, y: 0 };
          out.push(split);
          compileNode(node.items[k]!, out);
          const jmp = { op: 'jmp' as const, x: 0 };
          out.push(jmp);
          jumps.push(jmp);
          split.y = out.length;
        } else compileNode(node.items[k]!, out);
      }
      for (const j of jumps) j.x = out.length;
      return;
    }
    case 'rep': {
      for (let k = 0; k < node.min; k++) compileNode(node.node, out);
      if (node.max === Infinity) {
        const split = { op: 'split' as const, x: out.length + 1, y: 0 };
        const loop = out.length;
        out.push(split);
        compileNode(node.node, out);
        out.push({ op: 'jmp', x: loop });
        split.y = out.length;
        return;
      }
      const splits: Array<{ op: 'split'; x: number; y: number }> = [];
      for (let k = node.min; k < node.max; k++) {
        const split = { op: 'split' as const, x: out.length + 1, y: 0 };
        out.push(split);
        splits.push(split);
        compileNode(node.node, out);
      }
      for (const s of splits) s.y = out.length;
      return;
    }
  }
};

/** Compiles a pattern with its flags (`i` only), or says why not (offset inside the pattern). */
export const compileRegex = (
  source: string,
  flags: string,
):
  { readonly _tag: 'ok'; readonly program: RegexProgram } | ({ readonly _tag: 'refused' } & RegexProblem) => {
  for (let k = 0; k < flags.length; k++)
    if (flags[k] !== 'i')
      return {
        _tag: 'refused',
        offset: source.length + 1 + k,
        message: `the regular expression flag \`${flags[k]}\` is not supported`,
        hint: 'only `i` (ignore case) is: `/main/i`',
      };
  try {
    const out: MutableInst[] = [];
    compileNode(parsePattern(source), out);
    out.push({ op: 'match' });
    if (out.length > MAX_REGEX_INSTRUCTIONS)
      throw new Refused(0, 'the pattern is too large', 'lower its repeat counts');
    return { _tag: 'ok', program: { insts: out, ignoreCase: flags.includes('i') } };
  } catch (e) {
    if (e instanceof Refused)
      return {
        _tag: 'refused',
        offset: e.offset,
        message: e.why,
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
      };
    throw e;
  }
};

const inRanges = (ranges: ReadonlyArray<number>, c: number): boolean => {
  for (let k = 0; k < ranges.length; k += 2) if (c >= ranges[k]! && c <= ranges[k + 1]!) return true;
  return false;
};

const lower = (c: number): number => String.fromCharCode(c).toLowerCase().charCodeAt(0);
const upper = (c: number): number => String.fromCharCode(c).toUpperCase().charCodeAt(0);

const accepts = (inst: Inst, c: number, ignoreCase: boolean): boolean => {
  if (inst.op === 'any') return c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029;
  if (inst.op !== 'set') return false;
  const hit =
    inRanges(inst.ranges, c) ||
    (ignoreCase && (inRanges(inst.ranges, lower(c)) || inRanges(inst.ranges, upper(c))));
  return hit !== inst.negate;
};

/** Whether the pattern matches anywhere in `text`. Time: O(text length × instructions); no backtracking. */
export const regexTest = (program: RegexProgram, text: string): boolean => {
  const insts = program.insts;
  const n = insts.length;
  const mark = new Float64Array(n).fill(-1);
  const stack = new Int32Array(2 * n + 2);
  let cur = new Int32Array(n);
  let next = new Int32Array(n);
  let curLen = 0;
  let nextLen = 0;
  const len = text.length;
  // Adds `pc` and everything reachable from it without reading a character, at position `pos`.
  const add = (list: Int32Array, count: number, pc: number, pos: number): number => {
    let sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
      const p = stack[--sp]!;
      if (mark[p] === pos) continue;
      mark[p] = pos;
      const inst = insts[p]!;
      switch (inst.op) {
        case 'jmp':
          stack[sp++] = inst.x;
          break;
        case 'split':
          stack[sp++] = inst.y;
          stack[sp++] = inst.x;
          break;
        case 'bol':
          if (pos === 0) stack[sp++] = p + 1;
          break;
        case 'eol':
          if (pos === len) stack[sp++] = p + 1;
          break;
        case 'match':
          return -1;
        default:
          list[count++] = p;
      }
    }
    return count;
  };
  for (let pos = 0; pos <= len; pos++) {
    // Unanchored: a match may start at every position.
    const started = add(cur, curLen, 0, pos);
    if (started < 0) return true;
    curLen = started;
    if (pos === len) break;
    const c = text.charCodeAt(pos);
    nextLen = 0;
    for (let k = 0; k < curLen; k++) {
      const p = cur[k]!;
      if (accepts(insts[p]!, c, program.ignoreCase)) {
        const added = add(next, nextLen, p + 1, pos + 1);
        if (added < 0) return true;
        nextLen = added;
      }
    }
    [cur, next] = [next, cur];
    curLen = nextLen;
  }
  return false;
};
