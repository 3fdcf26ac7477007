// Plain, line-by-line rendering of a run's events: what CI logs and pipes get.
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport, StepResult } from '../scheduler/report.js';
import type { StepStatus } from '../scheduler/step-status.js';
import type { Style } from './style.js';

const SYMBOL: Record<StepStatus, string> = {
  pending: '·',
  running: '▸',
  succeeded: '✔',
  succeeded_with_warnings: '⚠',
  failed: '✖',
  timed_out: '⏱',
  partial: '◐',
  skipped: '⤼',
  cancelled: '⊘',
  resource_exceeded: '✖',
};

/** A duration for people: 850 ms, 12.3 s, 4 min 05 s. */
export const duration = (ms: number): string =>
  ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;

const bytes = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1024 / 1024).toFixed(1)} MiB`;

const colorOf = (style: Style, s: StepStatus): ((t: string) => string) =>
  s === 'succeeded'
    ? style.green
    : s === 'failed' || s === 'timed_out' || s === 'resource_exceeded'
      ? style.red
      : s === 'pending' || s === 'running'
        ? style.dim
        : style.yellow;

const tail = (text: string, lines: number): string[] =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .slice(-lines)
    .filter((l) => l !== '');

/** The lines of a finished step. */
export const stepEndLines = (r: StepResult, style: Style): string[] => {
  const head = `${colorOf(style, r.status)(SYMBOL[r.status])} ${r.id} ${style.dim(r.status === 'skipped' || (r.status === 'cancelled' && r.started_at === null) ? r.status : `${r.status.replace(/_/g, ' ')} in ${duration(r.duration_ms)}${r.attempts.length > 1 ? ` after ${r.attempts.length} attempts` : ''}`)}`;
  const out = [head];
  if (r.skip_reason) out.push(`    ${style.dim(r.skip_reason)}`);
  if (r.message && r.status !== 'succeeded') out.push(`    ${r.message}`);
  if (r.hint) out.push(`    ${style.yellow('hint:')} ${r.hint}`);
  for (const w of r.warnings) out.push(`    ${style.yellow('warning:')} ${w}`);
  if (r.outcome !== 'succeeded' && r.outcome !== 'skipped' && r.outcome !== 'cancelled') {
    const last = [...tail(r.stderr.text, 5), ...tail(r.stdout.text, r.stderr.text ? 0 : 5)];
    for (const l of last) out.push(`    ${style.dim('│')} ${l}`);
  }
  return out;
};

/** The closing summary of a report. */
export const summaryLines = (report: MissionReport, style: Style): string[] => {
  const c = report.counts;
  const parts = [
    `${c.succeeded} succeeded`,
    c.succeeded_with_warnings ? `${c.succeeded_with_warnings} with warnings` : '',
    c.partial ? `${c.partial} partial` : '',
    c.failed ? `${c.failed} failed` : '',
    c.timed_out ? `${c.timed_out} timed out` : '',
    c.resource_exceeded ? `${c.resource_exceeded} over a limit` : '',
    c.skipped ? `${c.skipped} skipped` : '',
    c.cancelled ? `${c.cancelled} cancelled` : '',
  ].filter((p) => p !== '');
  const ok = report.status === 'succeeded' || report.status === 'succeeded_with_warnings';
  const mark = ok ? (report.status === 'succeeded' ? style.green('✔') : style.yellow('⚠')) : style.red('✖');
  return [
    `${mark} ${style.bold(`mission ${report.status.replace(/_/g, ' ')}`)} in ${duration(report.duration_ms)}: ${parts.join(', ')}`,
  ];
};

/** Renders events as plain lines; `verbose` adds every output line. */
export const plainRenderer =
  (write: (line: string) => void, style: Style, verbose: boolean, clockTime: (at: number) => string) =>
  (e: MissionEvent): void => {
    const t = style.dim(clockTime(e.at));
    switch (e.type) {
      case 'mission_start':
        write(
          `${t} ${style.bold(`▶ ${e.name}`)} ${style.dim(`(${e.steps} step${e.steps === 1 ? '' : 's'})`)}`,
        );
        return;
      case 'step_start':
        write(
          `${t} ${style.dim('▸')} ${e.step_id} ${style.dim(`started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}, timeout ${duration(e.timeout_ms)}`)}`,
        );
        return;
      case 'step_output':
        if (verbose) write(`${t}   ${style.dim(`${e.step_id} │`)} ${e.line}`);
        return;
      case 'step_progress':
        write(
          `${t} ${style.dim('…')} ${e.step_id} ${style.dim(`still running after ${duration(e.elapsed_ms)}, ${bytes(e.output_bytes)} of output`)}${e.message ? ` — ${e.message}` : e.last_line ? style.dim(` — ${e.last_line.slice(0, 120)}`) : ''}`,
        );
        return;
      case 'step_warning':
        write(`${t} ${style.yellow('⚠')} ${e.step_id}: ${e.message}`);
        return;
      case 'step_kill':
        write(
          `${t} ${style.red('■')} ${e.step_id} ${style.dim(`${e.mode === 'graceful' ? 'stopping' : 'forcing'} (${e.reason.replace('_', ' ')})`)}`,
        );
        return;
      case 'step_retry':
        write(
          `${t} ${style.yellow('↻')} ${e.step_id} ${style.dim(`attempt ${e.next_attempt} in ${duration(e.delay_ms)} — ${e.reason}`)}`,
        );
        return;
      case 'step_end':
        for (const [i, line] of stepEndLines(e.result, style).entries())
          write(i === 0 ? `${t} ${line}` : `${' '.repeat(clockTime(e.at).length)} ${line}`);
        return;
      case 'mission_warning':
        write(`${t} ${style.yellow('⚠')} ${e.message}`);
        return;
      case 'mission_end':
        for (const line of summaryLines(e.report, style)) write(`${t} ${line}`);
        return;
    }
  };
