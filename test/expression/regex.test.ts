// `matches(text, /re/)`: the pattern subset agrees with JavaScript's RegExp where both apply, and
// no pattern can make a condition take exponential time.
import fc from 'fast-check';
import { compileRegex, regexTest } from '../../src/expression/regex';

const test1 = (pattern: string, text: string, flags = ''): boolean => {
  const c = compileRegex(pattern, flags);
  if (c._tag !== 'ok') throw new Error(`refused ${pattern}: ${c.message}`);
  return regexTest(c.program, text);
};

describe('the regular expression subset', () => {
  test.each([
    ['^v\\d+\\.\\d+\\.\\d+$', 'v1.22.3', true],
    ['^v\\d+\\.\\d+\\.\\d+$', 'v1.22', false],
    ['release/.*', 'refs/heads/release/2.0', true],
    ['^(main|master)$', 'master', true],
    ['^(main|master)$', 'mainline', false],
    ['[^a-z]', 'abc', false],
    ['[^a-z]', 'abC', true],
    ['a{2,3}', 'xaax', true],
    ['^a{2,3}$', 'aaaa', false],
    ['colou?r', 'color', true],
    ['\\s+error:', 'x   error: y', true],
    ['(?:ab)+c', 'ababc', true],
    ['^$', '', true],
    ['a.c', 'a\nc', false],
    ['[\\d-]+', '12-3', true],
    ['(?<year>\\d{4})', 'in 2024', true],
  ])('/%s/ on %j is %s', (pattern, text, expected) => {
    expect(test1(pattern, text)).toBe(expected);
    expect(new RegExp(pattern).test(text)).toBe(expected);
  });

  test('the i flag ignores case', () => {
    expect(test1('^MAIN$', 'main', 'i')).toBe(true);
    expect(test1('[A-Z]+', '123', 'i')).toBe(false);
  });

  test.each([
    ['(a)\\1', 'back-references'],
    ['(?=a)', 'look-ahead'],
    ['(?<!a)b', 'look-ahead and look-behind'],
    ['\\bword', 'word boundary'],
    ['a{5000}', 'above 1000'],
    ['(a', 'never closed'],
    ['a)', 'unmatched'],
    ['*a', 'repeats nothing'],
    ['[z-a]', 'out of order'],
    ['\\q', 'unknown escape'],
    ['(((a{1000}){1000}){1000})', 'too large'],
  ])('/%s/ is refused: %s', (pattern, message) => {
    const c = compileRegex(pattern, '');
    expect(c).toMatchObject({ _tag: 'refused', message: expect.stringContaining(message) });
  });

  test('agrees with RegExp on random patterns of the subset', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', 'x');
    const pattern: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
      p: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.tuple(tie('p'), tie('p')).map(([a, b]) => a + b),
        fc.tuple(tie('p'), tie('p')).map(([a, b]) => `(?:${a}|${b})`),
        fc
          .tuple(tie('p'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}'))
          .map(([a, q]) => `(?:${a})${q}`),
      ),
    })).p;
    const anchored = fc
      .tuple(fc.boolean(), pattern, fc.boolean())
      .map(([s, p, e]) => `${s ? '^' : ''}${p}${e ? '$' : ''}`);
    const text = fc
      .array(fc.constantFrom('a', 'b', 'x', '1', ' ', '\n'), { maxLength: 12 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(anchored, text, fc.boolean(), (p, t, i) => {
        expect(test1(p, t, i ? 'i' : '')).toBe(new RegExp(p, i ? 'i' : '').test(t));
      }),
      { numRuns: 2000 },
    );
  });

  test('an evil pattern runs in linear time: /(a+)+$/ on 20,000 a-s and a b', () => {
    // A backtracking engine needs 2^n steps here; the automaton needs n × pattern size.
    const text = `${'a'.repeat(20_000)}b`;
    for (const evil of ['(a+)+$', '(a|a)*$', '(a*)*b$', '^(a|aa)+$', '(.*a){12}$'])
      // The verdict does not depend on the length: RegExp gives it on a short text it still manages.
      expect([evil, test1(evil, text)]).toEqual([evil, new RegExp(evil).test(`${'a'.repeat(12)}b`)]);
  });
});
