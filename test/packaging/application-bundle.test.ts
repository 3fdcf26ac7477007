// An application that bundles missionkit/core (esbuild, as serverless and CLI tools do) reads
// missions exactly as the package does unbundled: the ES module build keeps its YAML readers in
// the bundle it ships (loaded on the first parse, not at import), with no `require` of a file
// beside it that a bundler could not follow.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { builtCli } from '../cli/built-cli.js';
import { installBuilt } from './installed-build';

const core = (): string => path.join(path.dirname(path.dirname(path.dirname(builtCli()))), 'esm', 'core.js');

const VALID =
  'version: "1.0"\nname: x\nsteps:\n  - id: a\n    name: A\n    step_type: noop\n    parameters: {}\n  - id: b\n    name: B\n    step_type: noop\n    depends_on: [a]\n    parameters: { note: &n on }\n';
// Broken YAML: the fast reader gives up and the full one says where.
const INVALID = `${VALID}  - id: c\n    name: [C\n`;
// Valid YAML, an invalid mission: each error with its line and column.
const WRONG =
  'version: "1.0"\nname: x\nsteps:\n  - id: a\n    name: A\n    step_type: noop\n    depends_on: [zz]\n    parameters: {}\n';

const APP = (from: string): string => `
import { parseMission } from ${JSON.stringify(from)};
const read = (text) => {
  const r = parseMission(text, { file: 'm.yaml' });
  return r._tag === 'Right' ? r.right.steps.map((s) => [s.id, s.parameters]) : r.left.map((e) => [e.code, e.path, e.position]);
};
console.log(JSON.stringify([read(${JSON.stringify(VALID)}), read(${JSON.stringify(INVALID)}), read(${JSON.stringify(WRONG)})]));
`;

/** Bundles `app` for Node as `format` into `outDir`, as an application's build does; returns the bundle's path. */
const bundleApp = async (app: string, format: 'esm' | 'cjs', outDir: string): Promise<string> => {
  const out = path.join(outDir, `bundle.${format === 'esm' ? 'mjs' : 'cjs'}`);
  await esbuild.build({
    entryPoints: [app],
    bundle: true,
    platform: 'node',
    format,
    outfile: out,
    logLevel: 'error',
  });
  return out;
};

describe('an application bundle of missionkit/core', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-app-bundle-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['esm', 'cjs'] as const)(
    'bundled as %s, reads missions as the package does unbundled',
    async (format) => {
      const app = path.join(dir, `app-${format}.mjs`);
      fs.writeFileSync(app, APP(core()));
      const out = await bundleApp(app, format, dir);
      // Nothing is left to load from the package: the bundle runs from where it is, alone.
      const bundled = execFileSync(process.execPath, [out], { encoding: 'utf8', cwd: dir });
      const unbundled = execFileSync(process.execPath, [app], { encoding: 'utf8', cwd: dir });
      const [valid, invalid, wrong] = JSON.parse(bundled) as [unknown, unknown[], unknown[]];
      expect(valid).toEqual([
        ['a', {}],
        ['b', { note: 'on' }],
      ]);
      expect(invalid.length).toBeGreaterThan(0);
      expect(wrong).toEqual([['unknown_dependency', 'steps[0].depends_on[0]', { line: 7, column: 18 }]]);
      expect(bundled).toBe(unbundled);
    },
  );
});

// An application bundling missionkit by its name goes through the package's exports map: the
// bundler takes the ES module build (the "module" condition) for an import and the CommonJS build
// for a require, whose entry points load their code with the code cache only where Node's own
// loader runs them: a bundle never reads nor writes a cache.
describe('an application bundle of missionkit by its name', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-app-name-'));
    installBuilt(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A command step too: the bundle starts a process through the executor's lazily loaded built-ins.
  const WITH_COMMAND = `${VALID}  - id: c\n    name: C\n    step_type: command\n    depends_on: [b]\n    parameters: { command: ${JSON.stringify(process.execPath)}, args: ['-e', 'process.stdout.write("hi")'] }\n`;
  const USE = `
    const mission = mk.parseMission(${JSON.stringify(WITH_COMMAND)});
    if (mission._tag !== 'Right') throw new Error('not parsed');
    mk.runMission(mission.right).then((report) => console.log(report.status, report.steps.map((s) => s.status).join(','), report.steps[2].stdout.text));
  `;
  it.each([
    ['an import', 'esm', `import * as mk from 'missionkit';\n${USE}`],
    ['an import', 'cjs', `import * as mk from 'missionkit';\n${USE}`],
    ['a require', 'cjs', `const mk = require('missionkit');\n${USE}`],
  ] as const)('with %s, bundled as %s, runs missions alone', async (_, format, source) => {
    const app = path.join(dir, `app-${format}-${source.startsWith('import') ? 'import' : 'require'}.js`);
    fs.writeFileSync(app, source);
    const elsewhere = fs.mkdtempSync(path.join(dir, 'elsewhere-'));
    const out = await bundleApp(app, format, elsewhere);
    const cache = path.join(elsewhere, 'cache');
    const printed = execFileSync(process.execPath, [out], {
      encoding: 'utf8',
      cwd: elsewhere,
      env: { ...process.env, XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: '' },
    });
    expect(printed.trim()).toBe('succeeded succeeded,succeeded,succeeded hi');
    expect(fs.existsSync(cache)).toBe(false);
  });
});
