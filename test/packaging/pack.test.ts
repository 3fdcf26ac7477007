// The package as a host developer gets it: build, pack, install the tarball into an empty project,
// then load every entry point from ES modules and from CommonJS, type-check a TypeScript consumer
// against the shipped declarations, and check the tarball ships only what it should. This catches
// what no in-repo test can: a broken exports map, a missing .d.ts, a file left out of `files`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** Building twice with tsc and installing from the registry take tens of seconds on a cold cache. */
const SLOW_MS = 180_000;

/** Runs a command; on failure, throws with everything it printed so the jest report says why. */
const run = (command: string, args: ReadonlyArray<string>, cwd: string): string => {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed in ${cwd} (exit ${e.status ?? '?'}):\n` +
        `--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? e.message}`,
    );
  }
};

/** What `npm pack --json` prints: one entry per packed package. */
interface PackEntry {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

const parsePack = (stdout: string): PackEntry => {
  // npm may print warnings before the JSON on stdout in some versions; the JSON is the array.
  const entries = JSON.parse(stdout.slice(stdout.indexOf('['))) as ReadonlyArray<PackEntry>;
  const entry = entries[0];
  if (entry === undefined) throw new Error(`npm pack printed no package:\n${stdout}`);
  return entry;
};

/** Exports every consumer checks for, by entry point. */
const EXPECTED: Readonly<Record<'root' | 'core' | 'testing', ReadonlyArray<string>>> = {
  root: ['parseMission', 'runMission'],
  core: ['parseMission'],
  testing: ['VirtualClock', 'FakeExecutor'],
};

const ESM_CONSUMER = `
import * as root from 'missionkit';
import * as core from 'missionkit/core';
import * as testing from 'missionkit/testing';
const clock = new testing.VirtualClock();
const executor = new testing.FakeExecutor({ clock, defaultScript: {} });
console.log(JSON.stringify({
  root: Object.keys(root), core: Object.keys(core), testing: Object.keys(testing),
  kinds: [typeof root.parseMission, typeof root.runMission, typeof core.parseMission],
  now: clock.now(), spawns: executor.spawns.length,
}));
`;

const CJS_CONSUMER = `
const root = require('missionkit');
const core = require('missionkit/core');
const testing = require('missionkit/testing');
const clock = new testing.VirtualClock();
const executor = new testing.FakeExecutor({ clock, defaultScript: {} });
console.log(JSON.stringify({
  root: Object.keys(root), core: Object.keys(core), testing: Object.keys(testing),
  kinds: [typeof root.parseMission, typeof root.runMission, typeof core.parseMission],
  now: clock.now(), spawns: executor.spawns.length,
}));
`;

// Imports values and types; the @ts-expect-error lines make the check fail if the declarations
// resolve to \`any\` (a missing .d.ts would otherwise pass quietly with a loose config).
const TS_CONSUMER = (from: 'esm' | 'cjs'): string => `
import { parseMission, runMission, type MissionReport } from 'missionkit';
import { parseMission as parseCore } from 'missionkit/core';
import { FakeExecutor, VirtualClock, type FakeScript } from 'missionkit/testing';

const clock: VirtualClock = new VirtualClock({ startAt: Date.UTC(2025, 0, 1) });
const build: FakeScript = { exitAfterMs: 90_000, exitCode: 0, output: [{ atMs: 10, text: 'ok\\n' }] };
const executor = new FakeExecutor({ clock, steps: { build } });
const now: number = clock.now();
const parse: typeof parseCore = parseMission;
type Report = Awaited<ReturnType<typeof runMission>>;
const toReport = (r: Report): MissionReport => r;

// @ts-expect-error a field that FakeScript does not have
const typo: FakeScript = { exitAfterMS: 5 };
// @ts-expect-error now() is a number, not a string
const wrong: string = clock.now();

export const used = { executor, now, parse, toReport, typo, wrong, from: '${from}' };
`;

describe('the packed package', () => {
  let work = '';
  let tarball = '';

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'missionkit-pack-'));
    run('npm', ['run', 'build', '--silent'], REPO);
    tarball = join(
      work,
      parsePack(run('npm', ['pack', '--json', '--pack-destination', work], REPO)).filename,
    );
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }),
    );
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
    writeFileSync(join(app, 'consumer.mjs'), ESM_CONSUMER);
    writeFileSync(join(app, 'consumer.cjs'), CJS_CONSUMER);
    writeFileSync(join(app, 'consumer.mts'), TS_CONSUMER('esm'));
    writeFileSync(join(app, 'consumer-cjs.cts'), TS_CONSUMER('cjs'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          // The shipped declarations are checked too, not skipped; @types/node stands in for the
          // host's own copy (a Node library's consumer has one).
          skipLibCheck: false,
          typeRoots: [join(REPO, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.mts', 'consumer-cjs.cts'],
      }),
    );
  }, SLOW_MS);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  const app = (): string => join(work, 'app');

  const checkConsumer = (file: string): void => {
    const out = JSON.parse(run(process.execPath, [file], app())) as {
      root: string[];
      core: string[];
      testing: string[];
      kinds: string[];
      now: number;
      spawns: number;
    };
    for (const [entry, names] of Object.entries(EXPECTED) as Array<
      [keyof typeof EXPECTED, ReadonlyArray<string>]
    >) {
      expect({ entry, exports: out[entry] }).toEqual({ entry, exports: expect.arrayContaining([...names]) });
    }
    expect(out.kinds).toEqual(['function', 'function', 'function']);
    expect(out.now).toBe(Date.UTC(2025, 0, 1));
    expect(out.spawns).toBe(0);
  };

  it('imports missionkit, missionkit/core and missionkit/testing from an ES module', () => {
    checkConsumer('consumer.mjs');
  });

  it('requires missionkit, missionkit/core and missionkit/testing from CommonJS', () => {
    checkConsumer('consumer.cjs');
  });

  it('type-checks a TypeScript consumer under NodeNext, as ES module and as CommonJS', () => {
    expect(run(process.execPath, [TSC, '-p', 'tsconfig.json'], app())).toBe('');
  });

  it('ships only dist/, schema/ and the package documents, and every exports target', () => {
    const listed = parsePack(run('npm', ['pack', '--dry-run', '--json'], REPO)).files.map((f) => f.path);
    const allowedTop = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']);
    const outside = listed.filter(
      (p) => !(p.startsWith('dist/') || p.startsWith('schema/') || allowedTop.has(p)),
    );
    expect(outside).toEqual([]);
    const testish = listed.filter((p) =>
      /(^|\/)(test|tests|__tests__|fixtures?)(\/|$)|\.test\.|\.spec\./.test(p),
    );
    expect(testish).toEqual([]);
    const sources = listed.filter((p) => /\.(ts|mts|cts)$/.test(p) && !/\.d\.(ts|mts|cts)$/.test(p));
    expect(sources).toEqual([]);

    const installed = join(app(), 'node_modules', 'missionkit');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: unknown;
      bin: Record<string, string>;
    };
    const targets: string[] = [...Object.values(pkg.bin)];
    const collect = (node: unknown): void => {
      if (typeof node === 'string') targets.push(node);
      else if (node !== null && typeof node === 'object') Object.values(node).forEach(collect);
    };
    collect(pkg.exports);
    const missing = targets.filter((t) => !existsSync(join(installed, t)));
    expect(missing).toEqual([]);
  });
});
