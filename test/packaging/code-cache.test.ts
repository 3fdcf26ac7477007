// `require('missionkit')` and `import('missionkit')` load the package's code with V8's code cache
// (dist/cjs/code-cache.js): the first process writes it, the next ones start sooner. A cache must
// never change what the package does, must be as if there were none when it cannot be used
// (corrupt, unwritable, writable by another user, switched off), and on Node an import and a
// require give the one same copy of the package.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtDist, installBuilt } from './installed-build';
import { codeCacheDir, codeCacheFiles } from '../support/code-cache-files';

let host: string;
let cacheHome: string;
beforeAll(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-code-cache-'));
  installBuilt(host);
});
afterAll(() => fs.rmSync(host, { recursive: true, force: true }));
beforeEach(() => {
  cacheHome = fs.mkdtempSync(path.join(host, 'cache-'));
});

const cacheDir = (): string => codeCacheDir(cacheHome);
const cacheFiles = (): Map<string, number> => codeCacheFiles(cacheHome);

// A host that uses the package: parses a mission, runs it, and prints what it got.
const USE = `
  const mission = mk.parseMission('version: "1.0"\\nname: x\\nsteps:\\n  - id: a\\n    name: A\\n    step_type: noop\\n    parameters: {}\\n');
  if (mission._tag !== 'Right') throw new Error('not parsed');
  const report = await mk.runMission(mission.right);
  let stack = '';
  try { await mk.runMission(mission.right, { noSuchOption: 1 }); } catch (e) { stack = String(e.stack); }
  console.log(JSON.stringify({ status: report.status, steps: report.steps.map((s) => s.status), exports: Object.keys(mk).length, stack }));
`;
const HOSTS = {
  require: [
    '-e',
    `(async () => { const mk = require('missionkit'); ${USE} })().catch((e) => { console.error(e); process.exit(1); })`,
  ],
  import: ['--input-type=module', '-e', `const mk = await import('missionkit'); ${USE}`],
};

const runHost = (
  kind: keyof typeof HOSTS,
  env: Record<string, string> = {},
): { status: string; stack: string } =>
  JSON.parse(
    execFileSync(process.execPath, HOSTS[kind], {
      cwd: host,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '', ...env },
    }),
  ) as { status: string; stack: string };

