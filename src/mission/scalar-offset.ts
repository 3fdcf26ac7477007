// Where a character of a string value stands in the YAML text: an error inside an `if:`
// expression points at the offending character, not at the start of the value, whatever way the
// string was written (plain, quoted with escapes, or as a `|`/`>` block). The mapping is checked
// against the value read; where it does not agree, the value's start is the answer.
import type { SourcePosition } from './errors.js';

interface Placed {
  readonly ch: string;
  readonly line: number;
  readonly column: number;
}

const ESCAPE_LENGTH: Readonly<Record<string, number>> = { x: 4, u: 6, U: 10 };

/** The characters of a flow scalar's value, each with where it was written (one line only). */
const flowChars = (written: string, start: SourcePosition): Placed[] | undefined => {
  if (written.includes('\n')) return undefined;
  const out: Placed[] = [];
  const at = (j: number): Placed => ({ ch: '', line: start.line, column: start.column + j });
  const quote = written[0];
  if (quote === '"' || quote === "'") {
    for (let j = 1; j < written.length - 1;) {
      const c = written[j]!;
      if (quote === "'" && c === "'" && written[j + 1] === "'") {
        out.push({ ...at(j), ch: "'" });
        j += 2;
      } else if (quote === '"' && c === '\\') {
        // The escape stands for one character; its first written character is where it is.
        out.push({ ...at(j), ch: '\u0000' });
        j += ESCAPE_LENGTH[written[j + 1] ?? ''] ?? 2;
      } else {
        out.push({ ...at(j), ch: c });
        j += 1;
      }
    }
    return out;
  }
  for (let j = 0; j < written.length; j++) out.push({ ...at(j), ch: written[j]! });
  return out;
};

/** The characters of a block scalar (`|` or `>`), each with where it was written. */
const blockChars = (written: string, start: SourcePosition): Placed[] => {
  const lines = written.split('\n');
  const folded = written[0] === '>';
  const content = lines.slice(1);
  const indent = Math.min(
    ...content.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
    Infinity,
  );
  const out: Placed[] = [];
  content.forEach((l, k) => {
    const line = start.line + 1 + k;
    const body = l.slice(indent === Infinity ? 0 : indent);
    for (let j = 0; j < body.length; j++) out.push({ ch: body[j]!, line, column: indent + j + 1 });
    out.push({
      ch: folded && body !== '' && (content[k + 1] ?? '').trim() !== '' ? ' ' : '\n',
      line,
      column: indent + body.length + 1,
    });
  });
  return out;
};

/**
 * The position of `value[offset]` in the scalar written as `written` starting at `start`, when
 * the mapping can be trusted; otherwise `start`.
 */
export const positionInScalar = (
  written: string | undefined,
  start: SourcePosition,
  value: string,
  offset: number,
): SourcePosition => {
  if (written === undefined) return start;
  const placed =
    written[0] === '|' || written[0] === '>' ? blockChars(written, start) : flowChars(written, start);
  if (placed === undefined) return start;
  const target = Math.min(offset, value.length);
  // Trust the mapping only as far as it reproduces the value (escapes stand in as NUL).
  for (let k = 0; k < target; k++) {
    const p = placed[k];
    if (p === undefined || (p.ch !== value[k] && p.ch !== '\u0000')) return start;
  }
  const p = placed[target];
  if (p !== undefined) return { line: p.line, column: p.column };
  const last = placed[placed.length - 1];
  return last !== undefined && target === value.length ? { line: last.line, column: last.column + 1 } : start;
};
