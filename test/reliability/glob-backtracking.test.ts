// Glob matching stays polynomial: a pattern from a mission file (`files: {include}`, a command's
// `--include`) cannot stall the host by backtracking. The matcher is an automaton run on all its
// states at once; it is checked against a plain RegExp translation of the same syntax (correct, but
// exponential on some patterns) on random small patterns, and its work is counted on the
// pathological ones.
import * as fc from 'fast-check';
import { compileGlob } from '../../src/plan/glob.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20251203);

/** The former matcher: the glob translated to a backtracking RegExp (the reference for meaning). */
const reference = (pattern: string): RegExp => {
  const escapeChar = (c: string): string => (/[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c);
  const classEnd = (p: string, start: number): number => {
    let i = start + 1;
    if (p[i] === '!' || p[i] === '^') i++;
    if (p[i] === ']') i++;
    for (; i < p.length; i++) {
      if (p[i] === '\\') i++;
      else if (p[i] === ']') return i;
    }
    return -1;
  };
  const braceEnd = (p: string, start: number): { end: number; commas: number[] } | undefined => {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < p.length; i++) {
      const c = p[i];
      if (c === '\\') i++;
      else if (c === '[') {
        const e = classEnd(p, i);
        if (e > 0) i = e;
      } else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) return commas.length > 0 ? { end: i, commas } : undefined;
      } else if (c === ',' && depth === 1) commas.push(i);
    }
    return undefined;
  };
  const translate = (p: string): string => {
    let out = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '\\') out += i + 1 < p.length ? escapeChar(p[++i]!) : '\\\\';
      else if (c === '*') {
        if (p[i + 1] === '*' && (i === 0 || p[i - 1] === '/') && (i + 2 === p.length || p[i + 2] === '/')) {
          out += i + 2 === p.length ? '.*' : '(?:[^/]*/)*';
          i += 2;
        } else {
          while (p[i + 1] === '*') i++;
          out += '[^/]*';
        }
      } else if (c === '?') out += '[^/]';
      else if (c === '[') {
        const end = classEnd(p, i);
        if (end < 0) {
          out += '\\[';
          continue;
        }
        let body = p.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        const inner = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += negate ? `[^/${inner}]` : `[${inner}]`;
        i = end;
      } else if (c === '{') {
        const brace = braceEnd(p, i);
        if (brace === undefined) {
          out += '\\{';
          continue;
        }
        const cuts = [i, ...brace.commas, brace.end];
        out += `(?:${cuts
          .slice(1)
          .map((cut, k) => translate(p.slice(cuts[k]! + 1, cut)))
          .join('|')})`;
        i = brace.end;
      } else out += escapeChar(c);
    }
    return out;
  };
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return new RegExp(`^${translate(p)}$`, 's');
};

const referenceTest = (pattern: string, path: string): boolean => {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const re = reference(pattern);
  return p.includes('/')
    ? re.test(path.replace(/^(\.\/|\/)+/, ''))
    : re.test(path.slice(path.lastIndexOf('/') + 1));
};

/** The most work a match may cost: two visits per automaton state per position (states ≤ 2 × pattern + 1). */
const bound = (pattern: string, path: string): number => 2 * (path.length + 1) * (2 * pattern.length + 1);

const counted = (pattern: string, path: string): { matched: boolean; steps: number } => {
  const count = { steps: 0 };
  const matched = compileGlob(pattern).test(path, count);
  return { matched, steps: count.steps };
};

describe('glob matching cannot backtrack', () => {
  const as = 'a'.repeat(40);

  it.each([
    ['*a*a*a*a*a*a*a*a*a*a*b', as, false],
    ['*a*a*a*a*a*a*a*a*a*a*b', `${as}b`, true],
    ['*a*a*a*a*a*a*a*a*a*a*a', as, true],
    ['**/*a*a*a*a*a*a*a*a*a*a*b', `x/y/${as}`, false],
    [`${'*a'.repeat(30)}*b`, 'a'.repeat(200), false],
    [`${'{a,aa}'.repeat(20)}b`, 'a'.repeat(60), false],
    [`${'{a,aa}'.repeat(20)}`, 'a'.repeat(30), true],
    [`${'**/'.repeat(15)}b`, `${'a/'.repeat(40)}c`, false],
    [`x/${'**/*a'.repeat(10)}/b`, `x/${'a/'.repeat(30)}c`, false],
    [`${'?*'.repeat(25)}!`, 'a'.repeat(100), false],
  ])('%s against a pathological path (case %#): right answer, bounded work', (pattern, path, expected) => {
    const { matched, steps } = counted(pattern, path);
    expect(matched).toBe(expected);
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThanOrEqual(bound(pattern, path));
  });

  it('means what the RegExp translation of the same glob means, on random patterns and paths', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      '.',
      '/',
      '*',
      '**',
      '**/',
      '?',
      '[ab]',
      '[!a]',
      '[a-b]',
      '\\*',
      '{a,b/}',
      '{,a*}',
      '{a,{b,}}',
      '[',
      '{',
    );
    const pattern = fc.array(piece, { maxLength: 7 }).map((ps) => ps.join(''));
    const path = fc
      .array(fc.constantFrom('a', 'b', '.', '/', '*', '['), { maxLength: 10 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, path, (p, s) => {
        const { matched, steps } = counted(p, s);
        expect(matched).toBe(referenceTest(p, s));
        expect(steps).toBeLessThanOrEqual(bound(p, s));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
});
