// The end of a step's output, as the page shows it: the last lines, within a byte budget, so a
// report of many chatty steps stays small. The text is the report's, already masked.
import type { CapturedText } from '../ports/step-type.js';

/** How much of a stream is shown: more for a step that needs a look, less for a clean one. */
export interface TailBudget {
  readonly lines: number;
  readonly chars: number;
}

/** The budget of a step that did not succeed cleanly. */
export const TROUBLE_TAIL: TailBudget = { lines: 40, chars: 4000 };
/** The budget of a step that succeeded cleanly. */
export const CLEAN_TAIL: TailBudget = { lines: 8, chars: 800 };

/** The tail to show, and how much of the stream it leaves out (in words), if anything. */
export interface OutputTail {
  readonly text: string;
  readonly omitted: string | undefined;
}

/** The last lines of a captured stream. */
export const outputTail = (c: CapturedText, budget: TailBudget): OutputTail => {
  let text = c.text.endsWith('\n') ? c.text.slice(0, -1) : c.text;
  let cut = false;
  if (text.length > budget.chars) {
    text = text.slice(text.length - budget.chars);
    const nl = text.indexOf('\n');
    if (nl !== -1 && nl < text.length - 1) text = text.slice(nl + 1);
    cut = true;
  }
  const lines = text.split('\n');
  if (lines.length > budget.lines) {
    text = lines.slice(lines.length - budget.lines).join('\n');
    cut = true;
  }
  const omitted =
    cut || c.dropped_bytes > 0
      ? `the last ${text.split('\n').length} lines of ${c.total_bytes} bytes`
      : undefined;
  return { text, omitted };
};
