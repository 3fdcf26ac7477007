// The largest mission text read by default, on its own so the CLI can bound the files it shows
// under errors without loading the parser.

/** The default `maxBytes`: 4 MiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
