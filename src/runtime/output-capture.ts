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

  /** The kept text: decoded leniently (invalid bytes become U+FFFD), with a marker where bytes were dropped. */
  result(): CapturedText {
    const head = concat(this.head, this.headBytes);
    let tail = concat(this.tail, this.tailBytes);
    if (tail.length > this.tailMax) tail = tail.subarray(tail.length - this.tailMax);
    const dropped = this.total - head.length - tail.length;
    if (dropped === 0)
      return {
        text: decode(concat([head, tail], head.length + tail.length)),
        total_bytes: this.total,
        dropped_bytes: 0,
      };
    // Cut on character boundaries so the halves do not start or end with a broken character.
    const headEnd = completeEnd(head);
    let tailStart = 0;
    while (tailStart < tail.length && tailStart < 4 && isContinuation(tail[tailStart])) tailStart += 1;
    const droppedAll = dropped + (head.length - headEnd) + tailStart;
    return {
      text: `${decode(head.subarray(0, headEnd))}\n[… ${droppedAll} bytes dropped …]\n${decode(tail.subarray(tailStart))}`,
      total_bytes: this.total,
      dropped_bytes: droppedAll,
    };
  }
}

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
