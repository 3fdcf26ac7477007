// The HTML report and the graph formats from the command line, as a user runs them: `run --html`,
// `missionkit report <report.json>` (with --html, and refusing a file that is no report), and
// `plan --format mermaid|dot`.
import * as fs from 'node:fs';
import { builtCli } from './built-cli';
import { mission, nodeStep, workspace } from './missions';
import { runCli } from './run-cli';

const BUILD_MS = 240_000;
const SECRET = 'hunter2-Secret-77';
const ws = workspace();
let file: string;

beforeAll(() => {
  builtCli();
  file = ws.write(
    'release.mission.yaml',
    mission(
      'Release',
      [
        nodeStep('say', 'print', ['stdout', `token {{ variables.token }}`, '<b>not bold</b>']),
        nodeStep('broken', 'exit-code', [3], { fields: 'depends_on: [say]' }),
        `  - { id: after, name: After, step_type: noop, depends_on: [broken] }\n`,
      ],
      `variables:\n  token: { value: "${SECRET}", secret: true }\n`,
    ),
  );
}, BUILD_MS);
afterAll(() => ws.cleanup());

describe('missionkit run --html and missionkit report', () => {
  it('writes the HTML report of a run, masked, and the same page again from the JSON report', async () => {
    const run = await runCli(['run', file, '--html', 'out/run.html', '--report', 'out/run.json'], {
      cwd: ws.dir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('HTML report written to out/run.html');
    const page = fs.readFileSync(`${ws.dir}/out/run.html`, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('token ***');
    expect(page).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(page).not.toContain(SECRET);
    expect(page).toContain('data-step="after" data-status="skipped"');

    const again = await runCli(['report', 'out/run.json', '--html', 'out/again.html'], { cwd: ws.dir });
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('HTML report written to out/again.html');
    expect(fs.readFileSync(`${ws.dir}/out/again.html`, 'utf8')).toBe(page);

    const summary = await runCli(['report', 'out/run.json'], { cwd: ws.dir });
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/✖ mission failed in .*1 succeeded, 1 failed, 1 skipped/);
  });

  it('refuses a file that is not a report, saying what is wrong and what to pass instead', async () => {
    ws.write('mission.json', JSON.stringify({ version: '1.0', name: 'x', steps: [] }));
    ws.write('broken.json', '{"format": "missionkit.report/v1", ');
    const notReport = await runCli(['report', 'mission.json', '--html', 'x.html'], { cwd: ws.dir });
    expect(notReport.code).toBe(2);
    expect(notReport.stderr).toContain('✖ mission.json: not a missionkit report');
    expect(notReport.stderr).toContain('$.format: expected "missionkit.report/v1", found no `format` field');
    expect(notReport.stderr).toContain('hint: pass the file written by `missionkit run --report FILE`');
    expect(fs.existsSync(`${ws.dir}/x.html`)).toBe(false);
    const notJson = await runCli(['report', 'broken.json'], { cwd: ws.dir });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('✖ broken.json: not JSON:');
    const missing = await runCli(['report', 'nowhere.json'], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('✖ nowhere.json: cannot read the file');
  });

  it('prints the plan as Mermaid and as DOT', async () => {
    const mermaid = await runCli(['plan', file, '--format', 'mermaid'], { cwd: ws.dir });
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toBe(
      '%% Release: 3 steps in 3 waves\nflowchart LR\n  s0["say"]\n  s1["broken"]\n  s2["after"]\n  s0 --> s1\n  s1 --> s2\n',
    );
    const dot = await runCli(['plan', file, '--format=dot'], { cwd: ws.dir });
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('digraph "Release" {\n  rankdir=LR;');
    expect(dot.stdout).toContain('  "say" -> "broken";\n  "broken" -> "after";\n}\n');
  });
});
