// "Did you mean …?": the closest known name to a misspelt one, by edit distance. Bounded so that a
// mission with 100,000 step ids and many typos still loads in linear-ish time.

/** Optimal-string-alignment distance (a swap of two neighbours counts as one edit), or `limit + 1` once it exceeds `limit`. */
export const editDistance = (a: string, b: string, limit: number): number => {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prevPrev[j - 2] ?? 0) + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return prev[n] ?? limit + 1;
};

/** How far a misspelling may be from the word it meant: about a quarter of its length, at least 1, never all of it. */
const allowance = (word: string): number =>
  Math.min(word.length - 1, Math.max(1, Math.min(4, Math.floor(word.length / 4))));

/** The known name closest to `word` (case-insensitive match first), or undefined when none is close. */
export const suggest = (
  word: string,
  candidates: Iterable<string>,
  maxCandidates = 20_000,
): string | undefined => {
  const lower = word.toLowerCase();
  const limit = allowance(word);
  let best: string | undefined;
  let bestDistance = limit + 1;
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > maxCandidates) break;
    if (candidate === word) continue;
    if (candidate.toLowerCase() === lower) return candidate;
    // Underscores and hyphens are the commonest slip (`depends-on`, `dependson`).
    const d = Math.min(
      editDistance(lower, candidate.toLowerCase(), bestDistance - 1),
      normalised(lower) === normalised(candidate.toLowerCase()) ? 1 : bestDistance,
    );
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
};

const normalised = (s: string): string => s.replace(/[-_\s]/g, '');

/** `did you mean \`x\`?` when a close name exists, else undefined. */
export const didYouMean = (word: string, candidates: Iterable<string>): string | undefined => {
  const s = suggest(word, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
};
