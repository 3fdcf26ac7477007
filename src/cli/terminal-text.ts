// Text made safe and sized for one terminal line. A step's output is arbitrary bytes: its escape
// sequences could move our cursor or recolour the screen, and a line wider than the terminal
// wraps and breaks the in-place redraw, so live lines are cleaned and cut to fit.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
// C0 and C1 control characters (tab and newline are handled on their own).
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Terminal escape sequences (colours, cursor movement, titles) removed; everything else kept. */
export const withoutEscapes = (text: string): string => text.replace(ESCAPES, '');

/** What a terminal shows last of a line that redraws itself with `\r`: the text after the last one. */
export const lastRedraw = (line: string): string => {
  const cr = line.lastIndexOf('\r', line.length - 2);
  return cr === -1 ? line : line.slice(cr + 1);
};

/** Terminal escape sequences removed, tabs and newlines as spaces, other control characters dropped. */
export const plainText = (text: string): string =>
  text
    .replace(ESCAPES, '')
    .replace(/[\t\r\n]/g, ' ')
    .replace(CONTROLS, '');

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const MARK = /^\p{M}$/u;

/** Zero-width characters: combining marks, zero-width spaces and joiners, variation selectors. */
const isZeroWidth = (ch: string): boolean => {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f) || MARK.test(ch);
};

/** Columns one character takes on a terminal: 2 for East Asian wide characters and most emoji. */
const charWidth = (ch: string): number => (isZeroWidth(ch) ? 0 : WIDE.test(ch) ? 2 : 1);

/** Columns `text` (without escape sequences) takes on a terminal. */
export const displayWidth = (text: string): number => {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
};

/** `text` (without escape sequences) cut to at most `width` columns, ending in `…` when cut. */
export const fitWidth = (text: string, width: number): string => {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
};
