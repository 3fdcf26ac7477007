// Every example a reader may copy is run here, so none can rot:
// - every examples/*.mission.yaml is validated, planned and run with the real CLI. An example
//   says how on a `# example-test:` line: `needs <program>...` (run when they are installed,
//   otherwise validated and planned only — the test's name says which), `server rate-limited-api`
//   (run against a local rate-limited server), `exit <code>` (the exit code a run must give),
//   `plan-only <why>`. Without one, a run must exit 0.
// - examples/mission-server.ts is started and called, including a client that disconnects.
// - the missions of the README, the CLI reference and the cookbook succeed with the test kit, and the
//   CLI reference shows `missionkit init`'s starter mission as init writes it.
// - a TypeScript block of the docs that is an excerpt of a file in examples/ (first line
//   `// examples/<file> (excerpt)`) matches that file. doc-blocks.test.ts checks every other block.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { starterMission } from '../../src/cli/starter-mission.js';
import { parseMission } from '../../src/mission/parse.js';
import { okHttp } from './ok-http.js';
import type { MissionEvent, MissionReport } from '../../src/core.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { createMissionServer } from '../../examples/mission-server';
import { builtCli, REPO } from '../cli/built-cli';
import { runCli } from '../cli/run-cli';

const OWN_PAGES = ['README.md', 'docs/cli.md', 'docs/cookbook.md'];
const pages = (): string[] => [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  readonly page: string;
  readonly line: number;
  readonly text: string;
}

const blocks = (page: string, lang: string): Block[] => {
  const text = fs.readFileSync(path.join(REPO, page), 'utf8');
  return [...text.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => ({
    page,
    line: text.slice(0, m.index).split('\n').length,
    text: m[1]!,
  }));
};

/** A whole mission, not a fragment of one: it has `version:` and `steps:` at the top level. */
const isWholeMission = (yaml: string): boolean => /^version:/m.test(yaml) && /^steps:/m.test(yaml);

