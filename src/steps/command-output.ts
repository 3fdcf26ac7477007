// One captured stream made of many: the repetitions of a repeated command, or the chunks of a
// chunked one, in order. Each part was already bounded when captured; the whole is bounded again
// (head and tail halves kept, with the same marker), so 1,000 chunks cannot add up to 1,000 MiB.
import type { CapturedText } from '../ports/step-type.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Concatenates captured texts in order, keeping at most `maxBytes` of text. */
export const mergeCaptured = (parts: ReadonlyArray<CapturedText>, maxBytes: number): CapturedText => {
  if (parts.length === 1) return parts[0]!;
  const text = parts.map((p) => p.text).join('');
  const total = parts.reduce((n, p) => n + p.total_bytes, 0);
  const dropped = parts.reduce((n, p) => n + p.dropped_bytes, 0);
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { text, total_bytes: total, dropped_bytes: dropped };
  const half = Math.floor(maxBytes / 2);
  // Decoding the halves drops any character cut in two; the count below is of whole bytes removed.
  const head = decoder.decode(bytes.subarray(0, half)).replace(/\uFFFD$/, '');
  const tail = decoder.decode(bytes.subarray(bytes.length - half)).replace(/^\uFFFD/, '');
  const cut = bytes.length - encoder.encode(head).length - encoder.encode(tail).length;
  return {
    text: `${head}\n[… ${cut} bytes dropped …]\n${tail}`,
    total_bytes: total,
    dropped_bytes: dropped + cut,
  };
};
