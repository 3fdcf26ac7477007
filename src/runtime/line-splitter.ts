// Splits a byte stream into text lines as it arrives. A character split across chunks is decoded
// whole, a last line without a newline is still delivered, and a "line" that never ends is cut at
// `maxLineChars` so it cannot grow without bound.

/** Default longest line delivered whole; longer ones arrive in pieces. */
export const DEFAULT_MAX_LINE_CHARS = 16 * 1024;

/** Turns chunks into lines. */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars: number = DEFAULT_MAX_LINE_CHARS,
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
      last = this.pending.slice(0, this.maxLineChars);
      this.onLine(last);
      this.pending = this.pending.slice(this.maxLineChars);
    }
    return last;
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
