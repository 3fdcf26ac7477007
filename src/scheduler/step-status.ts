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

/** A finished mission's status. */
export type MissionStatus = 'succeeded' | 'succeeded_with_warnings' | 'failed' | 'timed_out' | 'cancelled';

/** Whether dependents may treat this conclusion as a success. */
export const isSuccess = (s: StepStatus): boolean =>
  s === 'succeeded' || s === 'succeeded_with_warnings' || s === 'partial';

/** Whether this outcome is a failure that `continue_on_error` and `retry` apply to. */
export const isFailure = (s: StepStatus): boolean =>
  s === 'failed' || s === 'timed_out' || s === 'resource_exceeded';
