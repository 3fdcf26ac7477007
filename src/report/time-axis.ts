// The shared time axis of a report: every attempt's start and end as a percentage of the run, so
// bars of different steps line up and side-by-side work is seen as such.
import type { MissionReport } from '../scheduler/report.js';

/** Positions on the axis, as CSS percentages. */
export interface TimeAxis {
  readonly start: number;
  readonly span: number;
  /** Milliseconds since the run started → `12.34` (percent of the axis, clamped to 0–100). */
  readonly at: (ms: number) => number;
  /** An ISO time → milliseconds since the run started (0 when unreadable). */
  readonly offset: (iso: string) => number;
}

const parse = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : NaN;
};

/** The axis of a report: from its start to its end or its last attempt's end, whichever is later. */
export const timeAxis = (report: MissionReport): TimeAxis => {
  const start = Number.isFinite(parse(report.started_at)) ? parse(report.started_at) : 0;
  let end = start + Math.max(0, report.duration_ms);
  for (const s of report.steps)
    for (const a of s.attempts) {
      const t = parse(a.ended_at);
      if (Number.isFinite(t) && t > end) end = t;
    }
  const span = Math.max(1, end - start);
  return {
    start,
    span,
    at: (ms) => Math.round(Math.min(100, Math.max(0, (ms / span) * 100)) * 100) / 100,
    offset: (iso) => {
      const t = parse(iso);
      return Number.isFinite(t) ? t - start : 0;
    },
  };
};

/** About five round tick positions (in ms) for an axis of `span` ms. */
export const ticks = (span: number): ReadonlyArray<number> => {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000];
  let step = steps.find((s) => span / s <= 6) ?? 60_000;
  while (span / step > 6) step *= 2;
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
};
