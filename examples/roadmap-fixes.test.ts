// The roadmap's three "Specific Error Fixes" missions, exactly as written in examples/, run green
// on Linux against real processes: a generated 100,000-file tree for the secret scan, a few files
// for the permissions check, and a real HTTP server answering 200, 401 and 429 for the rate test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from 'missionkit';

const example = (name: string): string => path.join(__dirname, name);
const temp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-roadmap-'));

describe('fix 1: the secret scan over 100,000 files, adaptive and chunked', () => {
  const FILES = 100_000;
  let root: string;
  /** The Markdown files that mention a secret: what `find … -exec grep -l` must list. */
  const expected: string[] = [];

  beforeAll(() => {
    root = temp();
    // 200 packages × 10 directories × 50 files; 2% Markdown, 2% Go, the rest JavaScript, JSON and text.
    let n = 0;
    for (let a = 0; n < FILES; a++)
      for (let b = 0; b < 10 && n < FILES; b++) {
        const dir = `pkg${a}/sub${b}`;
        fs.mkdirSync(path.join(root, dir), { recursive: true });
        for (let c = 0; c < 50; c++, n++) {
          const ext = n % 50 === 0 ? 'md' : n % 50 === 1 ? 'go' : ['js', 'json', 'txt'][n % 3]!;
          const secret =
            n % 150 === 0 || n % 150 === 1 ? `\nAPI_KEY=k${n}\n` : n % 350 === 0 ? '\nTOKEN\n' : '';
          fs.writeFileSync(path.join(root, dir, `f${c}.${ext}`), `file ${n}${secret}\n`);
          if (ext === 'md' && secret !== '') expected.push(`./${dir}/f${c}.md`);
        }
      }
    expected.sort();
  }, 120_000);

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('finishes within its adaptive timeout, listing exactly what one find over the tree lists', async () => {
    const report = await runMission(example('roadmap-fix1-secret-scan.mission.yaml'), { cwd: root });
    const step = report.steps[0]!;
    expect(report.status).toBe('succeeded');
    expect(step.timeout.source).toBe('adaptive');
    // 4,000 files pass find's -name tests: 60 s + a little for their size + 4,000 × 10 ms.
    expect(step.timeout.explanation).toMatch(
      /^adaptive: find over [\d.]+ MB in 4,000 files \(\*\.go, \*\.md\)/,
    );
    expect(step.timeout.ms).toBeGreaterThan(100_000);
    expect(step.timeout.ms).toBeLessThanOrEqual(300_000);
    expect(step.duration_ms).toBeLessThan(step.timeout.ms);
    expect(step.output).toMatchObject({ chunks: { total: 40, finished: 40, files: 4_000, partial: false } });
    // `-name "*.go" -o -name "*.md" -exec grep …` greps only the Markdown files (find's precedence).
    expect(step.stdout.text.trim().split('\n')).toEqual(expected);
    const single = spawnSync(
      'find',
      [
        '.',
        '-name',
        '*.go',
        '-o',
        '-name',
        '*.md',
        '-exec',
        'grep',
        '-l',
        'API_KEY\\|SECRET\\|PASSWORD\\|TOKEN',
        '{}',
        ';',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(single.stdout.trim().split('\n').sort()).toEqual(expected);
  }, 120_000);
});

describe('fix 2: the cross-platform permissions check', () => {
  let root: string;
  beforeAll(() => {
    root = temp();
    for (const f of ['app.db', 'logs/server.log', 'keys/id.key', 'notes.txt', 'logs/readme.md']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), f);
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('runs the unix variant on Linux and lists each .db, .log and .key file with ls -la', async () => {
    const report = await runMission(example('roadmap-fix2-permissions.mission.yaml'), { cwd: root });
    const step = report.steps[0]!;
    expect(report.status).toBe('succeeded');
    const lines = step.stdout.text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(/\s+/).pop()).sort()).toEqual([
      './app.db',
      './keys/id.key',
      './logs/server.log',
    ]);
    for (const l of lines) expect(l).toMatch(/^-rw/);
    expect(step.timeout).toMatchObject({ ms: 120_000, source: 'step' });
  });
});

describe('fix 3: the rate-limit check against a real server', () => {
  const statuses = [200, 401, 429];
  let server: http.Server;
  let requests = 0;
  let mission: string;
  let dir: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const status = statuses[requests++ % statuses.length]!;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, status }));
    });
    mission = example('roadmap-fix3-rate-limit.mission.yaml');
    dir = temp();
    // The mission names localhost:8084. Bind it when it is free; when it is taken, run a copy of
    // the mission whose only change is the port, on one the OS chose.
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EADDRINUSE') return reject(e);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
      });
      server.listen(8084, '127.0.0.1', () => resolve(8084));
    });
    if (port !== 8084) {
      const copy = path.join(dir, 'fix3.mission.yaml');
      fs.writeFileSync(copy, fs.readFileSync(mission, 'utf8').replace('localhost:8084', `127.0.0.1:${port}`));
      mission = copy;
    }
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ten requests, each status read from curl’s output and expected', async () => {
    const report = await runMission(mission);
    const step = report.steps[0]!;
    expect(report.status).toBe('succeeded');
    expect(requests).toBe(10);
    const reps = (
      step.output as { repetitions: Array<{ status_code: number; exit_code: number; ok: boolean }> }
    ).repetitions;
    expect(reps.map((r) => r.status_code)).toEqual([200, 401, 429, 200, 401, 429, 200, 401, 429, 200]);
    expect(reps.every((r) => r.exit_code === 0 && r.ok)).toBe(true);
    expect(step.stdout.text).toContain('{"path":"/api/v1/stats","status":429}429\n');
  });
});
