// Whether one run of a command met what the step expects of it: an exit code in
// `expect_exit_codes`, and (when `expect_status_codes` is set) an HTTP status among those, read
// from the end of its output as `curl -w '%{http_code}'` prints it.
import { readHttpStatus } from '../plan/status-from-output.js';
import type { ProcessExit } from '../ports/executor.js';
import type { CapturedText, FailureKind } from '../ports/step-type.js';
import { unreachable } from '../unreachable.js';

/** What a run must do to count as a success. */
export interface Expectations {
  readonly exit_codes: ReadonlyArray<number>;
  readonly status_codes: ReadonlyArray<number> | undefined;
}

/** The verdict on one run. */
export interface Verdict {
  readonly ok: boolean;
  /** The HTTP status read from the output (only when statuses are expected); `null` when none was found. */
  readonly status_code: number | null;
  /** Why it did not meet the expectations. */
  readonly problem?: string;
  readonly failure_kind?: FailureKind;
}

const list = (codes: ReadonlyArray<number>): string =>
  codes.length <= 1 ? codes.join('') : `${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]}`;

/** Judges one run (one process, or one chunked run) against the step's expectations. */
export const judgeRun = (exit: ProcessExit, stdout: CapturedText, e: Expectations): Verdict => {
  const status = e.status_codes === undefined ? null : (readHttpStatus(stdout.text) ?? null);
  switch (exit._tag) {
    case 'spawn_failed':
      return {
        ok: false,
        status_code: status,
        problem: exit.message,
        failure_kind: exit.code === 'ENOENT' ? 'command_not_found' : 'spawn_error',
      };
    case 'signaled':
      return { ok: false, status_code: status, problem: `killed by ${exit.signal}`, failure_kind: 'signal' };
    case 'exited':
      break;
    default:
      return unreachable(exit);
  }
  if (!e.exit_codes.includes(exit.code))
    return {
      ok: false,
      status_code: status,
      problem: `exit code ${exit.code} (expected ${list(e.exit_codes)})`,
      failure_kind: 'exit_code',
    };
  if (e.status_codes === undefined) return { ok: true, status_code: null };
  if (status === null)
    return {
      ok: false,
      status_code: null,
      problem: 'no HTTP status at the end of the output',
      failure_kind: 'http_status',
    };
  if (!e.status_codes.includes(status))
    return {
      ok: false,
      status_code: status,
      problem:
        status === 0
          ? `no HTTP response (000; expected ${list(e.status_codes)})`
          : `HTTP status ${status} (expected ${list(e.status_codes)})`,
      failure_kind: 'http_status',
    };
  return { ok: true, status_code: status };
};
