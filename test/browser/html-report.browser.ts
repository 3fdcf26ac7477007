// The HTML report in a real browser: Debian's Chromium, driven by playwright-core, opens the
// reports of real runs of the built CLI (succeeded; failed with retries; timed out with partial
// output; cancelled; 500 steps) and checks what a person sees — one bar per attempt, statuses in
// words, skipped steps' reasons, details on focus, the essentials without JavaScript — that the
// page asks the network for nothing, and that no secret is in the file. Screenshots go to .tmp/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { MissionReport } from '../../src/scheduler/report.js';
import { builtCli, REPO } from '../cli/built-cli';
import { mission, nodeStep, workspace } from '../cli/missions';
import { runCli, startCli } from '../cli/run-cli';

/** Where Debian's `chromium` package puts the browser (`apt-get install chromium`). */
const CHROMIUM = process.env.MISSIONKIT_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO, '.tmp', 'browser');
const SECRET = 'pa55-Word-31337';
const BUILD_MS = 240_000;

const ws = workspace();
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set MISSIONKIT_CHROMIUM)`,
    );
  builtCli();
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, BUILD_MS);
afterAll(async () => {
  await browser?.close();
  ws.cleanup();
});

/** Runs a mission with the CLI, writing its JSON and HTML reports; returns both. */
const runReports = async (
  name: string,
  text: string,
): Promise<{ readonly report: MissionReport; readonly html: string; readonly file: string }> => {
  const file = ws.write(`${name}.mission.yaml`, text);
  await runCli(['run', file, '--report', `${name}.json`, '--html', `${name}.html`], { cwd: ws.dir });
  return read(name);
};

const read = (name: string): { report: MissionReport; html: string; file: string } => ({
  report: JSON.parse(fs.readFileSync(path.join(ws.dir, `${name}.json`), 'utf8')) as MissionReport,
  html: fs.readFileSync(path.join(ws.dir, `${name}.html`), 'utf8'),
  file: path.join(ws.dir, `${name}.html`),
});

/** Opens a report page, recording every request other than the page itself and every console error. */
const open = async (
  file: string,
  options: { readonly javaScriptEnabled?: boolean; readonly colorScheme?: 'light' | 'dark' } = {},
): Promise<{
  readonly page: Page;
  readonly requests: string[];
  readonly errors: string[];
  close(): Promise<void>;
}> => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const url = `file://${file}`;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors, close: () => context.close() };
};

/** What every page must be: one bar per attempt with its status, no request, no error, no secret. */
const checkPage = async (name: string, report: MissionReport, html: string, file: string): Promise<Page> => {
  expect(html).not.toContain(SECRET);
  const { page, requests, errors } = await open(file);
  expect(requests).toEqual([]);
  expect(errors).toEqual([]);
  const attempts = report.steps.reduce((n, s) => n + s.attempts.length, 0);
  expect(await page.locator('a.bar').count()).toBe(attempts);
  for (const s of report.steps.slice(0, 50)) {
    const bars = page.locator(`a.bar[data-step="${s.id}"]`);
    expect(await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(
      s.attempts.map((a) => a.outcome),
    );
    expect(await page.locator(`details.step[data-step="${s.id}"]`).getAttribute('data-status')).toBe(
      s.conclusion,
    );
  }
  // The inline script ran (its hash is in the page's policy): the buttons it adds are there.
  expect(await page.locator('#tools button').count()).toBe(2);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: report.steps.length < 50 });
  return page;
};

