// The end of a step's output, as the page shows it: the last lines, within a byte budget, so a
// report of many chatty steps stays small. The text is the report's, already masked.
import type { CapturedText } from '../ports/step-type.js';

/** Lines of output shown per stream. */
export const TAIL_LINES = 30;
/** Characters of output shown per stream. */
export const TAIL_CHARS = 3000;

/** The tail to show, and how much of the stream it leaves out (in words), if anything. */
export interface OutputTail {
  readonly text: string;
  readonly omitted: string | undefined;
}

/** The last lines of a captured stream. */
export const outputTail = (c: CapturedText): OutputTail => {
  let text = c.text.endsWith('\n') ? c.text.slice(0, -1) : c.text;
  let cut = false;
  if (text.length > TAIL_CHARS) {
    text = text.slice(text.length - TAIL_CHARS);
    const nl = text.indexOf('\n');
    if (nl !== -1 && nl < text.length - 1) text = text.slice(nl + 1);
    cut = true;
  }
  const lines = text.split('\n');
  if (lines.length > TAIL_LINES) {
    text = lines.slice(lines.length - TAIL_LINES).join('\n');
    cut = true;
  }
  const omitted =
    cut || c.dropped_bytes > 0
      ? `the last ${text.split('\n').length} lines of ${c.total_bytes} bytes`
      : undefined;
  return { text, omitted };
};
