// The end of a run, for people: one line with the mission's status and counts, a table of every
// step, and for each failed step the last lines of its output and the hint — what to read first
// when something went wrong.
import type { MissionReport, StepResult } from '../scheduler/report.js';
import { isFailure } from '../scheduler/step-status.js';
import { bytes, duration, missionSucceeded, statusColor, statusSymbol, statusWords } from './format.js';
import type { Style } from './style.js';
import { displayWidth, fitWidth, lastRedraw, plainText } from './terminal-text.js';

/** Words wrapped to `width` columns at spaces (a word longer than a line is cut), later lines indented. */
const wrapWords = (text: string, width: number, indent: string): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width || line === '') line = candidate;
    else {
      lines.push(line);
      line = `${indent}${word}`;
    }
  }
  lines.push(line);
  return lines.map((l) => fitWidth(l, width));
};

/**
 * The mission's status, duration and counts by status, on one line — or, on a terminal narrower
 * than that line (`width` columns), on several, wrapped between words.
 */
export const summaryLine = (report: MissionReport, style: Style, width = Infinity): string => {
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
  const mark = missionSucceeded(report.status)
    ? report.status === 'succeeded'
      ? style.green('✔')
      : style.yellow('⚠')
    : style.red('✖');
  const why = report.cancel_reason !== undefined ? ` (${report.cancel_reason})` : '';
  const head = `mission ${statusWords(report.status)}`;
  const rest = ` in ${duration(report.duration_ms)}: ${parts.join(', ')}${why}`;
  if (2 + displayWidth(head + rest) <= width) return `${mark} ${style.bold(head)}${rest}`;
  const lines = wrapWords(`${head}${rest}`, width - 2, '');
  return lines.map((l, i) => (i === 0 ? `${mark} ${l}` : `  ${l}`)).join('\n');
};

/** A step's peak memory, when its process tree was sampled. */
export const peakMemoryBytes = (r: StepResult): number | undefined =>
  r.resources !== undefined && r.resources.samples > 0 ? r.resources.peak_memory_bytes : undefined;

const ID_MAX = 40;

/** The narrowest the step and status columns get before a column is left out. */
const MIN_ID = 8;
const MIN_STATUS = 11;

/**
 * Every step in declaration order: status, duration, attempts, and peak memory when measured —
 * fitted to `width` columns: on a narrow terminal long ids and statuses are cut with `…`, and
 * the peak memory, then the attempts column, are left out, so no row wraps.
 */
export const summaryTable = (report: MissionReport, style: Style, width = Infinity): string[] => {
  if (report.steps.length === 0) return [];
  const withMemory = report.steps.some((s) => peakMemoryBytes(s) !== undefined);
  const header = ['step', 'status', 'duration', 'attempts', ...(withMemory ? ['peak memory'] : [])];
  const rows = report.steps.map((s) => {
    const peak = peakMemoryBytes(s);
    return {
      status: s.status,
      cells: [
        fitWidth(plainText(s.id), ID_MAX),
        `${statusSymbol(s.status)} ${statusWords(s.status)}`,
        s.started_at === null ? '—' : duration(s.duration_ms),
        String(s.attempts.length),
        ...(withMemory ? [peak === undefined ? '—' : bytes(peak)] : []),
      ],
    };
  });
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r.cells[i] ?? ''))),
  );
  const natural = [...widths];
  const total = (): number => 2 + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const shrink = (i: number, least: number): void => {
    widths[i] = Math.max(Math.min(widths[i]!, least), widths[i]! - (total() - width));
  };
  const drop = (i: number): void => {
    header.splice(i, 1);
    widths.splice(i, 1);
    for (const r of rows) r.cells.splice(i, 1);
  };
  if (total() > width && withMemory) drop(4);
  if (total() > width) shrink(0, MIN_ID);
  if (total() > width) shrink(1, MIN_STATUS);
  if (total() > width) drop(3);
  if (total() > width) shrink(0, 4);
  if (total() > width) shrink(1, 1);
  // Room a dropped column left goes back to the step ids, then the statuses.
  for (const i of [0, 1]) widths[i] = Math.min(natural[i]!, widths[i]! + Math.max(0, width - total()));
  for (const r of rows) r.cells.forEach((c, i) => (r.cells[i] = fitWidth(c, widths[i]!)));
  header.forEach((h, i) => (header[i] = fitWidth(h, widths[i]!)));
  const pad = (text: string, i: number): string => {
    const room = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
    return i >= 2 ? room + text : text + room;
  };
  const line = (cells: ReadonlyArray<string>, colour: (i: number, s: string) => string): string =>
    `  ${cells.map((c, i) => colour(i, pad(c, i))).join('  ')}`.trimEnd();
  return [
    line(header, (_i, s) => style.dim(s)),
    ...rows.map((r) => line(r.cells, (i, s) => (i === 1 ? statusColor(style, r.status)(s) : s))),
  ];
};

/**
 * How the steps' processes were contained, in one line under the table: a cgroup holds everything
 * a step starts, a process group can be left by a daemon (docs/processes.md). Undefined when no
 * step started a process.
 */
export const containmentLine = (report: MissionReport, style: Style): string | undefined => {
  const byKind = new Map<string, string[]>();
  for (const s of report.steps) {
    if (s.containment === undefined) continue;
    const ids = byKind.get(s.containment);
    if (ids === undefined) byKind.set(s.containment, [plainText(s.id)]);
    else ids.push(plainText(s.id));
  }
  if (byKind.size === 0) return undefined;
  const kinds = [...byKind.entries()];
  const text =
    kinds.length === 1
      ? `processes contained by ${kinds[0]![0]}`
      : `processes contained by ${kinds.map(([kind, ids]) => `${kind} (${ids.join(', ')})`).join(', ')}`;
  return style.dim(`  ${text}`);
};

const tail = (text: string, lines: number): string[] =>
  text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .slice(-lines)
    .map((l) => plainText(lastRedraw(l)));

/** Why a failed step failed: its message, the last lines of its output, and the hint. */
export const failureDetails = (r: StepResult, style: Style, lines = 10): string[] => {
  const out = [
    `${statusColor(style, r.status)(statusSymbol(r.status))} ${style.bold(plainText(r.id))} ${statusWords(r.status)}${r.exit_code !== null && r.exit_code !== 0 ? ` (exit code ${r.exit_code})` : r.signal !== null ? ` (${r.signal})` : ''}`,
  ];
  if (r.message !== undefined) out.push(`    ${plainText(r.message)}`);
  const streams = [
    ['stderr', r.stderr.text],
    ['stdout', r.stdout.text],
  ] as const;
  for (const [name, text] of streams) {
    if (text.trim() === '') continue;
    out.push(`    ${style.dim(`last lines of ${name}:`)}`);
    for (const l of tail(text, lines)) out.push(`    ${style.dim('│')} ${l}`);
  }
  if (r.hint !== undefined) out.push(`    ${style.yellow('hint:')} ${plainText(r.hint)}`);
  return out;
};

/** The steps whose failure made the mission fail, each with its details. */
export const failureSection = (report: MissionReport, style: Style): string[] =>
  report.steps.filter((s) => isFailure(s.status)).flatMap((s) => ['', ...failureDetails(s, style)]);
