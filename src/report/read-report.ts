// Checks that a value read from a JSON file is a missionkit report before anything renders it:
// `missionkit report` is handed arbitrary files, and a wrong one must say what is wrong and where.
import type { MissionReport } from '../scheduler/report.js';
import { SETTLED_STEP_STATUSES } from '../scheduler/step-status.js';

/** The answer: the report, or what makes the value not one (each with its JSON path). */
export type ReportReading =
  | { readonly _tag: 'report'; readonly report: MissionReport }
  | { readonly _tag: 'not_a_report'; readonly problems: ReadonlyArray<string> };

const STEP_STATUSES = new Set<string>(['pending', 'running', ...SETTLED_STEP_STATUSES]);
const MISSION_STATUSES = new Set([
  'succeeded',
  'succeeded_with_warnings',
  'failed',
  'timed_out',
  'cancelled',
]);
/** Past this many, further problems are counted, not listed. */
const MAX_PROBLEMS = 8;

type Rec = Readonly<Record<string, unknown>>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** Reads `value` as a report (as `JSON.parse` gives it); never throws. */
export const readReport = (value: unknown): ReportReading => {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string, v: unknown): boolean => {
    if (!ok) problems.push(`${path}: expected ${what}, found ${v === undefined ? 'nothing' : shown(v)}`);
    return ok;
  };
  const record = (v: unknown, path: string): v is Rec => need(isRecord(v), path, 'an object', v);
  const str = (r: Rec, key: string, path: string): void => {
    need(typeof r[key] === 'string', `${path}.${key}`, 'a string', r[key]);
  };
  const num = (r: Rec, key: string, path: string): void => {
    need(typeof r[key] === 'number' && Number.isFinite(r[key]), `${path}.${key}`, 'a number', r[key]);
  };
  const strOrNull = (r: Rec, key: string, path: string): void => {
    need(r[key] === null || typeof r[key] === 'string', `${path}.${key}`, 'a string or null', r[key]);
  };
  if (!isRecord(value)) {
    return { _tag: 'not_a_report', problems: [`the file holds ${kind(value)}, not a report object`] };
  }
  if (value.format !== 'missionkit.report/v1') {
    const found = value.format === undefined ? 'no `format` field' : `format ${shown(value.format)}`;
    return {
      _tag: 'not_a_report',
      problems: [`$.format: expected "missionkit.report/v1", found ${found}`],
    };
  }
  const m = value.mission;
  if (record(m, '$.mission')) {
    str(m, 'name', '$.mission');
    str(m, 'version', '$.mission');
  }
  need(MISSION_STATUSES.has(value.status as string), '$.status', 'a mission status', value.status);
  str(value, 'started_at', '$');
  str(value, 'ended_at', '$');
  num(value, 'duration_ms', '$');
  num(value, 'success_rate', '$');
  const counts = value.counts;
  if (record(counts, '$.counts')) num(counts, 'total', '$.counts');
  need(Array.isArray(value.warnings), '$.warnings', 'an array', value.warnings);
  const steps = value.steps;
  if (need(Array.isArray(steps), '$.steps', 'an array', steps)) {
    (steps as ReadonlyArray<unknown>).forEach((s, i) => {
      const at = `$.steps[${i}]`;
      if (!record(s, at)) return;
      str(s, 'id', at);
      str(s, 'name', at);
      str(s, 'step_type', at);
      need(STEP_STATUSES.has(s.status as string), `${at}.status`, 'a step status', s.status);
      need(STEP_STATUSES.has(s.outcome as string), `${at}.outcome`, 'a step status', s.outcome);
      strOrNull(s, 'started_at', at);
      strOrNull(s, 'ended_at', at);
      num(s, 'duration_ms', at);
      for (const stream of ['stdout', 'stderr'] as const) {
        const c = s[stream];
        if (record(c, `${at}.${stream}`)) {
          str(c, 'text', `${at}.${stream}`);
          num(c, 'total_bytes', `${at}.${stream}`);
          num(c, 'dropped_bytes', `${at}.${stream}`);
        }
      }
      const timeout = s.timeout;
      if (record(timeout, `${at}.timeout`)) {
        num(timeout, 'ms', `${at}.timeout`);
        str(timeout, 'source', `${at}.timeout`);
        str(timeout, 'explanation', `${at}.timeout`);
      }
      need(
        Array.isArray(s.warnings) && s.warnings.every((w) => typeof w === 'string'),
        `${at}.warnings`,
        'an array of strings',
        s.warnings,
      );
      if (s.depends_on !== undefined)
        need(
          Array.isArray(s.depends_on) && s.depends_on.every((d) => typeof d === 'string'),
          `${at}.depends_on`,
          'an array of step ids',
          s.depends_on,
        );
      if (need(Array.isArray(s.attempts), `${at}.attempts`, 'an array', s.attempts))
        (s.attempts as ReadonlyArray<unknown>).forEach((a, k) => {
          const ap = `${at}.attempts[${k}]`;
          if (!record(a, ap)) return;
          num(a, 'attempt', ap);
          need(STEP_STATUSES.has(a.outcome as string), `${ap}.outcome`, 'a step status', a.outcome);
          str(a, 'started_at', ap);
          str(a, 'ended_at', ap);
          num(a, 'duration_ms', ap);
        });
    });
  }
  if (problems.length === 0) return { _tag: 'report', report: value as unknown as MissionReport };
  const listed = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) listed.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  return { _tag: 'not_a_report', problems: listed };
};
