// The HTML report: a mission run as one self-contained page — a header with the outcome, a
// timeline of every attempt, the dependency graph in waves and each step's details. Pure: a
// function of the report alone (whose text is already masked), so it renders a report read back
// from JSON, written by another host or a resumed run, exactly as one just made.
import { duration } from '../cli/format.js';
import type { MissionReport, StepCounts, StepResult } from '../scheduler/report.js';
import { VERSION } from '../version.js';
import { graphHtml } from './graph-svg.js';
import { esc } from './html-escape.js';
import { PAGE_CSS, PAGE_POLICY, PAGE_SCRIPT } from './page-style.js';
import { statusLook } from './status-look.js';
import { stepHtml } from './step-details.js';
import { timeAxis } from './time-axis.js';
import { timelineHtml } from './timeline.js';
import { groupedStepsHtml, INSTANCES_CSS } from './instances-html.js';

/** Options of {@link toHtml}. */
export interface HtmlOptions {
  /**
   * The page's title.
   * @default "<mission name> — <status>"
   */
  readonly title?: string;
}

const COUNT_ORDER: ReadonlyArray<Exclude<keyof StepCounts, 'total'>> = [
  'succeeded',
  'succeeded_with_warnings',
  'partial',
  'failed',
  'timed_out',
  'resource_exceeded',
  'cancelled',
  'skipped',
];

const fact = (term: string, value: string): string => `<div><dt>${esc(term)}</dt><dd>${value}</dd></div>`;

const header = (r: MissionReport): string => {
  const look = statusLook(r.status);
  const counts = COUNT_ORDER.filter((k) => (r.counts[k] ?? 0) > 0)
    .map((k) => {
      const l = statusLook(k);
      return `<li class="${l.css}" data-count="${k}">${l.icon} ${r.counts[k]} ${esc(l.label)}</li>`;
    })
    .join('');
  let facts = fact(
    'status',
    `<span class="badge big ${look.css}" id="status">${look.icon} ${esc(look.label)}</span>`,
  );
  facts += fact('duration', esc(duration(r.duration_ms)));
  facts += fact('steps', String(r.counts.total));
  facts += fact('success rate', `${Math.round(r.success_rate * 1000) / 10}%`);
  facts += fact('started', `<time>${esc(r.started_at)}</time>`);
  facts += fact('ended', `<time>${esc(r.ended_at)}</time>`);
  if (r.mission.file !== undefined) facts += fact('file', `<code>${esc(r.mission.file)}</code>`);
  const cancel =
    r.cancel_reason !== undefined ? `<p class="fail"><b>■ cancelled:</b> ${esc(r.cancel_reason)}</p>` : '';
  const warnings =
    r.warnings.length > 0
      ? `<ul class="warnings">${r.warnings.map((w) => `<li>⚠ ${esc(w)}</li>`).join('')}</ul>`
      : '';
  return (
    `<header><span class="tools" id="tools"></span><h1>${esc(r.mission.name)} <small>v${esc(r.mission.version)}</small></h1>` +
    (r.mission.description !== undefined ? `<p class="muted">${esc(r.mission.description)}</p>` : '') +
    `<dl class="facts">${facts}</dl><ul class="counts">${counts}</ul>${cancel}${warnings}</header>`
  );
};

const stepsHtml = (r: MissionReport): string => {
  const byId = new Map<string, StepResult>();
  const indexOf = new Map<string, number>();
  r.steps.forEach((s, i) => {
    byId.set(s.id, s);
    indexOf.set(s.id, i);
  });
  const axis = timeAxis(r);
  return `<section id="steps"><h2>Steps</h2>${groupedStepsHtml(r.steps, (s, i) => stepHtml(s, i, byId, indexOf, axis))}</section>`;
};

/**
 * Renders a mission report as one self-contained HTML page: no network, no external font or
 * script, readable without JavaScript, light and dark, printable. Every string is escaped, and
 * the output shown is the report's own (masked) text.
 * @example
 * const report = await runMission('deploy.yaml');
 * await writeFile('report.html', toHtml(report));
 */
export const toHtml = (report: MissionReport, options: HtmlOptions = {}): string => {
  const look = statusLook(report.status);
  const title = options.title ?? `${report.mission.name} — ${look.label}`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${esc(PAGE_POLICY)}">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">` +
    `<meta name="generator" content="missionkit ${esc(VERSION)}">` +
    `<title>${esc(`${look.icon} ${title}`)}</title><style>${PAGE_CSS}${INSTANCES_CSS}</style></head>\n<body>` +
    header(report) +
    timelineHtml(report) +
    '\n' +
    // The graph shows each fanned-out step once; its instances are listed under it below.
    graphHtml(
      report.steps.some((s) => s.fan_out !== undefined)
        ? { ...report, steps: report.steps.filter((s) => s.fan_out === undefined) }
        : report,
    ) +
    '\n' +
    stepsHtml(report) +
    `<footer>missionkit ${esc(VERSION)} · report format ${esc(report.format)} · times are UTC · output is masked as in the JSON report</footer>` +
    `<script>${PAGE_SCRIPT}</script></body></html>\n`
  );
};
