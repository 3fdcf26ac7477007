// The CLI as a user runs it: the built JavaScript started with node, in a directory of its own,
// its output piped (so it prints plain lines), checked for exit codes, what it prints, and the
// files it writes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtCli, REPO } from './built-cli';
import { mission, nodeStep, workspace } from './missions';
import { runCli } from './run-cli';
import { expectValidJUnit, xpath } from './xmllint';

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b/;
const BUILD_MS = 240_000;

const ws = workspace();
let good: string;
let failing: string;
let invalid: string;
let timedOut: string;

beforeAll(() => {
  builtCli();
  good = ws.write(
    'good.mission.yaml',
    mission(
      'Good',
      [
        nodeStep('hello', 'print', ['stdout', 'hello from a step']),
        `  - id: note\n    name: Write a note\n    step_type: create_file\n    parameters: { path: "out/note.txt", content: "{greeting}, {who}!" }\n    depends_on: [hello]\n`,
      ],
      'variables: { greeting: "Hello", who: "world" }\nconfig: { max_parallel_steps: 2 }\n',
    ),
  );
  failing = ws.write(
    'failing.mission.yaml',
    mission(
      'Failing',
      [
        nodeStep('ok', 'print', ['stdout', 'fine']),
        // lines.js exits 0, which this step does not expect.
        nodeStep('broken', 'lines', [3, 1], { params: 'expect_exit_codes: [7]', fields: 'depends_on: [ok]' }),
        `  - { id: after, name: After, step_type: noop, depends_on: [broken] }\n`,
      ],
      'config: { fail_fast: false }\n',
    ),
  );
  invalid = ws.write(
    'invalid.mission.yaml',
    'version: 1.0\nname: "Broken"\nsteps:\n  - id: "a"\n    name: "a"\n    step_type: "comand"\n    depends_on: ["b"]\n',
  );
  timedOut = ws.write(
    'slow.mission.yaml',
    mission(
      'Slow',
      [nodeStep('forever', 'forever', [])],
      'config: { mission_timeout_seconds: 1, kill_grace_seconds: 1 }\n',
    ),
  );
}, BUILD_MS);
afterAll(() => ws.cleanup());

const inWs = { cwd: ws.dir };

describe('help and usage', () => {
  it('prints an overview with every command, and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'validate', 'plan', 'schema', 'init'])
      expect(r.stdout).toContain(`missionkit ${c}`);
    expect(r.stdout).toContain('Exit codes:');
  });

  it.each(['run', 'resume', 'runs', 'validate', 'plan', 'schema', 'init'])(
    'has help with examples for %s',
    async (command) => {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`missionkit ${command}`);
      expect(r.stdout).toContain('Examples:');
    },
  );

  it("prints the package's version", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with "did you mean" for an unknown command or option', async () => {
    const command = await runCli(['rnu', 'x.yaml']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "rnu"; did you mean "run"?');
    const flag = await runCli(['run', good, '--jsno']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option --jsno for run; did you mean --json?');
    expect(flag.stderr).toContain('run `missionkit run --help` for usage');
  });
});

describe('validate', () => {
  it('exits 0 for a valid mission', async () => {
    const r = await runCli(['validate', 'good.mission.yaml'], inWs);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ good.mission.yaml: valid, 2 steps');
  });

  it('prints every problem with file:line:col, the line with a caret, and the hint; exits 2', async () => {
    const r = await runCli(['validate', 'invalid.mission.yaml', 'good.mission.yaml'], inWs);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'invalid.mission.yaml:1:10: error: version: wrong type for `version` (found 1, expected a string)',
    );
    expect(r.stdout).toContain('  1 | version: 1.0\n               ^\n  hint: quote it: "1.0"');
    expect(r.stdout).toMatch(
      /invalid\.mission\.yaml:6:16: error: steps\[0\]\.step_type: unknown step type `comand`/,
    );
    expect(r.stdout).toContain('hint: did you mean `command`?');
    expect(r.stdout).toMatch(/invalid\.mission\.yaml:7:\d+: error: steps\[0\]\.depends_on\[0\]/);
    expect(r.stdout).toContain('✖ invalid.mission.yaml: invalid (3 errors)');
    expect(r.stdout).toContain('✔ good.mission.yaml: valid');
  });

  it('prints JSON for editors and CI with --json', async () => {
    const r = await runCli(['validate', 'invalid.mission.yaml', 'good.mission.yaml', '--json'], inWs);
    expect(r.code).toBe(2);
    const results = JSON.parse(r.stdout) as ReadonlyArray<{
      file: string;
      valid: boolean;
      errors: ReadonlyArray<{ code: string; position: { line: number; column: number }; hint?: string }>;
    }>;
    expect(results.map((x) => [x.file, x.valid])).toEqual([
      ['invalid.mission.yaml', false],
      ['good.mission.yaml', true],
    ]);
    expect(results[0]!.errors.map((e) => e.code).sort()).toEqual([
      'invalid_type',
      'unknown_dependency',
      'unknown_step_type',
    ]);
    expect(results[0]!.errors.find((e) => e.code === 'invalid_type')).toMatchObject({
      position: { line: 1, column: 10 },
      hint: 'quote it: "1.0"',
    });
  });

  it('says when a file cannot be read', async () => {
    const r = await runCli(['validate', 'nope.yaml'], inWs);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('nope.yaml: error: cannot read the mission file: no such file');
  });
});

