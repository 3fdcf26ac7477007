// The HTTP status a command printed, as `curl -w '%{http_code}'` prints it: three digits at the very
// end of the output. The body curl also prints (without `-o`) may end without a newline, so the
// status is not always on a line of its own (`{"ok":true}200`); it is always the output's last three
// characters, once trailing whitespace is dropped.

/** Where `expect_status_codes` reads a status from, in one sentence (for messages and docs). */
export const STATUS_RULE =
  "the last three characters of stdout, once trailing whitespace is dropped, when they are digits (curl -w '%{http_code}' prints them there; 000 means no response)";

/**
 * The status at the end of `stdout`: a number from 100 to 599, `0` for curl's `000` (no response),
 * or `undefined` when the output does not end with three digits.
 * @example readHttpStatus('{"ok":true}200\n') // 200
 */
export const readHttpStatus = (stdout: string): number | undefined => {
  const text = stdout.trimEnd();
  const m = /(\d{3})$/.exec(text);
  if (m === null) return undefined;
  const code = Number(m[1]);
  return code === 0 || (code >= 100 && code <= 599) ? code : undefined;
};
