// Chunking a file set, placing each chunk in the arguments, combining exit codes, reading statuses.
import {
  argsForChunk,
  argumentCost,
  argumentLimit,
  chunkFiles,
  fixedCost,
  placementOf,
} from '../../src/plan/chunks.js';
import { commandReads } from '../../src/plan/command-reads.js';
import { combineExitCodes } from '../../src/plan/exit-status.js';
import { osOf } from '../../src/plan/platform.js';
import { readHttpStatus } from '../../src/plan/status-from-output.js';

const linux = osOf('linux');
const windows = osOf('win32');
const files = (n: number, prefix = './f'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}.go`);

describe('chunkFiles', () => {
  test('splits by count, keeping file order', () => {
    const chunks = chunkFiles(files(250), 100, Infinity, linux);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(files(250));
  });

  test('splits by the command-line budget when files are long', () => {
    const long = files(10, `./${'d'.repeat(1000)}/`);
    const cost = argumentCost(long[0]!, linux);
    expect(cost).toBe(long[0]!.length + 1 + 8);
    const chunks = chunkFiles(long, 100, cost * 3 + 1, linux);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
  });

  test('a file longer than the whole budget still gets a chunk of its own', () => {
    expect(chunkFiles(['x'.repeat(50), 'y'], 10, 20, linux).map((c) => c.length)).toEqual([1, 1]);
  });

  test('counts UTF-8 bytes on Unix and characters with quotes on Windows', () => {
    expect(argumentCost('é', linux)).toBe(2 + 9);
    expect(argumentCost('😀', linux)).toBe(4 + 9);
    expect(argumentCost('é', windows)).toBe(1 + 3);
    expect(argumentLimit(linux).size).toBe(131_072);
    expect(argumentLimit(windows).size).toBe(32_000);
  });

  test('100,000 files of 40 bytes fit 100 to a chunk on every platform', () => {
    const many = files(100_000, './src/some/package/dir/');
    expect(chunkFiles(many, 100, argumentLimit(windows).size, windows)).toHaveLength(1_000);
  });
});

describe('placing a chunk', () => {
  const fix1 = ['.', '-name', '*.go', '-o', '-name', '*.md', '-exec', 'grep', '-l', 'X', '{}', ';'];

  test('a chunk replaces the command’s path operands (find)', () => {
    const p = placementOf(fix1, commandReads('find', fix1));
    expect(p).toEqual({ _tag: 'operands', indices: [0] });
    expect(argsForChunk(fix1, p as never, ['./a.go', './b.md'], [])).toEqual([
      './a.go',
      './b.md',
      ...fix1.slice(1),
    ]);
  });

  test('grep gets -H so one file per chunk still prints its name', () => {
    const args = ['-r', 'API_KEY', '.', '--include=*.go'];
    const r = commandReads('grep', args);
    const p = placementOf(args, r);
    expect(argsForChunk(args, p as never, ['./x.go'], r.chunk_flags)).toEqual([
      '-H',
      '-r',
      'API_KEY',
      './x.go',
      '--include=*.go',
    ]);
  });

  test('`{files}` receives the chunk, one argument each', () => {
    const args = ['--check', '{files}', '--verbose'];
    const p = placementOf(args, commandReads('mytool', args));
    expect(p).toEqual({ _tag: 'placeholder', index: 1 });
    expect(argsForChunk(args, p as never, ['a', 'b'], [])).toEqual(['--check', 'a', 'b', '--verbose']);
  });

  test('no operand and no placeholder: find inserts before its expression, others append', () => {
    const find = ['-name', '*.go'];
    const p = placementOf(find, commandReads('find', find));
    expect(argsForChunk(find, p as never, ['./a.go'], [])).toEqual(['./a.go', '-name', '*.go']);
    const wc = ['-l'];
    const q = placementOf(wc, { ...commandReads('wc', wc), operands: [] });
    expect(argsForChunk(wc, q as never, ['a', 'b'], [])).toEqual(['-l', 'a', 'b']);
  });

  test('a `{files}` inside a longer argument, or twice, is refused with a hint', () => {
    expect(placementOf(['--in={files}'], commandReads('x', []))).toMatchObject({ _tag: 'error' });
    expect(placementOf(['{files}', '{files}'], commandReads('x', []))).toMatchObject({ _tag: 'error' });
  });

  test('fixedCost counts everything but the files', () => {
    const p = placementOf(fix1, commandReads('find', fix1));
    const expected = ['find', ...fix1.slice(1)].reduce((n, a) => n + argumentCost(a, linux), 0);
    expect(fixedCost('find', fix1, p as never, [], linux)).toBe(expected);
  });
});

describe('combineExitCodes', () => {
  test.each([
    ['grep', [1, 0, 1], 0],
    ['grep', [1, 1, 1], 1],
    ['grep', [0, 2, 1], 2],
    ['grep', [], 1],
    ['rg', [1, 0], 0],
    ['find', [0, 0], 0],
    ['find', [0, 1, 0], 1],
    ['wc', [0, 3, 1], 3],
    ['wc', [], 0],
  ])('%s %j → %d', (command, codes, code) => {
    expect(combineExitCodes(command, codes).code).toBe(code);
  });
});

describe('readHttpStatus', () => {
  test.each([
    ['200\n', 200],
    ['{"ok":true}429\n', 429],
    ['body ending in digits 12345401', 401],
    ['line\n503  \n', 503],
    ['000\n', 0],
    ['no status', undefined],
    ['42\n', undefined],
    ['999', undefined],
    ['', undefined],
  ])('%j → %s', (text, status) => {
    expect(readHttpStatus(text)).toBe(status);
  });
});
