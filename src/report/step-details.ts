// One step's details: what it ran, its timeout and where it came from, every attempt, how it
// ended, the tail of its output (masked, as in the report), warnings, the hint, and its resources.
// Steps that did not succeed are open by default, so the essentials read without a click.
import { bytes, duration } from '../cli/format.js';
import type { CapturedText } from '../ports/step-type.js';
import type { StepResult } from '../scheduler/report.js';
import { causesOf } from './graph-svg.js';
import { esc } from './html-escape.js';
import { CLEAN_TAIL, outputTail, TROUBLE_TAIL, type TailBudget } from './output-tail.js';
import { sparkline } from './sparkline.js';
import { statusLook } from './status-look.js';
import type { TimeAxis } from './time-axis.js';

const row = (term: string, value: string): string => `<dt>${esc(term)}</dt><dd>${value}</dd>`;

const ending = (s: StepResult): string | undefined => {
  const parts: string[] = [];
  if (s.exit_code !== null) parts.push(`exit code ${s.exit_code}`);
  if (s.signal !== null) parts.push(`signal ${s.signal}`);
  if (s.kill_reason !== undefined) parts.push(`stopped by the engine (${s.kill_reason.replace('_', ' ')})`);
  return parts.length > 0 ? parts.join(', ') : undefined;
};

const attemptsTable = (s: StepResult, axis: TimeAxis): string => {
  const rows = s.attempts
    .map((a) => {
      const look = statusLook(a.outcome);
      const end = [
        a.exit_code !== null ? `exit ${a.exit_code}` : '',
        a.signal !== null ? a.signal : '',
        a.kill_reason !== undefined ? `stopped: ${a.kill_reason.replace('_', ' ')}` : '',
      ]
        .filter((x) => x !== '')
        .join(', ');
      const grace =
        a.killed_at !== undefined ? duration(axis.offset(a.ended_at) - axis.offset(a.killed_at)) : '';
      return (
        `<tr data-status="${a.outcome}"><td>${a.attempt}</td><td class="${look.css}">${look.icon} ${esc(look.label)}</td>` +
        `<td>+${esc(duration(axis.offset(a.started_at)))}</td><td>${esc(duration(a.duration_ms))}</td>` +
        `<td>${a.delay_before_ms > 0 ? esc(duration(a.delay_before_ms)) : ''}</td><td>${esc(duration(a.timeout_ms))}</td>` +
        `<td>${esc(end)}</td><td>${esc(grace)}</td><td>${esc(a.message ?? '')}</td></tr>`
      );
    })
    .join('');
  return `<table class="attempts"><thead><tr><th>#</th><th>outcome</th><th>start</th><th>ran</th><th>retry delay</th><th>timeout</th><th>ended by</th><th>kill grace</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>`;
};

const outputBlock = (name: string, c: CapturedText, budget: TailBudget): string => {
  if (c.total_bytes === 0 && c.text === '') return '';
  const tail = outputTail(c, budget);
  return `<div class="out"><h4>${name}${tail.omitted !== undefined ? ` <small>(${esc(tail.omitted)})</small>` : ` <small>(${c.total_bytes} bytes)</small>`}</h4><pre>${esc(tail.text)}</pre></div>`;
};

const resourcesBlock = (s: StepResult): string => {
  const r = s.resources;
  if (r === undefined) return '';
  const cpu = sparkline(
    r.trend?.cpu_percent ?? [],
    `CPU over the attempt, peak ${r.peak_cpu_percent}%`,
    'cpu',
  );
  const mem = sparkline(
    r.trend?.memory_bytes ?? [],
    `memory over the attempt, peak ${bytes(r.peak_memory_bytes)}`,
    'mem',
  );
  return row(
    'resources',
    `<span class="res">CPU peak ${r.peak_cpu_percent}% (average ${r.avg_cpu_percent}%) ${cpu}</span> ` +
      `<span class="res">memory peak ${esc(bytes(r.peak_memory_bytes))} ${mem}</span> ` +
      `<span class="res">disk ${esc(bytes(r.disk_read_bytes))} read, ${esc(bytes(r.disk_write_bytes))} written, peak ${r.peak_disk_mb_per_sec} MB/s</span> <small>(${r.samples} samples)</small>`,
  );
};

/** The details of step `i`. */
export const stepHtml = (
  s: StepResult,
  i: number,
  byId: ReadonlyMap<string, StepResult>,
  indexOf: ReadonlyMap<string, number>,
  axis: TimeAxis,
): string => {
  const look = statusLook(s.conclusion);
  const open = s.conclusion !== 'succeeded' ? ' open' : '';
  const link = (id: string): string => {
    const k = indexOf.get(id);
    return k === undefined ? esc(id) : `<a href="#s${k}">${esc(id)}</a>`;
  };
  let dl = row('type', esc(s.step_type));
  if (s.invocation !== undefined) dl += row('runs', `<code>${esc(s.invocation)}</code>`);
  if (s.depends_on !== undefined && s.depends_on.length > 0)
    dl += row('waits for', s.depends_on.map(link).join(', '));
  if (s.skip_reason !== undefined) {
    const causes = causesOf(byId, s);
    dl += row(
      `${look.label}: why`,
      `${esc(s.skip_reason)}${causes.length > 0 ? ` — caused by ${causes.map((c) => `${link(c.id)} (${statusLook(c.conclusion).icon} ${esc(statusLook(c.conclusion).label)})`).join(', ')}` : ''}`,
    );
  }
  if (s.outcome !== s.conclusion)
    dl += row(
      'outcome',
      `${statusLook(s.outcome).icon} ${esc(statusLook(s.outcome).label)} (before continue_on_error)`,
    );
  dl += row(
    'timeout',
    `${esc(duration(s.timeout.ms))} <small>from ${esc(s.timeout.source.replace('_', ' '))}: ${esc(s.timeout.explanation)}</small>`,
  );
  const end = ending(s);
  if (end !== undefined) dl += row('ended by', esc(end));
  if (s.message !== undefined) dl += row('message', esc(s.message));
  if (s.hint !== undefined) dl += row('hint', `<span class="hint">${esc(s.hint)}</span>`);
  if (s.warnings.length > 0)
    dl += row(
      'warnings',
      `<ul class="warnings">${s.warnings.map((w) => `<li>⚠ ${esc(w)}</li>`).join('')}</ul>`,
    );
  dl += resourcesBlock(s);
  const attempts = s.attempts.length > 0 ? attemptsTable(s, axis) : '';
  const budget = s.conclusion === 'succeeded' ? CLEAN_TAIL : TROUBLE_TAIL;
  const output = outputBlock('stdout', s.stdout, budget) + outputBlock('stderr', s.stderr, budget);
  const took = s.attempts.length > 0 ? ` · ${duration(s.duration_ms)}` : '';
  const tries = s.attempts.length > 1 ? ` · ${s.attempts.length} attempts` : '';
  return (
    `<details class="step" id="s${i}" data-step="${esc(s.id)}" data-status="${s.conclusion}"${open}>` +
    `<summary><span class="badge ${look.css}">${look.icon} ${esc(look.label)}</span> <b>${esc(s.id)}</b>${s.name !== s.id ? ` ${esc(s.name)}` : ''}<small>${esc(took + tries)}</small></summary>` +
    `<dl>${dl}</dl>${attempts}${output}</details>`
  );
};
