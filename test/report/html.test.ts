// The HTML report as a page a person opens from a CI artifact: self-contained, escaped, masked,
// small, and showing every attempt, every skipped step's cause and each step's details.
import { createHash } from 'node:crypto';
import { toHtml } from '../../src/report/html.js';
import { PAGE_SCRIPT, PAGE_SCRIPT_HASH } from '../../src/report/page-style.js';
import type { MissionReport, StepResult } from '../../src/scheduler/report.js';
import { HOSTILE, richReport, SECRET, wideReport } from './sample-reports.js';

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

/** The HTML of one step's details section. */
const section = (html: string, id: string): string => {
  const start = html.indexOf(
    `<details class="step" id="s`,
    html.indexOf(`data-step="${id}" data-status`, html.indexOf('<section id="steps">')) - 60,
  );
  const from = html.lastIndexOf(
    '<details class="step"',
    html.indexOf(`data-step="${id}" data-status`, html.indexOf('<section id="steps">')),
  );
  return html.slice(Math.max(start, from), html.indexOf('</details>', from) + 10);
};

let report: MissionReport;
let html: string;
beforeAll(async () => {
  report = await richReport();
  html = toHtml(report);
});

describe('toHtml', () => {
  it('escapes every string of the report: names, output and messages never become markup', () => {
    expect(count(html, /<script/g)).toBe(1);
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&quot;&amp;',
    );
    // A terminal escape in the output is shown as a replacement character, not passed through.
    expect(html).not.toContain('\u001b');
    expect(html).toContain('\ufffd[31mred');
    expect(html.includes(HOSTILE)).toBe(false);
  });

  it('shows output only as the report has it, masked: the secret is nowhere in the file', () => {
    expect(JSON.stringify(report)).not.toContain(SECRET);
    expect(html).not.toContain(SECRET);
    expect(html).toContain('token is ***');
    // The command is shown as planned, its template unexpanded.
    expect(html).toContain('<code>fetch --token &#39;{{ variables.token }}&#39;</code>');
  });

  it('draws one bar per attempt, with its status in words and icon, retry delays and the kill grace', () => {
    const attempts = report.steps.reduce((n, s) => n + s.attempts.length, 0);
    expect(count(html, /<a class="bar /g)).toBe(attempts);
    expect(count(html, /data-step="flaky" data-attempt="\d" data-status="failed"/g)).toBe(3);
    expect(count(html, /class="delay"/g)).toBe(2);
    expect(html).toMatch(
      /data-step="crawl" data-attempt="1" data-status="partial" aria-label="crawl, attempt 1: partial"><span class="grace"/,
    );
    expect(html).toContain('stopped (timeout); kill grace 5 s');
    expect(html).toContain('after a retry delay of 2 s');
    expect(html).toMatch(/class="deadline" style="left:[\d.]+%" title="attempt 1 timeout: 10 s"/);
  });

  it('lays the graph out in waves and says why a step was skipped and which dependency caused it', () => {
    expect(count(html, /<a href="#s\d+" class="node /g)).toBe(report.steps.length);
    const edges = report.steps.reduce((n, s) => n + (s.depends_on?.length ?? 0), 0);
    expect(count(html, /<path class="edge/g)).toBe(edges);
    expect(count(html, /<path class="edge cause"/g)).toBe(1);
    expect(html).toContain('<li><b>wave 1:</b>');
    const publish = section(html, 'publish');
    expect(publish).toContain('data-status="skipped"');
    expect(publish).toMatch(
      /skipped: why<\/dt><dd>[^<]*flaky[^<]*— caused by <a href="#s2">flaky<\/a> \(✖ failed\)/,
    );
  });

  it('shows each step: what it ran, its timeout and where it came from, attempts, how it ended, hints', () => {
    const crawl = section(html, 'crawl');
    expect(crawl).toContain('<dt>timeout</dt><dd>10 s <small>from step: step timeout_seconds: 10 s</small>');
    expect(crawl).toContain('◐ partial');
    expect(crawl).toContain('crawled 10 pages');
    const flaky = section(html, 'flaky');
    expect(count(flaky, /<tr data-status="failed">/g)).toBe(3);
    expect(flaky).toContain('exit code 75');
    // Steps that did not succeed are open without a click; clean ones are closed.
    expect(flaky).toMatch(/^<details[^>]* open>/);
    expect(section(html, 'fetch')).not.toMatch(/^<details[^>]* open>/);
  });

  it('draws resource trends as inline sparklines where samples exist', () => {
    const build = section(html, 'build');
    expect(count(build, /<svg class="spark/g)).toBe(2);
    expect(build).toMatch(/CPU over the attempt, peak 150%/);
    expect(section(html, 'fetch')).not.toContain('spark');
  });

  it('has a header with the mission, its status in icon and words, duration, counts and success rate', () => {
    expect(html).toContain('<span class="badge big fail" id="status">✖ failed</span>');
    expect(html).toContain('<li class="fail" data-count="failed">✖ 1 failed</li>');
    expect(html).toContain('<li class="skip" data-count="skipped">⤼ 1 skipped</li>');
    expect(html).toContain(`<dt>success rate</dt><dd>${Math.round(report.success_rate * 1000) / 10}%</dd>`);
  });

  it('is self-contained: nothing to fetch, and a policy that lets only its own script run', () => {
    const tags = html.match(/<[a-z][^>]*>/gi)!;
    expect(tags.filter((t) => /\s(src|srcset|action|xlink:href|data|poster)\s*=/i.test(t))).toEqual([]);
    expect(html.match(/href="[^"]*"/g)!.every((h) => h.startsWith('href="#s'))).toBe(true);
    expect(html).not.toMatch(/url\(|@import|https?:\/\//);
    const digest = createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64');
    expect(PAGE_SCRIPT_HASH).toBe(`sha256-${digest}`);
    expect(html).toContain(`script-src &#39;sha256-${digest}&#39;`);
    expect(html).toContain('default-src &#39;none&#39;');
  });

  it('renders a report read back from JSON, and one written before depends_on and the trends existed', () => {
    expect(toHtml(JSON.parse(JSON.stringify(report)) as MissionReport)).toBe(html);
    const old: MissionReport = {
      ...report,
      steps: report.steps.map((s) => {
        const { depends_on: _d, invocation: _i, resources: _r, ...rest } = s;
        return { ...rest, attempts: s.attempts.map(({ killed_at: _k, ...a }) => a) } as StepResult;
      }),
    };
    const page = toHtml(old);
    expect(page).toContain('<li><b>wave 1:</b>');
    expect(page).not.toContain('<li><b>wave 2:</b>');
    expect(count(page, /<a class="bar /g)).toBe(count(html, /<a class="bar /g));
  });

  it('stays well under 1 MB for a run of 200 chatty steps with retries', async () => {
    const wide = await wideReport(200);
    expect(wide.steps).toHaveLength(200);
    const page = toHtml(wide);
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024 * 0.6);
    expect(count(page, /<a class="bar /g)).toBe(240);
  });
});
