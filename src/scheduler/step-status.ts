// The status vocabulary of steps and missions (DESIGN.md "Statuses").

/** A settled step's status. `pending` and `running` only appear in live views. */
export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'succeeded_with_warnings'
  | 'failed'
  | 'timed_out'
  | 'partial'
  | 'skipped'
  | 'cancelled'
  | 'resource_exceeded';

/** A step status that has settled: every one but `pending` and `running`. */
export type SettledStepStatus = Exclude<StepStatus, 'pending' | 'running'>;

// A record, so that a status added to the type must be added here too.
const SETTLED: Readonly<Record<SettledStepStatus, true>> = {
  succeeded: true,
  succeeded_with_warnings: true,
  failed: true,
  timed_out: true,
  partial: true,
  skipped: true,
  cancelled: true,
  resource_exceeded: true,
};

/** Every settled step status, as a report may hold it. */
export const SETTLED_STEP_STATUSES = Object.keys(SETTLED) as ReadonlyArray<SettledStepStatus>;

/** A finished mission's status. */
export type MissionStatus = 'succeeded' | 'succeeded_with_warnings' | 'failed' | 'timed_out' | 'cancelled';

/** Whether dependents may treat this conclusion as a success. */
export const isSuccess = (s: StepStatus): boolean =>
  s === 'succeeded' || s === 'succeeded_with_warnings' || s === 'partial';

/** Whether this outcome is a failure that `continue_on_error` and `retry` apply to. */
export const isFailure = (s: StepStatus): boolean =>
  s === 'failed' || s === 'timed_out' || s === 'resource_exceeded';
