// The repository stands alone: a clone placed anywhere runs its tests with nothing beside it. So no
// tracked file reads, imports or links a path that leaves the repository, and none names the team's
// working folder that once sat next to it. The CHANGELOG may tell that history.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

const tracked = (): ReadonlyArray<string> =>
  execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(ROOT, f)));

const TEXT = /\.(?:[cm]?[jt]s|json|md|ya?ml|xsd|sh|txt)$|(?:^|\/)(?:run|\.gitignore|\.prettierignore)$/;
const textFiles = (): ReadonlyArray<string> =>
  tracked().filter((f) => TEXT.test(f) && f !== 'package-lock.json');

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The working folder beside the repository, by any relative route or by its absolute path. */
const TEAM_FOLDER = /(?:\.\.\/)+shared\b|\/work\/shared\b/g;

test('no tracked file names the working folder that sits beside the repository', () => {
  const found: string[] = [];
  for (const f of textFiles()) {
    if (f === 'CHANGELOG.md') continue;
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const m of text.matchAll(TEAM_FOLDER)) found.push(`${f}:${lineOf(text, m.index)}: ${m[0]}`);
  }
  expect(found).toEqual([]);
});

/** Relative paths a file resolves from its own folder: imports, requires, `__dirname` joins, `import.meta.url` URLs, Markdown links. */
const ANCHORED: ReadonlyArray<RegExp> = [
  /\bfrom\s+(['"])(?<p>\.{1,2}\/[^'"]*)\1/g,
  /\b(?:require|import)\(\s*(['"])(?<p>\.{1,2}\/[^'"]*)\1\s*\)/g,
  /\bnew URL\(\s*(['"])(?<p>[^'"]*)\1\s*,\s*import\.meta\.url\s*\)/g,
  /\]\((?<p>\.{1,2}\/[^)\s#]*)/g,
];
/** `path.resolve(__dirname, 'a', '../b')` and `path.join(...)`: the string arguments after `__dirname`, joined. */
const DIRNAME_JOIN =
  /\bpath\.(?:resolve|join)\(\s*(?:__dirname|import\.meta\.dirname)\s*((?:,\s*(['"])[^'"]*\2\s*)+)[,)]/g;

test('every path a tracked file resolves from its own folder stays inside the repository', () => {
  const escapes: string[] = [];
  const check = (file: string, text: string, index: number, relative: string): void => {
    const target = path.resolve(ROOT, path.dirname(file), relative);
    if (path.relative(ROOT, target).startsWith('..'))
      escapes.push(`${file}:${lineOf(text, index)}: ${relative} leaves the repository`);
  };
  for (const f of textFiles()) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const re of ANCHORED) for (const m of text.matchAll(re)) check(f, text, m.index, m.groups!.p!);
    for (const m of text.matchAll(DIRNAME_JOIN)) {
      const parts = [...m[1]!.matchAll(/(['"])([^'"]*)\1/g)].map((a) => a[2]!);
      check(f, text, m.index, path.join(...parts));
    }
  }
  expect(escapes).toEqual([]);
});

test('the checks above see a path that leaves the repository', () => {
  // Put together here, so that this file does not itself hold the call it describes.
  const text = `const c = path.resolve(${'__dirname'}, '..', '..', '..', 'corpus');\n`;
  const parts = [...text.matchAll(DIRNAME_JOIN)].map((m) =>
    [...m[1]!.matchAll(/(['"])([^'"]*)\1/g)].map((a) => a[2]!),
  );
  expect(parts).toEqual([['..', '..', '..', 'corpus']]);
  expect(path.relative(ROOT, path.resolve(ROOT, 'test/mission', ...parts[0]!)).startsWith('..')).toBe(true);
  const beside = ['..', '..', 'shared'].join('/');
  expect(`see ${beside}/x`.match(TEAM_FOLDER)).toEqual([beside]);
});

test('every RustChain corpus mission has its origin and licence in the corpus SOURCES.md', () => {
  const dir = path.join(ROOT, 'test', 'fixtures', 'rustchain-corpus');
  const sources = fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
  const missions = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  expect(missions.length).toBeGreaterThan(0);
  expect(missions.filter((f) => !sources.includes(`| \`${f}\` |`))).toEqual([]);
});
