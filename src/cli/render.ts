// Plain, line-by-line rendering of a run's events: what CI logs and pipes get. Every line starts
// with the time; nothing is redrawn, so the log reads the same in any viewer.
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { StepResult } from '../scheduler/report.js';
import { unreachable } from '../unreachable.js';
import { bytes, duration, statusColor, statusSymbol, statusWords } from './format.js';
import type { Style } from './style.js';
import { lastRedraw, plainText } from './terminal-text.js';

const tail = (text: string, lines: number): string[] =>
  text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .slice(-lines)
    .map((l) => plainText(lastRedraw(l)))
    .filter((l) => l.trim() !== '');

/** The collapsed status line of a finished step: `✔ build succeeded in 1.2 s`. */
export const stepStatusLine = (r: StepResult, style: Style): string => {
  const notRun = r.started_at === null;
  const detail = notRun
    ? statusWords(r.status)
    : `${statusWords(r.status)} in ${duration(r.duration_ms)}${r.attempts.length > 1 ? ` after ${r.attempts.length} attempts` : ''}`;
  return `${statusColor(style, r.status)(statusSymbol(r.status))} ${plainText(r.id)} ${style.dim(detail)}`;
};

/** The lines of a finished step: its status line, then why (skip reason, message, hint, warnings, output tail). */
export const stepEndLines = (r: StepResult, style: Style): string[] => {
  const out = [stepStatusLine(r, style)];
  if (r.skip_reason) out.push(`    ${style.dim(plainText(r.skip_reason))}`);
  if (r.message && r.status !== 'succeeded') out.push(`    ${plainText(r.message)}`);
  if (r.hint) out.push(`    ${style.yellow('hint:')} ${plainText(r.hint)}`);
  for (const w of r.warnings) out.push(`    ${style.yellow('warning:')} ${plainText(w)}`);
  if (r.outcome !== 'succeeded' && r.outcome !== 'skipped' && r.outcome !== 'cancelled') {
    const last = [...tail(r.stderr.text, 5), ...tail(r.stdout.text, r.stderr.text ? 0 : 5)];
    for (const l of last) out.push(`    ${style.dim('│')} ${l}`);
  }
  return out;
};

/** The line a progress heartbeat prints: how long, how much output, and the last line or message. */
export const progressText = (
  e: Extract<MissionEvent, { type: 'step_progress' }>,
  style: Style,
  maxLine = 120,
): string => {
  const fraction = e.fraction !== undefined ? ` ${Math.round(e.fraction * 100)}%` : '';
  const what = e.message
    ? ` — ${plainText(e.message)}${fraction}`
    : e.last_line
      ? style.dim(` — ${plainText(lastRedraw(e.last_line)).slice(0, maxLine)}`)
      : fraction;
  return `${style.dim('…')} ${e.step_id} ${style.dim(`still running after ${duration(e.elapsed_ms)}, ${bytes(e.output_bytes)} of output`)}${what}`;
};

/** The one-line form of the events both views print as they happen (heartbeats, warnings, kills, retries). */
export const noticeLine = (
  e: Extract<
    MissionEvent,
    { type: 'step_progress' | 'step_warning' | 'step_kill' | 'step_retry' | 'mission_warning' }
  >,
  style: Style,
): string => {
  switch (e.type) {
    case 'step_progress':
      return progressText(e, style);
    case 'step_warning':
      return `${style.yellow('⚠')} ${e.step_id}: ${plainText(e.message)}`;
    case 'step_kill':
      return `${style.red('■')} ${e.step_id} ${style.dim(`${e.mode === 'graceful' ? 'stopping' : 'forcing'} (${e.reason.replace(/_/g, ' ')})`)}`;
    case 'step_retry':
      return `${style.yellow('↻')} ${e.step_id} ${style.dim(`attempt ${e.next_attempt} in ${duration(e.delay_ms)} — ${plainText(e.reason)}`)}`;
    case 'mission_warning':
      return `${style.yellow('⚠')} ${plainText(e.message)}`;
    default:
      return unreachable(e);
  }
};

/**
 * Whether a progress event is the step's own report (`ctx.progress`: a message or a fraction)
 * rather than the engine's heartbeat at the progress interval.
 */
export const isStepReport = (e: Extract<MissionEvent, { type: 'step_progress' }>): boolean =>
  e.message !== undefined || e.fraction !== undefined;

/** Renders events as plain timestamped lines; `verbose` adds every output line. */
export const plainRenderer = (
  write: (line: string) => void,
  style: Style,
  verbose: boolean,
  clockTime: (at: number) => string,
): ((e: MissionEvent) => void) => {
  // What each running step last said about its progress: shown with its next heartbeat, so a
  // log gets a line at the progress interval, not one each time a step reports (an HTTP step
  // says "GET …" as it starts).
  const said = new Map<string, { readonly message?: string; readonly fraction?: number }>();
  // A resumed run sends what its journal recorded first: the log says where that ends.
  let replaying = false;
  return (e: MissionEvent): void => {
    const time = clockTime(e.at);
    const t = style.dim(time);
    if (e.replayed === true && !replaying) write(style.dim('── recorded before the host stopped ──'));
    else if (e.replayed !== true && replaying) write(style.dim('── resumed ──'));
    replaying = e.replayed === true;
    switch (e.type) {
      case 'mission_start':
        write(
          `${t} ${style.bold(`▶ ${plainText(e.name)}`)} ${style.dim(`(${e.steps} step${e.steps === 1 ? '' : 's'})`)}`,
        );
        return;
      case 'step_start':
        write(
          `${t} ${style.dim('▸')} ${e.step_id} ${style.dim(`started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}, timeout ${duration(e.timeout_ms)}`)}`,
        );
        return;
      case 'step_output':
        if (verbose) write(`${t}   ${style.dim(`${e.step_id} │`)} ${plainText(lastRedraw(e.line))}`);
        return;
      case 'step_redraw':
        // A log shows the line once, when it ends.
        return;
      case 'step_resources':
        // A sample every few seconds per step is noise in a log; the summary has the peaks.
        if (verbose)
          write(
            `${t}   ${style.dim(`${e.step_id} ▪ ${bytes(e.memory_bytes)}, ${Math.round(e.cpu_percent)}% CPU, ${e.processes} process${e.processes === 1 ? '' : 'es'}`)}`,
          );
        return;
      case 'step_progress': {
        if (isStepReport(e)) {
          said.set(e.step_id, {
            ...said.get(e.step_id),
            ...(e.message !== undefined ? { message: e.message } : {}),
            ...(e.fraction !== undefined ? { fraction: e.fraction } : {}),
          });
          return;
        }
        write(`${t} ${progressText({ ...e, ...said.get(e.step_id) }, style)}`);
        return;
      }
      case 'step_warning':
      case 'step_kill':
      case 'step_retry':
      case 'mission_warning':
        write(`${t} ${noticeLine(e, style)}`);
        return;
      case 'step_end':
        said.delete(e.result.id);
        for (const [i, line] of stepEndLines(e.result, style).entries())
          write(i === 0 ? `${t} ${line}` : `${' '.repeat(time.length)} ${line}`);
        return;
      case 'mission_end':
        // The summary comes after the run, below the table, where the command prints it.
        return;
      case 'mission_warnings':
        // Printed with their source lines before the run starts (run-command.ts).
        return;
      default:
        unreachable(e);
    }
  };
};