describe('plan', () => {
  it('prints the order, the waves and each step’s effective settings', async () => {
    const r = await runCli(['plan', failing]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 steps in 3 waves, up to 1 at once, fail_fast off');
    expect(r.stdout).toContain('order: ok → broken → after');
    expect(r.stdout).toMatch(/wave 2 \(1 step\)\n {4}broken \(command\)/);
    expect(r.stdout).toContain('timeout     5 min — default: 300 s');
    expect(r.stdout).toContain('depends on  ok (all_required)');
    expect(r.stdout).toContain('retry       none');
    expect(r.stdout).toContain('limits      none');
  });

  it('prints the plan as JSON with --json', async () => {
    const r = await runCli(['plan', good, '--json', '--parallel', '3']);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as { order: string[]; waves: string[][]; max_parallel_steps: number };
    expect(view.order).toEqual(['hello', 'note']);
    expect(view.waves).toEqual([['hello'], ['note']]);
    expect(view.max_parallel_steps).toBe(3);
  });

  it('exits 2 for an invalid mission', async () => {
    const r = await runCli(['plan', invalid]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('✖ invalid mission: 3 errors');
  });
});

describe('schema', () => {
  it('prints the committed mission JSON Schema', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const committed = JSON.parse(
      fs.readFileSync(path.join(REPO, 'schema', 'mission.schema.json'), 'utf8'),
    ) as unknown;
    expect(JSON.parse(r.stdout)).toEqual(committed);
  });
});

describe('init', () => {
  it('writes a commented starter mission that validates and runs as written', async () => {
    const dir = workspace();
    try {
      const r = await runCli(['init', 'first'], { cwd: dir.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('✔ wrote first.mission.yaml');
      const text = fs.readFileSync(path.join(dir.dir, 'first.mission.yaml'), 'utf8');
      expect(text).toContain('name: "first"');
      expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(5);
      const checked = await runCli(['validate', '--strict', 'first.mission.yaml'], { cwd: dir.dir });
      expect(checked.stdout).toContain('valid, 3 steps');
      expect(checked.stdout).not.toContain('warning');
      const run = await runCli(['run', 'first.mission.yaml', '--no-journal'], { cwd: dir.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('✔ mission succeeded');
      expect(fs.readFileSync(path.join(dir.dir, 'mission-output', 'note.txt'), 'utf8')).toMatch(
        /^Hello from missionkit!\nNode v\d+\.\d+\.\d+\n? ran this mission\.\n$/,
      );
    } finally {
      dir.cleanup();
    }
  });

  it('never replaces a file unless --force is given', async () => {
    const dir = workspace();
    try {
      dir.write('mission.yaml', 'mine\n');
      const refused = await runCli(['init'], { cwd: dir.dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('mission.yaml already exists; pass --force to replace it');
      expect(fs.readFileSync(path.join(dir.dir, 'mission.yaml'), 'utf8')).toBe('mine\n');
      const forced = await runCli(['init', '--force'], { cwd: dir.dir });
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(path.join(dir.dir, 'mission.yaml'), 'utf8')).toContain('version: "1.0"');
    } finally {
      dir.cleanup();
    }
  });
});

describe('run', () => {
  it('exits 0 and prints plain timestamped lines without escape codes when piped', async () => {
    const r = await runCli(['run', 'good.mission.yaml', '--no-journal'], inWs);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ESCAPE);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d ▶ Good \(2 steps\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d ✔ hello succeeded in \d+ ms$/));
    expect(r.stdout).toMatch(
      / {2}step {3}status {7}duration {2}attempts(?: {2}peak memory)?\n {2}hello {2}✔ succeeded +\d+ ms +1(?: +[\d.]+ [KMG]?i?B| +—)?\n/,
    );
    // Under the table: how the steps' processes were held (a cgroup where the host allows one).
    expect(r.stdout).toMatch(/^ {2}processes contained by (cgroup-v2|cgroup-v1|process-group)$/m);
    expect(lines.filter((l) => l !== '').at(-1)).toMatch(/^✔ mission succeeded in \d+ ms: 2 succeeded$/);
    expect(fs.readFileSync(path.join(ws.dir, 'out', 'note.txt'), 'utf8')).toBe('Hello, world!');
  });

  it('exits 1 when a step fails, with its output tail and hint in the summary', async () => {
    const r = await runCli(['run', failing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ broken failed in \d+ ms/);
    expect(r.stdout).toMatch(/⤼ after skipped\n\s+dependency broken failed \(all_required\)/);
    expect(r.stdout).toContain('exited with code 0 (expected 7)');
    expect(r.stdout).toContain('    last lines of stderr:\n    │ err 1\n    │ err 2\n    │ err 3');
    expect(r.stdout).toMatch(/✖ mission failed in .*: 1 succeeded, 1 failed, 1 skipped/);
  });

  it('exits 1 when the mission times out', async () => {
    const r = await runCli(['run', timedOut]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('mission timed out');
  });

  it('exits 2 for an invalid mission, printing every error', async () => {
    const r = await runCli(['run', invalid]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 | version: 1.0');
    expect(r.stderr).toContain('✖ invalid mission: 3 errors');
    expect(r.stdout).toBe('');
  });

  it('prints only the report as JSON with --json', async () => {
    const r = await runCli(['run', failing, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      format: string;
      status: string;
      steps: { id: string; status: string }[];
    };
    expect(report.format).toBe('missionkit.report/v1');
    expect(report.status).toBe('failed');
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['ok', 'succeeded'],
      ['broken', 'failed'],
      ['after', 'skipped'],
    ]);
  });

  it('writes the JSON report and a JUnit report valid against junit-10.xsd, also when the mission fails', async () => {
    const r = await runCli(
      ['run', failing, '--report', 'reports/run.json', '--junit', 'reports/junit.xml'],
      inWs,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('report written to reports/run.json');
    expect(r.stdout).toContain('JUnit report written to reports/junit.xml');
    const report = JSON.parse(fs.readFileSync(path.join(ws.dir, 'reports', 'run.json'), 'utf8')) as {
      status: string;
      steps: unknown[];
    };
    expect(report.status).toBe('failed');
    const junit = path.join(ws.dir, 'reports', 'junit.xml');
    await expectValidJUnit(junit);
    expect(await xpath(junit, 'count(//testcase)')).toBe('3');
    expect(await xpath(junit, 'string(/testsuites/testsuite/@failures)')).toBe('1');
    expect(await xpath(junit, 'string(//testcase[starts-with(@name, "broken")]/failure)')).toContain('err 3');
  });

  it('exits 1 and says so when a report cannot be written', async () => {
    ws.write('occupied', 'a file, not a directory\n');
    const r = await runCli(['run', good, '--report', 'occupied/report.json'], inWs);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missionkit: cannot write the report to occupied/report.json');
  });

  it('sets variables with --var and prints the plan without running anything with --dry-run', async () => {
    const dir = workspace();
    try {
      const file = dir.write('m.yaml', fs.readFileSync(good, 'utf8'));
      const dry = await runCli(['run', file, '--dry-run'], { cwd: dir.dir });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('order: hello → note');
      expect(fs.existsSync(path.join(dir.dir, 'out'))).toBe(false);
      const r = await runCli(['run', file, '--var', 'who=missionkit', '--var', 'greeting=Hi'], {
        cwd: dir.dir,
      });
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(dir.dir, 'out', 'note.txt'), 'utf8')).toBe('Hi, missionkit!');
    } finally {
      dir.cleanup();
    }
  });

  it('prints every output line with --verbose, and only the outcome with --quiet', async () => {
    const verbose = await runCli(['run', failing, '--verbose']);
    expect(verbose.stdout).toMatch(/^\d\d:\d\d:\d\d {3}broken │ err 2$/m);
    const quiet = await runCli(['run', failing, '--quiet']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toMatch(/^\d\d:\d\d:\d\d/m);
    expect(quiet.stdout).toContain('│ err 3');
    expect(quiet.stdout.trim().split('\n').at(-1)).toMatch(/^✖ mission failed/);
  });

  it('colours its output when FORCE_COLOR asks, and never when NO_COLOR is set', async () => {
    const forced = await runCli(['run', good], { ...inWs, env: { FORCE_COLOR: '1' } });
    // eslint-disable-next-line no-control-regex
    expect(forced.stdout).toMatch(/\u001b\[32m✔\u001b\[39m/);
    const none = await runCli(['run', good], { ...inWs, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(none.stdout).not.toMatch(ESCAPE);
  });

  it('exits 2 when the mission file does not exist', async () => {
    const r = await runCli(['run', invalid.replace('invalid', 'nonexistent')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the mission file: no such file');
  });
});
