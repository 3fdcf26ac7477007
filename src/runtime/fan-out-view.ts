// A fanned-out step in a plan: every matrix instance (known when the mission loads), or where a
// `for_each` takes its items from (known only when that step has run).
import type { FanOut, MatrixValue } from '../mission/fan-out.js';
import type { StepId } from '../mission/model.js';

/** How a step fans out, as `missionkit plan` and `planMission` show it. */
export interface FanOutView {
  readonly kind: 'matrix' | 'for_each';
  /** Every instance of a matrix, in order; empty for a `for_each`, whose items are known only at run time. */
  readonly instances: ReadonlyArray<{
    readonly id: StepId;
    readonly values: Readonly<Record<string, MatrixValue>>;
  }>;
  /** A `for_each`'s template (`{{ steps.list.stdout_lines }}`). */
  readonly for_each?: string;
  /** A `for_each`'s most items. */
  readonly max_items?: number;
  /** The group's own limit on instances running at once, under the mission's. */
  readonly max_parallel: number | null;
  readonly fail_fast: boolean;
}

/** The view of a step's fan-out. */
export const fanOutView = (f: FanOut): FanOutView =>
  f._tag === 'matrix'
    ? { kind: 'matrix', instances: f.instances, max_parallel: f.max_parallel ?? null, fail_fast: f.fail_fast }
    : {
        kind: 'for_each',
        instances: [],
        for_each: f.text,
        max_items: f.max_items,
        max_parallel: f.max_parallel ?? null,
        fail_fast: f.fail_fast,
      };
