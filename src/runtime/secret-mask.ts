// Masks secret values as *** in everything that leaves a run: events, logs, reports and error
// messages — including a secret cut in two where bounded output capture dropped the middle.

const MARKER = /\n\[… \d+ bytes dropped …\]\n/;

/** The shortest secret that is masked; shorter values would garble ordinary output. */
export const MIN_SECRET_LENGTH = 3;

/**
 * The shortest line of a multi-line secret that is also masked on its own (after trimming spaces);
 * output is streamed and masked line by line, so no single line ever holds the whole secret. Four
 * covers the short last line of a base64 body (`AB==`) and leaves out `{`, `},` and the like, which
 * would mask ordinary output and say nothing of the secret.
 */
export const MIN_SECRET_LINE_LENGTH = 4;

/**
 * What is masked for these secrets: each one whole and, for a multi-line one, each of its lines of
 * at least `MIN_SECRET_LINE_LENGTH` characters (trimmed), as GitHub Actions does.
 */
export const maskedValues = (secrets: ReadonlyArray<string>): ReadonlyArray<string> => {
  const out = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    out.add(s);
    if (!/[\r\n]/.test(s)) continue;
    for (const line of s.split(/\r\n|\r|\n/)) {
      const t = line.trim();
      if (t.length >= MIN_SECRET_LINE_LENGTH) out.add(t);
    }
  }
  return [...out];
};

/** A function that masks secrets in any JSON-like value. */
export type Masker = <T>(value: T) => T;

/** Identity, for runs without secrets. */
export const noMask: Masker = (v) => v;

// CSI and OSC sequences, as terminals and `strip-ansi` read them.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Builds a masker for these secret values (longest first, so overlapping secrets mask whole). */
export const makeMasker = (secrets: ReadonlyArray<string>): Masker => {
  const values = [...maskedValues(secrets)].sort((a, b) => b.length - a.length);
  if (values.length === 0) return noMask;
  const whole = new RegExp(values.map(escape).join('|'), 'g');
  const maskText = (text: string): string => {
    let out = text.replace(whole, '***');
    // A secret interleaved with terminal escapes (`s3cr\x1b[0m3t`) reappears whole wherever they are
    // stripped (a JUnit file, a log viewer): such text loses its escapes so the secret can be masked.
    if (out.includes('\x1b')) {
      const plain = out.replace(ANSI, '');
      whole.lastIndex = 0;
      if (whole.test(plain)) out = plain.replace(whole, '***');
      whole.lastIndex = 0;
    }
    const cut = MARKER.exec(out);
    if (cut !== null) {
      // A secret split by the dropped middle: its start ends the head, its end starts the tail.
      let head = out.slice(0, cut.index);
      let tail = out.slice(cut.index + cut[0].length);
      for (const v of values) {
        for (let n = v.length - 1; n >= MIN_SECRET_LENGTH; n--) {
          if (head.endsWith(v.slice(0, n))) head = `${head.slice(0, -n)}***`;
          if (tail.startsWith(v.slice(v.length - n))) tail = `***${tail.slice(n)}`;
        }
      }
      out = `${head}${cut[0]}${tail}`;
    }
    return out;
  };
  const mask = (v: unknown): unknown => {
    if (typeof v === 'string') return v.length >= MIN_SECRET_LENGTH ? maskText(v) : v;
    if (Array.isArray(v)) return v.map(mask);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = mask(x);
      return out;
    }
    return v;
  };
  return mask as Masker;
};