const programOnPath = (program: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------------------------------------
// examples/*.mission.yaml, with the real CLI

type Plan =
  | { readonly _tag: 'run'; readonly exit: number }
  | { readonly _tag: 'needs'; readonly programs: ReadonlyArray<string> }
  | { readonly _tag: 'server'; readonly name: string }
  | { readonly _tag: 'plan-only'; readonly why: string };

const planOf = (text: string): Plan => {
  const directive = /^# example-test: (\S+)(?: (.*))?$/m.exec(text);
  if (directive === null) return { _tag: 'run', exit: 0 };
  const [, kind, rest = ''] = directive;
  switch (kind) {
    case 'needs':
      return { _tag: 'needs', programs: rest.split(/\s+/).filter((p) => p !== '') };
    case 'server':
      return { _tag: 'server', name: rest.trim() };
    case 'exit':
      return { _tag: 'run', exit: Number(rest) };
    case 'plan-only':
      return { _tag: 'plan-only', why: rest };
    default:
      throw new Error(`unknown example-test directive "${kind}"`);
  }
};

/** A stand-in for a rate-limited API: at most 10 accepted requests in any 2 s, then 429. */
const rateLimitedApi = async (): Promise<{ url: string; close: () => Promise<void> }> => {
  const accepted: number[] = [];
  const server = http.createServer((_req, res) => {
    const now = Date.now();
    while (accepted.length > 0 && accepted[0]! <= now - 2000) accepted.shift();
    if (accepted.length >= 10) {
      res.writeHead(429, { 'retry-after': '2' }).end('slow down\n');
      return;
    }
    accepted.push(now);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"documents": 42}\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const examples = fs
  .readdirSync(path.join(REPO, 'examples'))
  .filter((f) => f.endsWith('.mission.yaml'))
  .sort();

const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-examples-'));
afterAll(() => fs.rmSync(reportsDir, { recursive: true, force: true }));

const describeRun = (file: string): string => {
  const plan = planOf(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8'));
  switch (plan._tag) {
    case 'run':
      return `runs with the CLI and exits ${plan.exit}`;
    case 'needs': {
      const missing = plan.programs.filter((p) => !programOnPath(p));
      return missing.length === 0
        ? `runs with the CLI (${plan.programs.join(', ')} installed)`
        : `is validated and planned only: ${missing.join(', ')} not installed here`;
    }
    case 'server':
      return `runs with the CLI against a local ${plan.name} server`;
    case 'plan-only':
      return `is validated and planned only: ${plan.why}`;
  }
};

describe('examples/*.mission.yaml', () => {
  beforeAll(() => builtCli(), 240_000);

  it('has the examples the docs link to', () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        'hello.mission.yaml',
        'security-scan.mission.yaml',
        'test-coverage.mission.yaml',
        'database-import.mission.yaml',
        'rate-limit.mission.yaml',
      ]),
    );
  });

  it.each(examples.map((f) => [f, describeRun(f)]))(
    '%s %s',
    async (file) => {
      const relative = `examples/${file}`;
      const validated = await runCli(['validate', relative], { cwd: REPO });
      expect(validated.stdout).toContain('valid');
      expect(validated.code).toBe(0);
      const planned = await runCli(['plan', relative], { cwd: REPO });
      expect(planned.code).toBe(0);

      const plan = planOf(fs.readFileSync(path.join(REPO, relative), 'utf8'));
      const run = async (env: Readonly<Record<string, string>> = {}, exit = 0): Promise<void> => {
        const report = path.join(reportsDir, `${file}.report.json`);
        const r = await runCli(['run', relative, '--report', report, '--no-journal'], { cwd: REPO, env });
        if (r.code !== exit)
          throw new Error(
            `${relative} exited ${r.code}, expected ${exit}. If it cannot run here or should exit otherwise, ` +
              'say so on a `# example-test:` line (exit <code> | needs <program>... | plan-only <why>):\n' +
              `${r.stdout}\n${r.stderr}`,
          );
        const written = JSON.parse(fs.readFileSync(report, 'utf8')) as MissionReport;
        expect(written.steps.length).toBeGreaterThan(0);
      };
      switch (plan._tag) {
        case 'run':
          return run({}, plan.exit);
        case 'needs':
          return plan.programs.every(programOnPath) ? run() : undefined;
        case 'server': {
          if (plan.name !== 'rate-limited-api') throw new Error(`no test server called ${plan.name}`);
          if (!programOnPath('curl')) return undefined;
          const api = await rateLimitedApi();
          try {
            return await run({ API_URL: api.url });
          } finally {
            await api.close();
          }
        }
        case 'plan-only':
          return undefined;
      }
    },
    60_000,
  );
});

// ---------------------------------------------------------------------------------------------
// examples/mission-server.ts