describe('the package code cache', () => {
  it.each(['require', 'import'] as const)(
    'is written by the first process that %ss the package and used, unchanged, by the next',
    (kind) => {
      const first = runHost(kind);
      expect(first.status).toBe('succeeded');
      const written = cacheFiles();
      expect(written.size).toBeGreaterThan(0);
      expect([...written.keys()].filter((f) => f.endsWith('.tmp'))).toEqual([]);
      // Only this user may write where V8 reads code from.
      expect(fs.statSync(cacheDir()).mode & 0o077).toBe(0);

      const second = runHost(kind);
      expect(second).toEqual(first);
      // An accepted cache is not written again.
      expect(cacheFiles()).toEqual(written);
    },
  );

  it('is written by a process that keeps running, and is stopped by a signal, 10 s after it loaded', async () => {
    // A server: loads the package, never exits on its own, and is killed.
    const child = spawn(process.execPath, ['-e', "require('missionkit'); setInterval(() => {}, 1000)"], {
      cwd: host,
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '' },
      stdio: 'ignore',
    });
    const ended = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    child.kill('SIGKILL');
    await ended;
    const written = cacheFiles();
    expect(written.size).toBeGreaterThan(0);
    // The next process accepts it and writes nothing.
    runHost('require');
    for (const [f, at] of written) expect(cacheFiles().get(f)).toBe(at);
  }, 30_000);

  it('leaves stack traces naming the package files that threw', () => {
    runHost('require');
    const { stack } = runHost('require');
    expect(stack).toContain(fs.realpathSync(path.join(builtDist(), 'cjs')));
  });

  it('is harmless when corrupt: the process compiles from source and replaces it', () => {
    const reference = runHost('require');
    for (const f of fs.readdirSync(cacheDir()))
      fs.writeFileSync(path.join(cacheDir(), f), 'not a code cache');
    expect(runHost('require')).toEqual(reference);
    for (const f of fs.readdirSync(cacheDir()))
      expect(fs.readFileSync(path.join(cacheDir(), f), 'utf8')).not.toBe('not a code cache');
  });

  it('is not used from a directory another user could write to', () => {
    fs.mkdirSync(cacheDir(), { recursive: true });
    fs.chmodSync(cacheDir(), 0o777);
    expect(runHost('require').status).toBe('succeeded');
    expect(cacheFiles().size).toBe(0);
  });

  it('is neither read nor written with NODE_DISABLE_COMPILE_CACHE set', () => {
    expect(runHost('import', { NODE_DISABLE_COMPILE_CACHE: '1' }).status).toBe('succeeded');
    expect(fs.existsSync(path.join(cacheHome, 'missionkit'))).toBe(false);
  });

  it('stays bounded: past 400 files the oldest go, never the ones the process just wrote', () => {
    fs.mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    // What earlier installs and rebuilds left: 450 files, written a day ago and more.
    const old = Date.now() / 1000 - 86_400;
    for (let i = 0; i < 450; i++) {
      const f = path.join(cacheDir(), `old-${i}`);
      fs.writeFileSync(f, 'x');
      fs.utimesSync(f, old - i, old - i);
    }
    expect(runHost('require').status).toBe('succeeded');
    const left = [...cacheFiles().keys()];
    expect(left.length).toBeLessThanOrEqual(400);
    const written = left.filter((f) => !f.startsWith('old-'));
    expect(written.length).toBeGreaterThan(0);
    // The newest of the old ones are kept, the oldest went.
    expect(left).toContain('old-0');
    expect(left).not.toContain('old-449');
    // And the package still loads from what was kept.
    expect(runHost('require').status).toBe('succeeded');
    expect(new Set(cacheFiles().keys())).toEqual(new Set(left));
  });

  it('is harmless when the cache directory cannot be made', () => {
    const file = path.join(cacheHome, 'a-file');
    fs.writeFileSync(file, '');
    expect(runHost('require', { XDG_CACHE_HOME: file }).status).toBe('succeeded');
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });
});

describe('the package under a test runner with a module system of its own', () => {
  it("loads as plain code through Jest's require and works", () => {
    // This test runs in Jest, whose `module` objects are not Node's: the entry point requires its
    // code as usual instead of through the cache.
    const before = process.listenerCount('exit');
    const mk = require(path.join(builtDist(), 'cjs', 'index.js')) as typeof import('../../src/index');
    const parsed = mk.parseMission(
      'version: "1.0"\nname: x\nsteps:\n  - { id: a, name: a, step_type: noop }\n',
    );
    expect(parsed._tag).toBe('Right');
    // No cache is pending a write from this process.
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('the package on Node, imported and required', () => {
  it('is one copy: an import gives the very functions and classes a require gives', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         const required = createRequire(import.meta.url + '/')('missionkit');
         const imported = await import('missionkit');
         const keys = Object.keys(imported).filter((k) => k !== 'default');
         console.log(JSON.stringify({ same: keys.every((k) => imported[k] === required[k]), keys: keys.length }));`,
      ],
      { cwd: host, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } },
    );
    const { same, keys } = JSON.parse(out) as { same: boolean; keys: number };
    expect(same).toBe(true);
    expect(keys).toBeGreaterThan(50);
  });

  it.each([
    ['missionkit', 'index'],
    ['missionkit/core', 'core'],
    ['missionkit/testing', 'testing/index'],
    ['missionkit/distributed', 'distributed/index'],
  ])('%s offers every export of the ES module build, by the same names', (specifier, entry) => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const node = await import(${JSON.stringify(specifier)});
         const esm = await import(${JSON.stringify(path.join(builtDist(), 'esm', `${entry}.js`))});
         console.log(JSON.stringify([Object.keys(node).sort(), Object.keys(esm).sort()]));`,
      ],
      { cwd: host, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } },
    );
    const [node, esm] = JSON.parse(out) as [string[], string[]];
    expect(node).toEqual(esm);
    expect(node.length).toBeGreaterThan(0);
  });
});
