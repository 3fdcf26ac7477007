// Mission errors and warnings as a person reads them in a terminal: `file:line:col`, the offending
// line with a caret under the spot, and the hint — every problem, not only the first.
import { formatMissionError, type MissionError } from '../mission/errors.js';
import type { Style } from './style.js';

/** What printing problems needs from the world: a file's text, and how to show its path. */
export interface ProblemSource {
  /** The file's text, or undefined when it cannot be read. */
  readonly read: (file: string) => Promise<string | undefined>;
  /** How to name a file for the reader: relative to where they are, when that is shorter. */
  readonly display: (file: string) => string;
}

const WINDOW = 100;

/** The source line with a caret under `column`; long lines are shown around the column. */
export const caretLines = (line: string, lineNumber: number, column: number, style: Style): string[] => {
  // Control characters become `?` one for one, so the caret stays under the right column.
  // eslint-disable-next-line no-control-regex
  let text = line.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '?');
  let col = Math.max(1, Math.min(column, text.length + 1));
  if (text.length > WINDOW) {
    const start = Math.max(0, Math.min(col - 1 - WINDOW / 2, text.length - WINDOW));
    const shown = text.slice(start, start + WINDOW);
    text = `${start > 0 ? '…' : ''}${shown}${start + WINDOW < text.length ? '…' : ''}`;
    col = col - start + (start > 0 ? 1 : 0);
  }
  const gutter = `${lineNumber} | `;
  // Tabs are kept under tabs so the caret lines up however wide the terminal draws a tab.
  const pad = [...text.slice(0, col - 1)].map((c) => (c === '\t' ? '\t' : ' ')).join('');
  return [`  ${style.dim(gutter)}${text}`, `  ${' '.repeat(gutter.length)}${pad}${style.red('^')}`];
};

/** Every problem, each with its location, the source line and caret, and its hint. */
export const problemLines = async (
  problems: ReadonlyArray<MissionError>,
  source: ProblemSource,
  style: Style,
): Promise<string[]> => {
  const files = new Map<string, Promise<ReadonlyArray<string> | undefined>>();
  const out: string[] = [];
  for (const e of problems) {
    const shown: MissionError = e.file === undefined ? e : { ...e, file: source.display(e.file) };
    const [first = '', ...rest] = formatMissionError(shown).split('\n');
    out.push(e.severity === 'error' ? style.red(first) : style.yellow(first));
    if (e.file !== undefined && e.position !== undefined) {
      if (!files.has(e.file))
        files.set(
          e.file,
          source.read(e.file).then((t) => t?.split(/\r?\n/)),
        );
      const line = (await files.get(e.file))?.[e.position.line - 1];
      if (line !== undefined) out.push(...caretLines(line, e.position.line, e.position.column, style));
    }
    out.push(...rest.map((l) => (l.startsWith('  hint:') ? `  ${style.yellow('hint:')}${l.slice(7)}` : l)));
  }
  return out;
};

/** `2 errors, 1 warning`. */
export const problemCount = (errors: number, warnings: number): string =>
  [
    errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ]
    .filter((p) => p !== '')
    .join(', ');