describe('examples/mission-server.ts', () => {
  const missions = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-server-'));
  const forever = JSON.stringify(path.join(REPO, 'test', 'fixtures', 'forever.js'));
  fs.writeFileSync(
    path.join(missions, 'quick.mission.yaml'),
    'version: "1.0"\nname: quick\nsteps:\n  - { id: hello, name: hello, step_type: command, parameters: { command: node, args: ["--version"] } }\n',
  );
  fs.writeFileSync(
    path.join(missions, 'slow.mission.yaml'),
    `version: "1.0"\nname: slow\nsteps:\n  - { id: wait, name: wait, step_type: command, parameters: { command: node, args: [${forever}] } }\n`,
  );
  const events: Array<[string, MissionEvent]> = [];
  const reports: Array<[string, MissionReport]> = [];
  const server = createMissionServer({
    missionsDir: missions,
    onEvent: (name, e) => events.push([name, e]),
    onReport: (name, r) => reports.push([name, r]),
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(missions, { recursive: true, force: true });
  });

  const until = async (test: () => boolean, timeoutMs = 10_000): Promise<void> => {
    const end = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('runs a mission and answers with its report', async () => {
    const res = await fetch(`${base}/missions/quick`, { method: 'POST' });
    expect(res.status).toBe(200);
    const report = (await res.json()) as MissionReport;
    expect(report.status).toBe('succeeded');
    expect(report.steps[0]!.stdout.text).toMatch(/^v\d+/);
  });

  it('answers 404 for a mission that does not exist, and for other routes', async () => {
    expect((await fetch(`${base}/missions/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/missions/../etc/passwd`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/missions/quick`)).status).toBe(404);
  });

  it('cancels the run, and every process it started, when the client disconnects', async () => {
    const req = http.request(`${base}/missions/slow`, { method: 'POST' });
    req.on('error', () => undefined); // the request is destroyed on purpose
    req.end();
    await until(() => events.some(([name, e]) => name === 'slow' && e.type === 'step_output'));
    req.destroy();
    await until(() => reports.some(([name]) => name === 'slow'));
    const [, report] = reports.find(([name]) => name === 'slow')!;
    expect(report.status).toBe('cancelled');
    expect(report.cancel_reason).toContain('client disconnected');
    expect(report.steps[0]).toMatchObject({ id: 'wait', status: 'cancelled' });
  });
});

// ---------------------------------------------------------------------------------------------
// YAML missions in the docs, with the test kit

const missionBlocks = pages()
  .flatMap((p) => blocks(p, 'yaml'))
  .filter((b) => isWholeMission(b.text));

describe('YAML missions in the docs', () => {
  it('finds the missions of the README, the CLI reference and the cookbook', () => {
    for (const page of OWN_PAGES)
      expect(missionBlocks.filter((b) => b.page === page).length).toBeGreaterThan(0);
  });

  it.each(
    missionBlocks.filter((b) => OWN_PAGES.includes(b.page)).map((b) => [`${b.page}:${b.line}`, b] as const),
  )('%s succeeds with the test kit', async (_where, block) => {
    const { report } = await runTestMission(block.text, { http: okHttp });
    expect(report.status).toMatch(/^succeeded/);
  });

  it("shows `missionkit init`'s starter mission as init writes it", () => {
    const shown = missionBlocks.find(
      (b) => b.page === 'docs/cli.md' && b.text.includes('name: "nightly-audit"'),
    );
    expect(shown).toBeDefined();
    const written = parseMission(starterMission('nightly-audit', undefined));
    const documented = parseMission(shown!.text);
    if (isLeft(written) || isLeft(documented)) throw new Error('the starter mission does not parse');
    const {
      source_file: _a,
      warnings: _b,
      ...a
    } = written.right as typeof written.right & { source_file?: string };
    const {
      source_file: _c,
      warnings: _d,
      ...b
    } = documented.right as typeof documented.right & {
      source_file?: string;
    };
    expect(b).toEqual(a);
  });
});

// ---------------------------------------------------------------------------------------------
// TypeScript excerpts in the docs

const tsBlocks = pages().flatMap((p) => blocks(p, 'ts'));
const EXCERPT = /^\/\/ (examples\/\S+) \(excerpt\)\n/;

describe('TypeScript excerpts of examples/ in the docs', () => {
  const excerpts = tsBlocks.filter((b) => EXCERPT.test(b.text));

  it.each(excerpts.map((b) => [`${b.page}:${b.line}`, b] as const))(
    '%s is an excerpt of its example file, word for word',
    (_where, block) => {
      const [, file] = EXCERPT.exec(block.text)!;
      const lines = (text: string): string[] => text.split('\n').map((l) => l.trim());
      const shown = lines(block.text.replace(EXCERPT, '')).filter(
        (l, i, all) => l !== '' || i < all.length - 1,
      );
      const source = lines(fs.readFileSync(path.join(REPO, file!), 'utf8'));
      const at = source.findIndex((_, i) => shown.every((l, k) => source[i + k] === l));
      expect(at).toBeGreaterThanOrEqual(0);
    },
  );
});
