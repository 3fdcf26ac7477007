// The glob matcher used for file sets and for what commands skip.
import { caseInsensitiveGlob, compileGlob, globBase, matchesGlob } from '../../src/plan/glob.js';
import { compileFilter, describeFilter } from '../../src/plan/file-filter.js';

describe('matchesGlob', () => {
  test.each([
    ['*.go', 'main.go', true],
    ['*.go', 'src/deep/main.go', true],
    ['*.go', './src/main.go', true],
    ['*.go', 'main.go.bak', false],
    ['*', '.env', true],
    ['?.md', 'a.md', true],
    ['?.md', 'ab.md', false],
    ['[abc].txt', 'b.txt', true],
    ['[!abc].txt', 'b.txt', false],
    ['[^abc].txt', 'd.txt', true],
    ['[a-c]*.log', 'app.log', true],
    ['*.{go,md}', 'x.md', true],
    ['*.{go,md}', 'x.rs', false],
    ['{src,lib}/**/*.ts', 'lib/a/b/c.ts', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'test/a.ts', false],
    ['src/*.ts', 'src/a/b.ts', false],
    ['**/node_modules/**', 'a/node_modules/x/y.js', true],
    ['./src/*.ts', 'src/a.ts', true],
    ['/abs/*.log', '/abs/x.log', true],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['file[.txt', 'file[.txt', true],
    ['a{b', 'a{b', true],
    ['a+b(c).txt', 'a+b(c).txt', true],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(matchesGlob(glob, path)).toBe(expected);
  });

  test('a pattern without / matches base names; with / the whole relative path', () => {
    expect(compileGlob('*.go').basename).toBe(true);
    expect(compileGlob('src/*.go').basename).toBe(false);
  });

  test('globBase is the fixed directory a pattern lies under', () => {
    expect(globBase('src/**/*.go')).toBe('src');
    expect(globBase('./src/lib/*.go')).toBe('src/lib');
    expect(globBase('*.go')).toBe('');
    expect(globBase('{a,b}/*.go')).toBe('');
  });

  test("caseInsensitiveGlob turns find's -iname into a case-sensitive glob", () => {
    expect(caseInsensitiveGlob('*.GO')).toBe('*.[gG][oO]');
    expect(matchesGlob(caseInsensitiveGlob('*.Md'), 'README.MD')).toBe(true);
    expect(caseInsensitiveGlob('[ab]x')).toBe('[ab][xX]');
  });
});

describe('file filters', () => {
  test('include is any-of, exclude drops, exclude_dirs prunes', () => {
    const f = compileFilter({ include: ['*.go', '*.md'], exclude: ['*_test.go'], exclude_dirs: ['vendor'] });
    expect(f.file('./a/main.go')).toBe(true);
    expect(f.file('./a/main_test.go')).toBe(false);
    expect(f.file('./a/main.rs')).toBe(false);
    expect(f.directory('./vendor')).toBe(false);
    expect(f.directory('./src/vendor')).toBe(false);
    expect(f.directory('./src')).toBe(true);
  });

  test('an exclude ending in /** also prunes its directory', () => {
    const f = compileFilter({ include: [], exclude: ['build/**'], exclude_dirs: [] });
    expect(f.directory('build')).toBe(false);
    expect(f.directory('./build')).toBe(false);
    expect(f.file('build/out.js')).toBe(false);
    expect(f.file('src/out.js')).toBe(true);
  });

  test('describeFilter says what is kept and skipped', () => {
    expect(describeFilter({ include: ['*.go'], exclude: ['*.pb.go'], exclude_dirs: ['vendor'] })).toBe(
      '*.go; not *.pb.go, vendor/',
    );
  });
});