describe('the HTML report in Chromium', () => {
  it('shows a run that succeeded', async () => {
    const { report, html, file } = await runReports(
      'succeeded',
      mission('Succeeded', [
        nodeStep('one', 'print', ['stdout', 'first']),
        nodeStep('two', 'lines', [3, 50], { fields: 'depends_on: [one]' }),
        nodeStep('three', 'print', ['stdout', 'third'], { fields: 'depends_on: [one]' }),
      ]),
    );
    expect(report.status).toBe('succeeded');
    const page = await checkPage('succeeded', report, html, file);
    expect(await page.locator('#status').innerText()).toBe('✔ succeeded');
    expect(await page.locator('svg a.node').count()).toBe(3);
    // Clean steps are closed; a link to one opens it.
    expect(await page.locator('details#s1').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await page.locator('a.node[data-step="two"]').click();
    expect(await page.locator('details#s1').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.context().close();
  });

  it('shows a run that failed after retries, with the skipped dependents and why; masked', async () => {
    const { report, html, file } = await runReports(
      'failed',
      mission(
        'Failed',
        [
          nodeStep('login', 'print', ['stdout', 'login with {{ variables.password }}']),
          nodeStep('upload', 'exit-code', [75], {
            fields: 'depends_on: [login]\nretry: { max_attempts: 3, delay_seconds: 0.2 }',
          }),
          `  - { id: announce, name: Announce, step_type: noop, depends_on: [upload] }\n`,
        ],
        `variables:\n  password: { value: "${SECRET}", secret: true }\nconfig: { fail_fast: false }\n`,
      ),
    );
    expect(report.status).toBe('failed');
    const page = await checkPage('failed', report, html, file);
    expect(await page.locator('a.bar[data-step="upload"]').count()).toBe(3);
    expect(await page.locator('.delay').count()).toBe(2);
    const announce = page.locator('details.step[data-step="announce"]');
    expect(await announce.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await announce.innerText()).toMatch(/skipped: why\s+.*upload.*caused by upload \(✖ failed\)/s);
    expect(await page.locator('path.edge.cause').count()).toBe(1);
    // Details of an attempt show on keyboard focus.
    const bar = page.locator('a.bar[data-step="upload"][data-attempt="2"]');
    await bar.focus();
    const tip = bar.locator('.tip');
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.innerText()).toMatch(/attempt 2 of 3\n✖ failed\n.*\nafter a retry delay of 200 ms/);
    expect(await page.locator('details.step[data-step="login"] pre').textContent()).toBe('login with ***');
    await page.screenshot({ path: path.join(SHOTS, 'failed-focus.png') });
    await page.context().close();
  });

  it('shows a timed-out step with its partial output, the deadline and the kill grace', async () => {
    const { report, html, file } = await runReports(
      'timed-out',
      mission(
        'Timed out',
        [
          nodeStep('crawl', 'forever', [], { fields: 'timeout_seconds: 1\nallow_partial_results: true' }),
          nodeStep('stuck', 'ignore-sigterm', [], { fields: 'timeout_seconds: 1' }),
        ],
        'config: { kill_grace_seconds: 0.5 }\n',
      ),
    );
    expect(report.steps.map((s) => s.conclusion)).toEqual(['partial', 'timed_out']);
    const page = await checkPage('timed-out', report, html, file);
    expect(await page.locator('a.bar[data-status="partial"] .grace').count()).toBe(1);
    expect(await page.locator('a.bar[data-status="timed_out"] .grace').count()).toBe(1);
    expect(await page.locator('.deadline').count()).toBe(2);
    expect(await page.locator('details.step[data-step="crawl"] pre').innerText()).toBe('ready');
    expect(await page.locator('details.step[data-step="stuck"]').innerText()).toMatch(/kill grace/);
    await page.context().close();
  });

  it('shows a cancelled run: the reason, and the steps that never started', async () => {
    const file = ws.write(
      'cancelled.mission.yaml',
      mission('Cancelled', [
        nodeStep('wait', 'forever', []),
        `  - { id: later, name: Later, step_type: noop, depends_on: [wait] }\n`,
      ]),
    );
    const cli = startCli(
      ['run', file, '--verbose', '--report', 'cancelled.json', '--html', 'cancelled.html'],
      {
        cwd: ws.dir,
      },
    );
    await cli.waitFor((t) => t.includes('ready'));
    cli.child.kill('SIGINT');
    await cli.done;
    const { report, html, file: page } = read('cancelled');
    expect(report.status).toBe('cancelled');
    const p = await checkPage('cancelled', report, html, page);
    expect(await p.locator('#status').innerText()).toBe('⊘ cancelled');
    expect(await p.locator('header').innerText()).toContain('■ cancelled: interrupted (SIGINT)');
    expect(await p.locator('.row[data-step="later"] .note').innerText()).toMatch(/^⊘ cancelled|^⤼ skipped/);
    await p.context().close();
  });

  it('shows a run of 500 steps, and keeps its essentials without JavaScript', async () => {
    const steps = Array.from(
      { length: 500 },
      (_, i) =>
        `  - { id: "n${i}", name: "Node ${i}", step_type: noop${i % 10 !== 0 ? `, depends_on: ["n${i - 1}"]` : ''} }\n`,
    );
    const { report, html, file } = await runReports('five-hundred', mission('Five hundred', steps));
    expect(report.steps).toHaveLength(500);
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024);
    const page = await checkPage('five-hundred', report, html, file);
    expect(await page.locator('.waves li').count()).toBe(10);
    await page.context().close();

    const bare = await open(file, { javaScriptEnabled: false, colorScheme: 'dark' });
    expect(bare.requests).toEqual([]);
    expect(await bare.page.locator('#tools button').count()).toBe(0);
    expect(await bare.page.locator('#status').innerText()).toBe('✔ succeeded');
    expect(await bare.page.locator('.row').count()).toBe(501);
    await bare.page.screenshot({ path: path.join(SHOTS, 'five-hundred-dark-no-js.png') });
    await bare.close();
  });
});
