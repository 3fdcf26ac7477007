// `missionkit plan` for people: the waves in order and, for every step, the settings a run would
// use — the effective timeout and where it comes from, the dependency strategy, retries, limits.
import type { ResourceLimits, RetryOn, RetryPolicy } from '../mission/model.js';
import type { PlanView, PlannedCommandView, PlannedStepView } from '../runtime/plan-view.js';
import { unreachable } from '../unreachable.js';
import { duration, plural } from './format.js';
import type { Style } from './style.js';
import { plainText } from './terminal-text.js';
import { fanOutRows } from './fan-out-lines.js';

const retryCondition = (r: RetryOn): string => {
  switch (r._tag) {
    case 'timeout':
    case 'command_not_found':
    case 'spawn_error':
    case 'resource_exceeded':
      return r._tag.replace(/_/g, ' ');
    case 'any_failure':
      return 'any failure';
    case 'exit_code':
      return `exit code ${r.codes.join('/')}`;
    case 'http_status':
      return `HTTP ${r.codes.join('/')}`;
    default:
      return unreachable(r);
  }
};

/** A retry policy in words: `up to 3 attempts, exponential backoff from 2 s (×2, at most 30 s), on timeout`. */
export const retryText = (r: RetryPolicy | null): string => {
  if (r === null || r.max_attempts <= 1) return 'none';
  const backoff =
    r.backoff === 'exponential'
      ? `exponential backoff from ${duration(r.delay_seconds * 1000)} (×${r.multiplier}${r.max_delay_seconds !== undefined ? `, at most ${duration(r.max_delay_seconds * 1000)}` : ''})`
      : `${duration(r.delay_seconds * 1000)} apart`;
  const extras = [
    r.jitter > 0 ? `jitter ${Math.round(r.jitter * 100)}%` : '',
    r.timeout_multiplier !== 1 ? `timeout ×${r.timeout_multiplier} per retry` : '',
  ].filter((x) => x !== '');
  return `up to ${r.max_attempts} attempts, ${backoff}, on ${r.retry_on.map(retryCondition).join(', ')}${extras.length ? `; ${extras.join(', ')}` : ''}`;
};

/** Resource limits in words: `memory 512 MB, CPU 75%`. */
export const limitsText = (l: ResourceLimits | null): string => {
  if (l === null) return 'none';
  const parts = [
    l.max_memory_mb !== undefined ? `memory ${l.max_memory_mb} MB` : '',
    l.max_cpu_percent !== undefined ? `CPU ${l.max_cpu_percent}%` : '',
    l.max_disk_io_mb_per_sec !== undefined ? `disk I/O ${l.max_disk_io_mb_per_sec} MB/s` : '',
    l.max_parallel_steps !== undefined ? `at most ${l.max_parallel_steps} steps at once` : '',
    l.sustained_samples !== undefined && l.sustained_samples > 1
      ? `stopped after ${l.sustained_samples} samples over`
      : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : 'none';
};

/** A command line as a person would type it: arguments with spaces or quotes quoted. */
const commandLine = (program: string, args: ReadonlyArray<string>): string =>
  [program, ...args]
    .map((a) => (a === '' || /[\s'"\\|&;<>()$`*?]/.test(a) ? JSON.stringify(a) : a))
    .join(' ');

/** For a command step: the program and variant chosen on this platform, or why none fits. */
const commandRows = (
  c: PlannedCommandView,
  style: Style,
  row: (label: string, value: string) => string,
): string[] => {
  if (c.error !== undefined)
    return [
      row('command', style.red(plainText(c.error.message))),
      row('', `${style.yellow('hint:')} ${plainText(c.error.hint)}`),
    ];
  const line = c.program !== null ? plainText(commandLine(c.program, c.args)) : '—';
  const shown = line.length > 100 ? `${line.slice(0, 99)}…` : line;
  return [
    row('command', shown),
    ...(c.source !== null && c.source !== 'command' ? [row('platform', plainText(c.explanation))] : []),
    ...c.notes.map((n) => row('', style.dim(plainText(n)))),
  ];
};

const stepLines = (s: PlannedStepView, style: Style): string[] => {
  const row = (label: string, value: string): string => `      ${style.dim(label.padEnd(12))}${value}`;
  return [
    `    ${style.bold(plainText(s.id))} ${style.dim(`(${s.step_type})`)}${s.name !== s.id ? ` ${plainText(s.name)}` : ''}`,
    ...(s.command !== undefined ? commandRows(s.command, style, row) : []),
    ...(s.fan_out !== undefined ? fanOutRows(s.fan_out, style, row) : []),
    row('timeout', `${duration(s.timeout.ms)} ${style.dim(`— ${plainText(s.timeout.explanation)}`)}`),
    row(
      'depends on',
      s.depends_on.length > 0 ? `${s.depends_on.join(', ')} ${style.dim(`(${s.dependency_strategy})`)}` : '—',
    ),
    ...(s.if !== undefined ? [row('runs if', plainText(s.if))] : []),
    row('retry', retryText(s.retry)),
    row('limits', limitsText(s.resource_limits)),
    ...(s.continue_on_error ? [row('on error', 'continue (continue_on_error)')] : []),
  ];
};

const ORDER_MAX = 30;

/** The plan, wave by wave, with every step's effective settings. */
export const planLines = (view: PlanView, style: Style): string[] => {
  const byId = new Map(view.steps.map((s) => [s.id, s]));
  const head = [
    style.bold(`${plainText(view.mission.name)}`),
    `  ${plural(view.steps.length, 'step')} in ${plural(view.waves.length, 'wave')}, up to ${view.max_parallel_steps} at once, fail_fast ${view.fail_fast ? 'on' : 'off'}${view.mission_timeout_ms !== null ? `, mission deadline ${duration(view.mission_timeout_ms)}` : ''}`,
    `  order: ${view.order.length > ORDER_MAX ? `${view.order.slice(0, ORDER_MAX).join(' → ')} → … (${view.order.length - ORDER_MAX} more)` : view.order.join(' → ')}`,
  ];
  const waves = view.waves.flatMap((wave, k) => [
    '',
    `  ${style.bold(`wave ${k + 1}`)} ${style.dim(`(${plural(wave.length, 'step')})`)}`,
    ...wave.flatMap((id) => {
      const s = byId.get(id);
      return s === undefined ? [] : stepLines(s, style);
    }),
  ]);
  return [...head, ...waves];
};
