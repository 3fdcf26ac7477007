// Docs that work when copied. Every TypeScript block in the README and docs/*.md type-checks as
// written against the package's own types (as if `missionkit` were installed: the import names
// resolve to src/), each block a module of its own; every YAML block is a whole mission that
// validates without a warning and runs with the test kit (steps scripted, so running is safe).
// A block that is only part of something is marked as a fragment (see doc-blocks.ts) and skipped
// here by name, so skipping is always a visible choice. TypeScript excerpts of examples/ files are
// checked word for word by examples.test.ts.
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import ts from 'typescript';
import { parseMission } from '../../src/mission/parse.js';
import { okHttp } from './ok-http.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { docBlocks, docPages, REPO, where, type DocBlock } from './doc-blocks';

const all = docPages().flatMap(docBlocks);
const checked = (kind: DocBlock['kind']): ReadonlyArray<DocBlock> =>
  all.filter((b) => b.kind === kind && !b.fragment);
/** `// examples/<file> (excerpt)` blocks: examples.test.ts matches them against the file. */
const EXCERPT = /^\/\/ examples\/\S+ \(excerpt\)\n/;

test('finds the pages and their blocks', () => {
  expect(docPages()).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/mission-format.md']));
  expect(checked('typescript').length).toBeGreaterThan(10);
  expect(checked('yaml').length).toBeGreaterThan(10);
});

// ---------------------------------------------------------------------------------------------
// TypeScript

const typescriptBlocks = checked('typescript').filter((b) => !EXCERPT.test(b.text));

/** A block with the blocks it continues before it: what a reader who follows the page has. */
const withWhatItContinues = (b: DocBlock): ReadonlyArray<DocBlock> => {
  if (!b.continues) return [b];
  const onPage = all.filter((x) => x.page === b.page && x.kind === b.kind);
  const previous = onPage[onPage.indexOf(b) - 1];
  if (previous === undefined || previous.fragment)
    throw new Error(`${where(b)} continues a block, but no complete block of its kind comes before it`);
  return [...withWhatItContinues(previous), b];
};

/** A file of the program: its text, made of blocks, and where each starts in it. */
interface BlockFile {
  readonly block: DocBlock;
  readonly text: string;
  readonly parts: ReadonlyArray<{ readonly block: DocBlock; readonly firstLine: number }>;
}

const blockFile = (b: DocBlock): BlockFile => {
  const blocks = withWhatItContinues(b);
  let firstLine = 0;
  const parts = blocks.map((block) => {
    const part = { block, firstLine };
    firstLine += block.text.split('\n').length - 1;
    return part;
  });
  return { block: b, text: blocks.map((x) => x.text).join(''), parts };
};

/** A block that must not type-check: it uses what it never imports, as three pages once did. */
const PROBE: DocBlock = {
  page: 'probe.md',
  line: 1,
  kind: 'typescript',
  text: "await runMission('mission.yaml');\n",
  fragment: false,
  continues: false,
};

/** Type-checks every block in one program with the TypeScript API; the messages by block. */
const typeCheck = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  const config = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    // A block shows a call and may leave its result unused, as a reader's first try does.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // As if the package were installed: its entry points are its sources.
    baseUrl: REPO,
    paths: {
      missionkit: ['./src/index.ts'],
      'missionkit/core': ['./src/core.ts'],
      'missionkit/testing': ['./src/testing/index.ts'],
      'missionkit/distributed': ['./src/distributed/index.ts'],
    },
  };
  // Each block is an ES module of its own beside the sources, so packages resolve from node_modules.
  const files = new Map(
    [...typescriptBlocks, PROBE].map((b, i) => [
      path.join(REPO, '.tmp', 'doc-blocks', `${path.basename(b.page, '.md')}-${b.line}-${i}.mts`),
      blockFile(b),
    ]),
  );
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const file = files.get(f);
    return file !== undefined
      ? ts.createSourceFile(f, file.text, language)
      : getSourceFile.call(host, f, language, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const found = new Map<string, string[]>([...files.values()].map((f) => [where(f.block), []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const file = d.file && files.get(d.file.fileName);
    if (d.file === undefined || file === undefined) {
      // A problem outside the blocks (the configuration, the sources) fails every block visibly.
      for (const list of found.values()) list.push(`TS${d.code}: ${message}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const part = [...file.parts].reverse().find((p) => p.firstLine <= line)!;
    const at = `${part.block.page}:${part.block.line + 1 + line - part.firstLine}`;
    found.get(where(file.block))!.push(`${at}: TS${d.code}: ${message}`);
  }
  return found;
};

describe('TypeScript blocks in the README and docs/', () => {
  let diagnostics: ReadonlyMap<string, ReadonlyArray<string>>;
  beforeAll(() => {
    diagnostics = typeCheck();
  }, 120_000);

  it.each(typescriptBlocks.map((b) => [where(b)]))('%s type-checks as written', (at) => {
    expect(diagnostics.get(at)).toEqual([]);
  });

  it('reports a block that uses what it never imports (the check is not a no-op)', () => {
    expect(diagnostics.get(where(PROBE))).toEqual(["probe.md:2: TS2304: Cannot find name 'runMission'."]);
  });
});

// ---------------------------------------------------------------------------------------------
// YAML

/** A whole mission, not a piece of one: it has `version:` and `steps:` at the top level. */
const isWholeMission = (yaml: string): boolean => /^version:/m.test(yaml) && /^steps:/m.test(yaml);

describe('YAML blocks in the README and docs/', () => {
  it('are whole missions, or marked as fragments', () => {
    const unmarked = checked('yaml').filter((b) => !isWholeMission(b.text));
    expect(
      unmarked.map((b) => `${where(b)}: not a whole mission; complete it or mark it <!-- fragment -->`),
    ).toEqual([]);
  });

  it.each(
    checked('yaml')
      .filter((b) => isWholeMission(b.text))
      .map((b) => [where(b), b] as const),
  )('%s validates without a warning and runs with the test kit', async (at, block) => {
    const parsed = parseMission(block.text, { file: at });
    if (isLeft(parsed))
      throw new Error(parsed.left.map((e) => `${e.path}: ${e.message} ${e.hint ?? ''}`).join('\n'));
    expect(parsed.right.warnings.map((w) => w.message)).toEqual([]);
    const { report } = await runTestMission(block.text, { http: okHttp });
    expect(report.steps).toHaveLength(parsed.right.steps.length);
  });
});
