// A PATH as an error message shows it: long PATHs (npm prepends a node_modules/.bin for every
// parent directory and its own node-gyp-bin) are cut to their first entries and a count, so the
// message still fits on a screen and says what helps: where the program was looked for first.

/** Characters of PATH entries shown before the rest is counted. */
export const PATH_SUMMARY_CHARS = 120;

// npm's own helper directory, put on PATH by `npm run`: never where a user's program lives.
const NPM_INTERNAL = /[\\/]node-gyp-bin$/;

/** The entries of a PATH, in order and without repeats, cut to about `budget` characters. */
export const pathSummary = (
  entries: ReadonlyArray<string>,
  delimiter: string,
  budget: number = PATH_SUMMARY_CHARS,
): string => {
  const useful = [...new Set(entries)].filter((e) => !NPM_INTERNAL.test(e));
  const shown: string[] = [];
  let length = 0;
  for (const e of useful) {
    if (shown.length > 0 && length + delimiter.length + e.length > budget) break;
    shown.push(e);
    length += (shown.length > 1 ? delimiter.length : 0) + e.length;
  }
  const rest = [...new Set(entries)].length - shown.length;
  return rest > 0
    ? `${shown.join(delimiter)}${delimiter}… (${rest} more entr${rest === 1 ? 'y' : 'ies'})`
    : shown.join(delimiter);
};
