// The timeline: one row per step, one bar per attempt on the run's shared time axis, with the
// retry delay before an attempt, the kill grace at its end and its deadline marked. Plain HTML and
// CSS: bars are links to the step's details, and their details show on hover and on focus.
import { duration } from '../cli/format.js';
import type { AttemptResult, MissionReport, StepResult } from '../scheduler/report.js';
import { esc } from './html-escape.js';
import { statusLook } from './status-look.js';
import { ticks, timeAxis, type TimeAxis } from './time-axis.js';

const MAX_MESSAGE = 200;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const attemptTip = (s: StepResult, a: AttemptResult, axis: TimeAxis): string => {
  const look = statusLook(a.outcome);
  const parts = [
    `${s.id} · attempt ${a.attempt} of ${s.attempts.length}`,
    `${look.icon} ${look.label}`,
    `started at +${duration(axis.offset(a.started_at))}, ran ${duration(a.duration_ms)}`,
  ];
  if (a.delay_before_ms > 0) parts.push(`after a retry delay of ${duration(a.delay_before_ms)}`);
  parts.push(`timeout ${duration(a.timeout_ms)}`);
  if (a.exit_code !== null) parts.push(`exit code ${a.exit_code}`);
  if (a.signal !== null) parts.push(`signal ${a.signal}`);
  if (a.killed_at !== undefined)
    parts.push(
      `stopped (${a.kill_reason ?? 'killed'}); kill grace ${duration(axis.offset(a.ended_at) - axis.offset(a.killed_at))}`,
    );
  if (a.message !== undefined) parts.push(clip(a.message, MAX_MESSAGE));
  return parts.map(esc).join('<br>');
};

const pct = (n: number): string => `${Math.round(n * 100) / 100}%`;

const attemptBars = (s: StepResult, i: number, axis: TimeAxis): string => {
  let html = '';
  for (const a of s.attempts) {
    const start = axis.offset(a.started_at);
    const end = Math.max(start, axis.offset(a.ended_at));
    const left = axis.at(start);
    const width = Math.max(0.2, axis.at(end) - left);
    if (a.delay_before_ms > 0) {
      const from = axis.at(start - a.delay_before_ms);
      html += `<span class="delay" style="left:${pct(from)};width:${pct(Math.max(0.1, left - from))}" title="retry delay ${esc(duration(a.delay_before_ms))}"></span>`;
    }
    const deadline = start + a.timeout_ms;
    if (deadline <= axis.span && a.timeout_ms > 0)
      html += `<span class="deadline" style="left:${pct(axis.at(deadline))}" title="attempt ${a.attempt} timeout: ${esc(duration(a.timeout_ms))}"></span>`;
    const look = statusLook(a.outcome);
    let grace = '';
    if (a.killed_at !== undefined && end > start) {
      const from = Math.min(1, Math.max(0, (axis.offset(a.killed_at) - start) / (end - start)));
      grace = `<span class="grace" style="left:${pct(Math.round(from * 10000) / 100)}"></span>`;
    }
    html +=
      // A bar in the right half opens its details leftwards, so they stay on the page.
      `<a class="bar ${look.css}${left > 50 ? ' end' : ''}" href="#s${i}" style="left:${pct(left)};width:${pct(width)}" data-step="${esc(s.id)}" data-attempt="${a.attempt}" data-status="${a.outcome}" aria-label="${esc(`${s.id}, attempt ${a.attempt}: ${look.label}`)}">` +
      `${grace}<span class="bi" aria-hidden="true">${look.icon}</span><span class="tip" role="tooltip">${attemptTip(s, a, axis)}</span></a>`;
  }
  return html;
};

const notRun = (s: StepResult): string => {
  const look = statusLook(s.conclusion);
  return `<span class="note ${look.css}">${look.icon} ${esc(look.label)}${s.skip_reason ? `: ${esc(clip(s.skip_reason, MAX_MESSAGE))}` : ''}</span>`;
};

/** The start of a step's first attempt, for ordering rows (steps that never ran go last). */
const firstStart = (s: StepResult, axis: TimeAxis): number =>
  s.attempts.length > 0 ? axis.offset(s.attempts[0]!.started_at) : Infinity;

/** The timeline section of the page. */
export const timelineHtml = (report: MissionReport): string => {
  const axis = timeAxis(report);
  const order = report.steps.map((_, i) => i);
  const starts = report.steps.map((s) => firstStart(s, axis));
  order.sort((a, b) => starts[a]! - starts[b]! || a - b);
  const scale = ticks(axis.span)
    .map((t) => `<span class="tick" style="left:${pct(axis.at(t))}">${esc(duration(t))}</span>`)
    .join('');
  const rows = order
    .map((i) => {
      const s = report.steps[i]!;
      const look = statusLook(s.conclusion);
      return (
        `<div class="row" data-step="${esc(s.id)}"><a class="label" href="#s${i}"><span class="i ${look.css}" aria-hidden="true">${look.icon}</span> ${esc(s.id)}<span class="sr"> (${esc(look.label)})</span></a>` +
        `<div class="track">${s.attempts.length > 0 ? attemptBars(s, i, axis) : notRun(s)}</div></div>`
      );
    })
    .join('\n');
  return (
    `<section id="timeline"><h2>Timeline</h2>` +
    `<p class="legend"><span class="key ok">✔ succeeded</span> <span class="key warn">⚠ warnings / ◐ partial</span> <span class="key fail">✖ failed / ⏱ timed out</span> <span class="key skip">⤼ skipped / ⊘ cancelled</span> <span class="key"><span class="delay-key"></span> retry delay</span> <span class="key"><span class="grace-key"></span> kill grace</span> <span class="key"><span class="deadline-key"></span> timeout</span></p>` +
    `<div class="timeline"><div class="row axis" aria-hidden="true"><span class="label"></span><div class="track">${scale}</div></div>\n${rows}</div></section>`
  );
};
