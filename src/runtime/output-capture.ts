// Bounded capture of one output stream: the first and last halves of the limit are kept and the
// bytes in between are only counted, so a step that prints gigabytes costs the host a few MiB.
import type { CapturedText } from '../ports/step-type.js';

/** The default capture limit per stream. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

const isContinuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/** Where the last complete UTF-8 character of `b` ends. */
const completeEnd = (b: Uint8Array): number => {
  let i = b.length - 1;
  while (i >= 0 && b.length - i < 4 && isContinuation(b[i])) i -= 1;
  if (i < 0) return b.length;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return b.length - i >= need ? b.length : i;
};

/** Collects a stream's bytes within `maxBytes`. */
export class OutputCapture {
  private readonly headMax: number;
  private readonly tailMax: number;
  private readonly head: Uint8Array[] = [];
  private headBytes = 0;
  private tail: Uint8Array[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES) {
    this.headMax = Math.ceil(maxBytes / 2);
    this.tailMax = Math.floor(maxBytes / 2);
  }

  /** Bytes seen so far. */
  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headMax) {
      const take = Math.min(this.headMax - this.headBytes, rest.length);
      this.head.push(rest.slice(0, take));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.tailMax === 0) return;
    if (rest.length >= this.tailMax) {
      this.tail = [rest.slice(rest.length - this.tailMax)];
      this.tailBytes = this.tailMax;
      return;
    }
    this.tail.push(rest.slice());
    this.tailBytes += rest.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.tailMax)
      this.tailBytes -= this.tail.shift()!.length;
  }

  /**
   * The kept text: decoded leniently (invalid bytes become U+FFFD), with a marker where bytes were
   * dropped. The limit is measured as the text costs in a JSON report (see `jsonCost`), so output
   * full of NULs or other control characters, six bytes each there, cannot make a report six
   * times its capture limit.
   */
  result(): CapturedText {
    let head = concat(this.head, this.headBytes);
    let tail = concat(this.tail, this.tailBytes);
    if (tail.length > this.tailMax) tail = tail.subarray(tail.length - this.tailMax);
    if (this.total === head.length + tail.length) {
      const all = concat([head, tail], head.length + tail.length);
      if (jsonCost(all, all.length) <= this.headMax + this.tailMax)
        return { text: decode(all), total_bytes: this.total, dropped_bytes: 0 };
      // Within the limit in bytes, but not as escaped: cut the middle out as if it were longer.
      head = all;
      tail = all;
    }
    head = head.subarray(0, prefixWithin(head, this.headMax));
    tail = tail.subarray(tail.length - suffixWithin(tail, this.tailMax));
    // Cut on character boundaries so the halves do not start or end with a broken character.
    const headEnd = completeEnd(head);
    let tailStart = 0;
    while (tailStart < tail.length && tailStart < 4 && isContinuation(tail[tailStart])) tailStart += 1;
    const droppedAll = this.total - headEnd - (tail.length - tailStart);
    return {
      text: `${decode(head.subarray(0, headEnd))}\n[… ${droppedAll} bytes dropped …]\n${decode(tail.subarray(tailStart))}`,
      total_bytes: this.total,
      dropped_bytes: droppedAll,
    };
  }
}

/**
 * What a byte costs in a JSON report: a control character other than tab, newline, carriage
 * return, backspace and form feed is written `\u00XX` (six bytes); everything else at most two
 * (`\n`, `\"`), counted as one so ordinary text keeps all of its limit. (An invalid UTF-8 byte
 * becomes U+FFFD, three bytes: the report stays within three times the limit whatever the bytes.)
 */
const cost = (b: number): number =>
  b < 0x20 && b !== 0x08 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d ? 6 : 1;

/** The cost of the first `n` bytes of `b`. */
const jsonCost = (b: Uint8Array, n: number): number => {
  let c = 0;
  for (let i = 0; i < n; i++) c += cost(b[i]!);
  return c;
};

/** How many bytes from the start of `b` fit in `budget`. */
const prefixWithin = (b: Uint8Array, budget: number): number => {
  let c = 0;
  let i = 0;
  for (; i < b.length; i++) {
    c += cost(b[i]!);
    if (c > budget) break;
  }
  return i;
};

/** How many bytes from the end of `b` fit in `budget`. */
const suffixWithin = (b: Uint8Array, budget: number): number => {
  let c = 0;
  let n = 0;
  for (let i = b.length - 1; i >= 0; i--, n++) {
    c += cost(b[i]!);
    if (c > budget) break;
  }
  return n;
};

const concat = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const decoder = new TextDecoder('utf-8', { fatal: false });
const decode = (bytes: Uint8Array): string => decoder.decode(bytes);
