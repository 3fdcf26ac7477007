// A mission report as JUnit XML, the format CI systems display (Jenkins, GitLab, GitHub checks,
// Azure): one test case per step, valid against the Jenkins xUnit plugin's junit-10.xsd. Step
// output is arbitrary bytes, so everything written is made valid XML first: characters XML 1.0
// forbids are shown as escapes, `]]>` cannot end a CDATA section early, terminal colours go.
import type { MissionReport, StepResult } from '../scheduler/report.js';
import { isFailure, isSuccess } from '../scheduler/step-status.js';
import { statusWords } from './format.js';
import { withoutEscapes } from './terminal-text.js';

/** Options of `junitXml`. */
export interface JUnitOptions {
  /**
   * The most bytes of each output stream kept in `<system-out>`, `<system-err>` and a failure's
   * output tail (the end is kept: that is where a failure shows).
   * @default 65536
   */
  readonly outputBytes?: number;
  /** Lines of output shown in a failure's body. @default 50 */
  readonly failureLines?: number;
}

// XML 1.0 allows tab, newline, carriage return, and #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF.
// With the `u` flag a lone surrogate is one code point, outside every allowed range.
const INVALID = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text that is valid XML character data: colours removed, forbidden characters written as `\xNN` / `\uNNNN`. */
export const xmlChars = (text: string): string =>
  withoutEscapes(text).replace(INVALID, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });

/** A value for a double-quoted attribute; newlines and tabs are kept as character references. */
export const xmlAttribute = (text: string): string =>
  xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');

