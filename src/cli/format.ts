// How statuses and quantities are written for people: one symbol, colour and word per status,
// and durations and sizes in the units a person reads at a glance.
import type { MissionStatus, StepStatus } from '../scheduler/step-status.js';
import { unreachable } from '../unreachable.js';
import type { Style } from './style.js';

/** The symbol of a step status: ✔ ✖ ⚠ ⏱ ⤼ for succeeded, failed, warnings, timed out, skipped. */
export const statusSymbol = (s: StepStatus): string => {
  switch (s) {
    case 'pending':
      return '·';
    case 'running':
      return '▸';
    case 'succeeded':
      return '✔';
    case 'succeeded_with_warnings':
      return '⚠';
    case 'failed':
      return '✖';
    case 'timed_out':
      return '⏱';
    case 'partial':
      return '◐';
    case 'skipped':
      return '⤼';
    case 'cancelled':
      return '⊘';
    case 'resource_exceeded':
      return '✖';
    default:
      return unreachable(s);
  }
};

/** Whether a mission status means exit code 0. */
export const missionSucceeded = (s: MissionStatus): boolean =>
  s === 'succeeded' || s === 'succeeded_with_warnings';

/** The colour of a step status: green success, red failure, yellow in between, dim not yet. */
export const statusColor = (style: Style, s: StepStatus): ((t: string) => string) => {
  switch (s) {
    case 'succeeded':
      return style.green;
    case 'failed':
    case 'timed_out':
    case 'resource_exceeded':
      return style.red;
    case 'pending':
    case 'running':
      return style.dim;
    case 'succeeded_with_warnings':
    case 'partial':
    case 'skipped':
    case 'cancelled':
      return style.yellow;
    default:
      return unreachable(s);
  }
};

/** A status as words: `timed_out` → `timed out`. */
export const statusWords = (s: StepStatus | MissionStatus): string => s.replace(/_/g, ' ');

/** A duration for people: 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export const duration = (ms: number): string => {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return ms % 1000 === 0 ? `${ms / 1000} s` : `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600 && s % 60 === 0 && ms % 1000 === 0) return `${s / 60} min`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
};

/** A running time on a live line: 0.4s, 12.3s, 4m05s — short, and it never jumps in width within a unit. */
export const elapsed = (ms: number): string => {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
};

/** A size for people: 512 B, 1.2 KiB, 3.4 MiB, 1.1 GiB. */
export const bytes = (n: number): string => {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
};

/** `1 step`, `2 steps`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
