// Splits a byte stream into text lines as it arrives. A character split across chunks is decoded
// whole, a last line without a newline is still delivered, and a "line" that never ends is cut at
// `maxLineChars` so it cannot grow without bound.

/** Default longest line delivered whole; longer ones arrive in pieces. */
export const DEFAULT_MAX_LINE_CHARS = 16 * 1024;

/**
 * Where to cut `text` at or before `at` so that neither a surrogate pair nor any of `keepWhole`
 * (the run's secrets, which are masked only when whole) is cut in two; when no such place exists
 * (a secret longer than the line limit), `at` or just before it, between two characters.
 */
export const safeCut = (text: string, at: number, keepWhole: ReadonlyArray<string>): number => {
  const c0 = text.charCodeAt(at - 1);
  // Never inside a surrogate pair, even when no cut can keep a (16 KiB long) secret whole.
  const whole = at > 1 && c0 >= 0xd800 && c0 <= 0xdbff ? at - 1 : at;
  let cut = at;
  for (let moved = true; moved && cut > 0;) {
    moved = false;
    const c = text.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) {
      cut -= 1;
      moved = true;
    }
    for (const s of keepWhole) {
      // The earliest occurrence (or start of one, at the end of the text) that spans the cut.
      for (let k = Math.max(0, cut - s.length + 1); k < cut; k++) {
        if (s.startsWith(text.slice(k, Math.min(text.length, k + s.length)))) {
          cut = k;
          moved = true;
          break;
        }
      }
    }
  }
  return cut > 0 ? cut : whole;
};

/** Turns chunks into lines. */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars: number = DEFAULT_MAX_LINE_CHARS,
    /** Strings a cut must not split (secrets, masked only when whole). */
    private readonly keepWhole: ReadonlyArray<string> = [],
  ) {}

  /** Feeds a chunk; returns the last complete line it produced, or null. */
  push(chunk: Uint8Array): string | null {
    const text = this.pending + this.decoder.decode(chunk, { stream: true });
    let last: string | null = null;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      last = text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      this.onLine(last);
      start = nl + 1;
    }
    this.pending = text.slice(start);
    while (this.pending.length > this.maxLineChars) {
      const cut = safeCut(this.pending, this.maxLineChars, this.keepWhole);
      last = this.pending.slice(0, cut);
      this.onLine(last);
      this.pending = this.pending.slice(cut);
    }
    return last;
  }

  /**
   * The latest carriage-return redraw of the line not yet ended — what a terminal shows of a
   * progress bar that rewrites itself with `\r` and no newline (curl, wget, pip) — or null when
   * the unfinished line has no `\r`.
   */
  redraw(): string | null {
    const text = this.pending;
    const cr = text.lastIndexOf('\r');
    if (cr === -1) return null;
    if (cr < text.length - 1) return text.slice(cr + 1);
    // Ends with \r: the redraw just finished is the one before it.
    return text.slice(text.lastIndexOf('\r', cr - 1) + 1, cr);
  }

  /** Delivers what is left (a last line without a newline). */
  end(): string | null {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest === '') return null;
    this.onLine(rest);
    return rest;
  }
}