/** Text as a CDATA section; a `]]>` inside is split across two sections so it cannot end the first. */
export const xmlCdata = (text: string): string =>
  `<![CDATA[${xmlChars(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/** The end of a captured stream, at most `max` bytes (UTF-16 units, close enough), from a line start when possible. */
const lastBytes = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const nl = cut.indexOf('\n');
  const body = nl !== -1 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut;
  return `[… ${text.length - body.length} earlier characters not shown; the JSON report (--report) keeps more …]\n${body}`;
};

const lastLines = (text: string, lines: number): string =>
  text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .slice(-lines)
    .join('\n');

const caseName = (r: StepResult): string => (r.name === r.id || r.name === '' ? r.id : `${r.id}: ${r.name}`);

/** The body of a failure: what happened, what to do, and the output's last lines. */
const failureBody = (r: StepResult, o: Required<JUnitOptions>): string => {
  const parts = [
    `${r.id} ${statusWords(r.status)}${r.exit_code !== null ? ` (exit code ${r.exit_code})` : r.signal !== null ? ` (${r.signal})` : ''}`,
    ...(r.message !== undefined ? [r.message] : []),
    ...(r.hint !== undefined ? [`hint: ${r.hint}`] : []),
  ];
  for (const [name, captured] of [
    ['stderr', r.stderr.text],
    ['stdout', r.stdout.text],
  ] as const) {
    if (captured.trim() === '') continue;
    parts.push('', `last lines of ${name}:`, lastLines(lastBytes(captured, o.outputBytes), o.failureLines));
  }
  return parts.join('\n');
};

const testcase = (r: StepResult, classname: string, o: Required<JUnitOptions>): string[] => {
  const open = `    <testcase name="${xmlAttribute(caseName(r))}" classname="${xmlAttribute(classname)}" time="${seconds(r.duration_ms)}">`;
  const inner: string[] = [];
  const started = r.started_at !== null;
  if (r.status === 'skipped' || (r.status === 'cancelled' && !started)) {
    inner.push(`      <skipped message="${xmlAttribute(r.skip_reason ?? statusWords(r.status))}"/>`);
  } else if (r.status === 'cancelled') {
    inner.push(
      `      <error type="cancelled" message="${xmlAttribute(r.message ?? 'cancelled while running')}">${xmlCdata(failureBody(r, o))}</error>`,
    );
  } else if (isFailure(r.status)) {
    // Earlier attempts that failed too are reruns of the same test, as Maven Surefire writes them.
    for (const a of r.attempts.slice(0, -1))
      inner.push(
        `      <rerunFailure type="${xmlAttribute(a.outcome)}" message="${xmlAttribute(`attempt ${a.attempt}: ${a.message ?? statusWords(a.outcome)}`)}"/>`,
      );
    inner.push(
      `      <failure type="${xmlAttribute(r.status)}" message="${xmlAttribute(r.message ?? statusWords(r.status))}">${xmlCdata(failureBody(r, o))}</failure>`,
    );
  } else if (isSuccess(r.status)) {
    // Failed attempts before the one that passed make the step flaky, not failed.
    for (const a of r.attempts.filter((x) => !isSuccess(x.outcome)))
      inner.push(
        `      <flakyFailure type="${xmlAttribute(a.outcome)}" message="${xmlAttribute(`attempt ${a.attempt}: ${a.message ?? statusWords(a.outcome)}`)}"/>`,
      );
  }
  const notes = [
    ...(r.outcome !== r.status ? [`outcome: ${r.outcome} (conclusion: ${r.status})`] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  const out = r.stdout.text;
  if (out !== '' || notes.length > 0)
    inner.push(
      `      <system-out>${xmlCdata([...notes, ...(notes.length > 0 && out !== '' ? [''] : []), lastBytes(out, o.outputBytes)].join('\n'))}</system-out>`,
    );
  if (r.stderr.text !== '')
    inner.push(`      <system-err>${xmlCdata(lastBytes(r.stderr.text, o.outputBytes))}</system-err>`);
  return inner.length === 0 ? [`${open.slice(0, -1)}/>`] : [open, ...inner, '    </testcase>'];
};

const property = (name: string, value: string): string =>
  `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`;

/** The report as a JUnit XML document: one `<testsuite>` for the mission, one `<testcase>` per step. */
export const junitXml = (report: MissionReport, options: JUnitOptions = {}): string => {
  const o: Required<JUnitOptions> = {
    outputBytes: options.outputBytes ?? 65_536,
    failureLines: options.failureLines ?? 50,
  };
  const steps = report.steps;
  const failures = steps.filter((s) => isFailure(s.status)).length;
  const errors = steps.filter((s) => s.status === 'cancelled' && s.started_at !== null).length;
  const skipped = steps.filter(
    (s) => s.status === 'skipped' || (s.status === 'cancelled' && s.started_at === null),
  ).length;
  const time = seconds(report.duration_ms);
  const name = report.mission.name;
  const properties = [
    property('missionkit.status', report.status),
    property('missionkit.mission.version', report.mission.version),
    ...(report.mission.file !== undefined ? [property('missionkit.mission.file', report.mission.file)] : []),
    property('missionkit.success_rate', String(report.success_rate)),
    ...(report.cancel_reason !== undefined
      ? [property('missionkit.cancel_reason', report.cancel_reason)]
      : []),
    ...report.warnings.map((w, i) => property(`missionkit.warning.${i + 1}`, w)),
    ...steps.flatMap((s) => [
      property(`${s.id}.attempts`, String(s.attempts.length)),
      property(`${s.id}.outcome`, s.outcome),
      ...(s.exit_code !== null ? [property(`${s.id}.exit_code`, String(s.exit_code))] : []),
      ...(s.kill_reason !== undefined ? [property(`${s.id}.kill_reason`, s.kill_reason)] : []),
      ...(s.containment !== undefined ? [property(`${s.id}.containment`, s.containment)] : []),
      ...(s.failure_kind !== undefined ? [property(`${s.id}.failure_kind`, s.failure_kind)] : []),
    ]),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="missionkit" tests="${steps.length}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${xmlAttribute(name)}" tests="${steps.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${xmlAttribute(report.started_at)}"${report.mission.file !== undefined ? ` file="${xmlAttribute(report.mission.file)}"` : ''}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...steps.flatMap((s) => testcase(s, name, o)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
