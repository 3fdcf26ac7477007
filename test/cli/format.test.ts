// How quantities and terminal text are written: durations, sizes, and lines cut to a width.
import { bytes, duration, elapsed } from '../../src/cli/format.js';
import { displayWidth, fitWidth, plainText } from '../../src/cli/terminal-text.js';

describe('durations and sizes', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [10_000, '10 s'],
    [12_345, '12.3 s'],
    [60_000, '1 min'],
    [245_000, '4 min 05 s'],
    [7_380_000, '2 h 03 min'],
  ])('duration(%d) is %s', (ms, text) => expect(duration(ms)).toBe(text));

  it.each([
    [400, '0.4s'],
    [59_950, '60.0s'],
    [245_000, '4m05s'],
    [7_380_000, '2h03m'],
  ])('elapsed(%d) is %s', (ms, text) => expect(elapsed(ms)).toBe(text));

  it.each([
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 2, '5.0 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
  ])('bytes(%d) is %s', (n, text) => expect(bytes(n)).toBe(text));
});

describe('terminal text', () => {
  it('removes escape sequences and control characters, keeping the text', () => {
    expect(plainText('\u001b[1;31mred\u001b[0m\ttab\r\u0007bell\u001b]0;title\u0007!')).toBe('red tab bell!');
  });

  it('measures wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🚀')).toBe(2);
  });

  it('cuts to a width with an ellipsis, never splitting a wide character over the edge', () => {
    expect(fitWidth('hello world', 20)).toBe('hello world');
    expect(fitWidth('hello world', 8)).toBe('hello w…');
    expect(fitWidth('日本語のテキスト', 6)).toBe('日本…');
    expect(displayWidth(fitWidth('日本語のテキスト', 6))).toBeLessThanOrEqual(6);
    expect(fitWidth('anything', 0)).toBe('');
  });
});
