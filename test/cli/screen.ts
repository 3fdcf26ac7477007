// A small terminal emulator: replays what a program wrote to a terminal and returns the text a
// person would see — carriage returns, cursor movement and clearing applied, colours dropped.
// Enough of VT100 for the sequences a live progress view uses; anything else fails loudly so a
// test never passes by ignoring what it does not understand.

/** What the screen holds (scrollback included), line by line, without trailing spaces. */
export interface Screen {
  readonly lines: ReadonlyArray<string>;
  /** Whether the cursor is visible at the end. */
  readonly cursorVisible: boolean;
}

/**
 * Replays `output` on a terminal `columns` wide (unlimited height: nothing scrolls away). A newline
 * also returns the carriage, as a terminal's line discipline does by default (`onlcr`).
 */
export const replay = (output: string, columns = 80): Screen => {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let cursorVisible = true;
  const line = (r: number): string[] => {
    while (lines.length <= r) lines.push([]);
    return lines[r]!;
  };
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\u001b') {
      const rest = chars.slice(i + 1, i + 40).join('');
      const m = /^\[(\??)([0-9;]*)([A-Za-z])/.exec(rest);
      if (m === null) throw new Error(`unsupported escape sequence: ${JSON.stringify(rest.slice(0, 10))}`);
      i += m[0].length;
      const [, priv, params, final] = m;
      const n = params === '' ? 1 : Number(params!.split(';')[0]);
      if (priv === '?') {
        if (params === '25' && final === 'l') cursorVisible = false;
        else if (params === '25' && final === 'h') cursorVisible = true;
        else throw new Error(`unsupported private sequence ?${params}${final}`);
        continue;
      }
      switch (final) {
        case 'm':
          break; // colours and styles
        case 'A':
          row = Math.max(0, row - n);
          break;
        case 'B':
          row += n;
          break;
        case 'C':
          col += n;
          break;
        case 'D':
          col = Math.max(0, col - n);
          break;
        case 'G':
          col = n - 1;
          break;
        case 'K':
          line(row).length = Math.min(line(row).length, col);
          break;
        case 'J':
          line(row).length = Math.min(line(row).length, col);
          lines.length = row + 1;
          break;
        default:
          throw new Error(`unsupported escape sequence ESC[${params}${final}`);
      }
      continue;
    }
    if (ch === '\r') {
      col = 0;
      continue;
    }
    if (ch === '\n') {
      row += 1;
      col = 0;
      line(row);
      continue;
    }
    if (ch === '\b') {
      col = Math.max(0, col - 1);
      continue;
    }
    if (col >= columns) {
      row += 1;
      col = 0;
    }
    const l = line(row);
    while (l.length < col) l.push(' ');
    l[col] = ch;
    col += 1;
  }
  const text = lines.map((l) => l.join('').trimEnd());
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return { lines: text, cursorVisible };
};
