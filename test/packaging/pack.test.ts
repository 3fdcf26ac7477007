// The package as a host developer gets it. The repository's files are copied as a clean checkout
// has them (no dist/), `npm pack` builds and packs them (the prepack script), and the tarball is
// installed into scratch projects, one per kind of host: ES modules, CommonJS, and TypeScript with
// each moduleResolution (node16, nodenext, bundler, node10), type-checked against the shipped
// declarations with the repository's own compiler. Each host runs a two-step mission; the CLI is
// run from a host as `npx missionkit`. This catches what no in-repo test can: a broken exports
// map, a missing .d.ts, a file left out of `files`, a dual-package hazard.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const REPO = resolve(__dirname, '..', '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** Building with tsc twice and installing six projects: a minute on a quiet machine, minutes on a busy one. */
const SLOW_MS = 480_000;
const TS_CHECK_MS = 120_000;
/** Five `npx missionkit` starts, each a second or more on a busy machine. */
const CLI_MS = 120_000;

const ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };

/** Runs a command to its end; on failure, throws with everything it printed so the jest report says why. */
const run = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> => {
  try {
    const { stdout } = await promisify(execFile)(command, [...args], {
      cwd,
      encoding: 'utf8',
      env: ENV,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed in ${cwd} (exit ${e.code ?? '?'}):\n` +
        `--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? e.message}`,
    );
  }
};

/** How a command ended, for the CLI's exit codes. */
const exitOf = async (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) => {
    execFile(command, [...args], { cwd, encoding: 'utf8', env: ENV }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });

/** What `npm pack --json` prints: one entry per packed package. */
interface PackEntry {
  readonly filename: string;
  readonly unpackedSize: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
}

const parsePack = (stdout: string): PackEntry => {
  // Lifecycle scripts and some npm versions print before the JSON on stdout; the JSON is the array.
  const entries = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as ReadonlyArray<PackEntry>;
  const entry = entries[0];
  if (entry === undefined) throw new Error(`npm pack printed no package:\n${stdout}`);
  return entry;
};

/**
 * The repository as a fresh clone has it: every file but what .gitignore names (no dist/, no
 * node_modules/) and .git itself. Read without git, which a machine with only Node and npm lacks.
 */
const cleanCheckout = (to: string): void => {
  const patterns = readFileSync(join(REPO, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ignored = (rel: string): boolean =>
    rel === '.git' ||
    patterns.some((p) =>
      p.startsWith('*.')
        ? rel.endsWith(p.slice(1))
        : p.endsWith('/')
          ? rel === p.slice(0, -1) || rel.startsWith(p)
          : rel === p,
    );
  cpSync(REPO, to, {
    recursive: true,
    filter: (from) => {
      const rel = relative(REPO, from).split(sep).join('/');
      return rel === '' || !ignored(rel);
    },
  });
  // `npm ci` would install the same tree; a link saves the minute it takes.
  symlinkSync(join(REPO, 'node_modules'), join(to, 'node_modules'), 'dir');
};

/** The two-step mission every host runs: a command, then a file written from its output. */
const MISSION = `version: "1.0"
name: "packed"
steps:
  - id: hello
    name: Say hello
    step_type: command
    parameters:
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", "process.stdout.write('hello from the packed package')"]
  - id: note
    name: Write a note
    step_type: create_file
    parameters: { path: "out/note.txt", content: "{hello_result}" }
    depends_on: [hello]
`;

/** What every host prints, and what it must say. */
interface HostOutput {
  readonly status: string;
  readonly steps: ReadonlyArray<string>;
  readonly note: string;
  readonly fake: string;
  readonly invalid: boolean;
  readonly exports: Readonly<Record<'root' | 'core' | 'testing', ReadonlyArray<string>>>;
}

const expectHostRan = (stdout: string): void => {
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HostOutput;
  expect(out).toMatchObject({
    status: 'succeeded',
    steps: ['hello:succeeded', 'note:succeeded'],
    note: 'hello from the packed package',
    fake: 'succeeded',
    invalid: true,
  });
  expect(out.exports.root).toEqual(
    expect.arrayContaining(['runMission', 'loadMission', 'parseMission', 'isMissionValidationError']),
  );
  expect(out.exports.core).toEqual(expect.arrayContaining(['parseMission', 'MissionValidationError']));
  expect(out.exports.testing).toEqual(
    expect.arrayContaining(['runTestMission', 'VirtualClock', 'FakeExecutor']),
  );
};

/** The body every host runs, after its imports (`root`, `core`, `testing` and `readFileSync` in scope). */
const HOST_BODY = `
const main = async () => {
  const report = await root.runMission('mission.yaml');
  const fake = await testing.runTestMission(readFileSync('mission.yaml', 'utf8'), {
    steps: { hello: { exitAfterMs: 10, output: [{ atMs: 1, text: 'faked' }] } },
  });
  const invalid = await root.runMission('version: "1.0"\\nname: x\\nsteps: []\\nnope: 1\\n', { strict: true }).then(
    () => undefined,
    (e) => e,
  );
  console.log(JSON.stringify({
    status: report.status,
    steps: report.steps.map((s) => s.id + ':' + s.status),
    note: readFileSync('out/note.txt', 'utf8'),
    fake: fake.report.status,
    invalid: invalid instanceof core.MissionValidationError && root.isMissionValidationError(invalid),
    exports: { root: Object.keys(root), core: Object.keys(core), testing: Object.keys(testing) },
  }));
};
main().catch((e) => { console.error(e); process.exitCode = 1; });
`;

const ESM_HOST = `
import * as root from 'missionkit';
import * as core from 'missionkit/core';
import * as testing from 'missionkit/testing';
import { readFileSync } from 'node:fs';
${HOST_BODY}`;

const CJS_HOST = `
const root = require('missionkit');
const core = require('missionkit/core');
const testing = require('missionkit/testing');
const { readFileSync } = require('node:fs');
${HOST_BODY}`;

// Loads both builds into one process (the dual-package hazard): errors and step errors from one
// copy must be recognised by the other.
const DUAL_HOST = `
const cjs = require('missionkit');
const { readFileSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { pathToFileURL } = require('node:url');
// The ES module build itself, as a bundler takes it (the "module" condition): a second copy of the
// package beside the CommonJS one. On Node, import('missionkit') is the CommonJS build's copy.
const esmBuild = pathToFileURL(join(dirname(require.resolve('missionkit')), '..', 'esm', 'index.js')).href;
Promise.all([import(esmBuild), import('missionkit')]).then(async ([esm, onNode]) => {
  const fromCjs = await cjs.loadMission('version: 1').catch((e) => e);
  const fromEsm = await esm.loadMission('version: 1').catch((e) => e);
  // A host step type built with the ES module build throws the CommonJS build's NonRetryableError;
  // the CommonJS runtime must still read its hint and stop retrying.
  const quota = esm.defineStepType({
    name: 'quota',
    parameters: esm.StringMap,
    run: async () => { throw new cjs.NonRetryableError('over quota', { hint: 'raise the quota' }); },
  });
  const report = await cjs.runMission(
    'version: "1.0"\\nname: d\\nsteps:\\n  - { id: q, name: q, step_type: quota, parameters: {}, retry: { max_attempts: 3 } }\\n',
    { stepTypes: [quota] },
  );
  console.log(JSON.stringify({
    twoCopies: cjs.MissionValidationError !== esm.MissionValidationError,
    oneCopyOnNode: onNode.MissionValidationError === cjs.MissionValidationError && onNode.runMission === cjs.runMission,
    cjsErrorIsEsm: fromCjs instanceof esm.MissionValidationError && esm.isMissionValidationError(fromCjs),
    esmErrorIsCjs: fromEsm instanceof cjs.MissionValidationError && cjs.isMissionValidationError(fromEsm),
    stepErrorAcross: new esm.NonRetryableError('x') instanceof cjs.StepError,
    step: { status: report.steps[0].status, hint: report.steps[0].hint, attempts: report.steps[0].attempts.length },
  }));
});
`;

// Values and types from every entry point; the @ts-expect-error lines make the check fail if the
// declarations resolve to \`any\` (a missing .d.ts would otherwise pass quietly).
const TS_HOST = `
import { isMissionValidationError, MissionValidationError, runMission, type MissionReport } from 'missionkit';
import * as root from 'missionkit';
import * as core from 'missionkit/core';
import { parseMission } from 'missionkit/core';
import * as testing from 'missionkit/testing';
import { VirtualClock, type FakeScript } from 'missionkit/testing';
import { readFileSync } from 'node:fs';

const clock: VirtualClock = new VirtualClock({ startAt: Date.UTC(2025, 0, 1) });
const build: FakeScript = { exitAfterMs: 90_000, exitCode: 0, output: [{ atMs: 10, text: 'ok\\n' }] };
const toReport = (r: Awaited<ReturnType<typeof runMission>>): MissionReport => r;
const narrow = (e: unknown): ReadonlyArray<unknown> => (isMissionValidationError(e) ? e.errors : []);
const parsed = parseMission('version: "1.0"');
// @ts-expect-error a field that FakeScript does not have
const typo: FakeScript = { exitAfterMS: 5 };
// @ts-expect-error now() is a number, not a string
const wrong: string = clock.now();
const errorsOf = (e: MissionValidationError): ReadonlyArray<core.MissionError> => e.errors;
export const used = { build, toReport, narrow, parsed, typo, wrong, errorsOf };
${HOST_BODY.replace('(e) => e', '(e: unknown) => e')}`;

type Host = 'esm' | 'cjs' | 'ts-node16' | 'ts-nodenext' | 'ts-bundler' | 'ts-node10';

/** Each TypeScript host: its package type and compiler settings. */
const TS_HOSTS: Readonly<
  Record<
    Exclude<Host, 'esm' | 'cjs'>,
    { type: string; module: string; resolution: string; libCheck: boolean }
  >
> = {
  // One host checks the shipped declarations in full (with @types/node, the slow part); the others
  // check what they import from them.
  'ts-node16': { type: 'module', module: 'Node16', resolution: 'Node16', libCheck: true },
  'ts-nodenext': { type: 'commonjs', module: 'NodeNext', resolution: 'NodeNext', libCheck: false },
  'ts-bundler': { type: 'module', module: 'ESNext', resolution: 'Bundler', libCheck: false },
  'ts-node10': { type: 'commonjs', module: 'CommonJS', resolution: 'Node10', libCheck: false },
};

describe('the packed package', () => {
  let work = '';
  let pack: PackEntry;
  const hostDir = (host: Host): string => join(work, host);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'missionkit-pack-'));
    const checkout = join(work, 'checkout');
    cleanCheckout(checkout);
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    pack = parsePack(await run('npm', ['pack', '--json', '--pack-destination', work], checkout));
    const tarball = join(work, pack.filename);

    const hosts: Host[] = ['esm', 'cjs', ...(Object.keys(TS_HOSTS) as Host[])];
    await Promise.all(
      hosts.map(async (host) => {
        const dir = hostDir(host);
        mkdirSync(dir);
        const type = host === 'esm' ? 'module' : host === 'cjs' ? 'commonjs' : TS_HOSTS[host].type;
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({ name: `host-${host}`, private: true, type }),
        );
        writeFileSync(join(dir, 'mission.yaml'), MISSION);
        if (host === 'esm') writeFileSync(join(dir, 'host.mjs'), ESM_HOST);
        else if (host === 'cjs') {
          writeFileSync(join(dir, 'host.cjs'), CJS_HOST);
          writeFileSync(join(dir, 'dual.cjs'), DUAL_HOST);
        } else {
          const { module, resolution, libCheck } = TS_HOSTS[host];
          writeFileSync(join(dir, 'host.ts'), TS_HOST);
          writeFileSync(
            join(dir, 'tsconfig.json'),
            JSON.stringify({
              compilerOptions: {
                module,
                moduleResolution: resolution,
                target: 'ES2022',
                lib: ['ES2022'],
                strict: true,
                exactOptionalPropertyTypes: true,
                outDir: 'out',
                // @types/node stands in for the host's own copy (a Node library's consumer has one).
                skipLibCheck: !libCheck,
                typeRoots: [join(REPO, 'node_modules', '@types')],
                types: ['node'],
              },
              files: ['host.ts'],
            }),
          );
        }
        await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], dir);
      }),
    );
  }, SLOW_MS);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('runs a two-step mission from an ES module host', async () => {
    expectHostRan(await run(process.execPath, ['host.mjs'], hostDir('esm')));
  });

  it('runs a two-step mission from a CommonJS host', async () => {
    expectHostRan(await run(process.execPath, ['host.cjs'], hostDir('cjs')));
  });

  it.each(Object.keys(TS_HOSTS) as Array<keyof typeof TS_HOSTS>)(
    'type-checks and runs a TypeScript host (%s)',
    async (host) => {
      const dir = hostDir(host);
      expect(await run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir)).toBe('');
      expectHostRan(await run(process.execPath, [join('out', 'host.js')], dir));
    },
    TS_CHECK_MS,
  );

  it('is one copy on Node when both imported and required, and recognises errors across the two builds a bundle may hold', async () => {
    const out = JSON.parse(await run(process.execPath, ['dual.cjs'], hostDir('cjs'))) as unknown;
    expect(out).toEqual({
      twoCopies: true,
      oneCopyOnNode: true,
      cjsErrorIsEsm: true,
      esmErrorIsCjs: true,
      stepErrorAcross: true,
      step: { status: 'failed', hint: 'raise the quota', attempts: 1 },
    });
  });

  it(
    'runs `npx missionkit` --version, validate, run, schema and --help from a host',
    async () => {
      const dir = hostDir('cjs');
      const installed = join(dir, 'node_modules', 'missionkit');
      // --no: never fetch a package of that name from the registry; the installed one must answer.
      const npx = (...args: string[]) => exitOf('npx', ['--no', '--', 'missionkit', ...args], dir);

      const version = await npx('--version');
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
      expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });

      const validated = await npx('validate', 'mission.yaml');
      expect(validated.code).toBe(0);
      expect(validated.stdout).toContain('valid, 2 steps');

      const ran = await npx('run', 'mission.yaml', '--report', 'reports/run.json');
      expect(ran.code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'reports', 'run.json'), 'utf8')) as { status: string };
      expect(report.status).toBe('succeeded');

      const schema = await npx('schema');
      expect(schema.code).toBe(0);
      expect(JSON.parse(schema.stdout)).toEqual(
        JSON.parse(readFileSync(join(installed, 'schema', 'mission.schema.json'), 'utf8')),
      );

      const help = await npx('--help');
      expect(help.code).toBe(0);
      const pages = help.stdout.match(/\S+\/docs\/[\w-]+\.md/g) ?? [];
      expect(pages).toEqual(['cli.md', 'mission-format.md', 'api.md'].map((p) => join(installed, 'docs', p)));
      for (const page of pages) expect(existsSync(page)).toBe(true);
    },
    CLI_MS,
  );

  it('ships dist/ without source maps, schema/, docs/ with its images and the package documents, and every exports target', () => {
    const listed = pack.files.map((f) => f.path);
    const allowedTop = new Set(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']);
    const outside = listed.filter(
      (p) =>
        !(
          p.startsWith('dist/') ||
          p.startsWith('schema/') ||
          /^docs\/[\w-]+\.md$/.test(p) ||
          /^docs\/images\/[\w-]+\.png$/.test(p) ||
          allowedTop.has(p)
        ),
    );
    expect(outside).toEqual([]);
    for (const needed of ['LICENSE', 'dist/cjs/cli/main.js', 'dist/esm/index.js', 'docs/mission-format.md'])
      expect(listed).toContain(needed);
    expect(listed.filter((p) => p.endsWith('.map'))).toEqual([]);
    const testish = listed.filter((p) =>
      /(^|\/)(test|tests|__tests__|fixtures?)(\/|$)|\.test\.|\.spec\./.test(p),
    );
    expect(testish).toEqual([]);
    const sources = listed.filter((p) => /\.(ts|mts|cts)$/.test(p) && !/\.d\.(ts|mts|cts)$/.test(p));
    expect(sources).toEqual([]);

    const installed = join(hostDir('esm'), 'node_modules', 'missionkit');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 /);
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: unknown;
      typesVersions: unknown;
      bin: Record<string, string>;
      repository: { url: string };
      homepage: string;
      bugs: { url: string };
    };
    expect(pkg.repository.url).toMatch(/github\.com\/missionkit\/missionkit/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\/.*\/issues$/);
    const targets: string[] = [...Object.values(pkg.bin)];
    const collect = (node: unknown): void => {
      if (typeof node === 'string') targets.push(node);
      else if (node !== null && typeof node === 'object') Object.values(node).forEach(collect);
    };
    collect(pkg.exports);
    collect(pkg.typesVersions);
    const missing = targets.filter((t) => !existsSync(join(installed, t)));
    expect(missing).toEqual([]);
  });

  it('has every relative link of the shipped README and docs resolve inside the installed package', () => {
    const installed = join(hostDir('esm'), 'node_modules', 'missionkit');
    const pages = pack.files.map((f) => f.path).filter((p) => p.endsWith('.md'));
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(installed, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target === undefined || /^(https?:|mailto:|#)/.test(target)) continue;
        const file = target.split('#')[0]!;
        if (!existsSync(join(installed, dirname(page), file))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
