// Every place the command line sends a person for documentation names a page they can open: the
// page installed with the package when this copy has docs/ beside it, the published page when it
// has not. test/packaging/pack.test.ts checks the same from a project that installed the tarball.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docsPage, PUBLISHED_DOCS } from '../../src/cli/docs-pages';
import { helpText } from '../../src/cli/help';
import { builtCli, REPO } from './built-cli';
import { workspace } from './missions';
import { runCli } from './run-cli';

const BUILD_MS = 240_000;

beforeAll(() => builtCli(), BUILD_MS);

/** The documentation pages a text points at: absolute paths, or published addresses. */
const pointers = (text: string): string[] => [
  ...(text.match(/(?:\/[^\s()]+\/docs\/[\w-]+\.md)|(?:https:\/\/\S+?\.md)/g) ?? []),
];

describe('missionkit --help', () => {
  it("names the installed pages of this copy's docs/, each of which exists", async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    const pages = pointers(r.stdout);
    expect(pages).toEqual([
      path.join(REPO, 'docs', 'cli.md'),
      path.join(REPO, 'docs', 'mission-format.md'),
      path.join(REPO, 'docs', 'api.md'),
    ]);
    for (const page of pages) expect(fs.existsSync(page)).toBe(true);
  });

  it('names the published pages when this copy has no docs/', () => {
    const text = helpText(undefined, (page) => docsPage(undefined, page, path.join));
    expect(pointers(text)).toEqual([
      `${PUBLISHED_DOCS}/cli.md`,
      `${PUBLISHED_DOCS}/mission-format.md`,
      `${PUBLISHED_DOCS}/api.md`,
    ]);
    for (const url of pointers(text)) {
      const page = url.slice(`${PUBLISHED_DOCS}/`.length);
      expect(fs.existsSync(path.join(REPO, 'docs', page))).toBe(true);
    }
  });
});

describe('the starter mission of missionkit init', () => {
  it("points at the project's installed mission-format page, relative to the mission, and online", async () => {
    const dir = workspace();
    try {
      dir.write('node_modules/missionkit/docs/mission-format.md', '# Mission format\n');
      const r = await runCli(['init', 'missions/first'], { cwd: dir.dir });
      expect(r.code).toBe(0);
      const text = fs.readFileSync(path.join(dir.dir, 'missions', 'first.mission.yaml'), 'utf8');
      expect(text).toContain(
        `# ../node_modules/missionkit/docs/mission-format.md\n# (online: ${PUBLISHED_DOCS}/mission-format.md).`,
      );
      expect(
        fs.existsSync(path.join(dir.dir, 'missions', '../node_modules/missionkit/docs/mission-format.md')),
      ).toBe(true);
    } finally {
      dir.cleanup();
    }
  });

  it('points at the published page when the project has not installed missionkit', async () => {
    const dir = workspace();
    try {
      const r = await runCli(['init'], { cwd: dir.dir });
      expect(r.code).toBe(0);
      const text = fs.readFileSync(path.join(dir.dir, 'mission.yaml'), 'utf8');
      expect(text).toContain(`# ${PUBLISHED_DOCS}/mission-format.md.`);
      expect(text).not.toMatch(/^# docs\//m);
    } finally {
      dir.cleanup();
    }
  });
});
