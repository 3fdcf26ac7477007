// One instance of a fanned-out step: the group's plan under the instance's own index and id, with
// the values its templates read. Instances are made when the group expands (scheduler/fan-out.ts).
import type { MatrixValue } from '../mission/fan-out.js';
import type { StepId } from '../mission/model.js';
import type { PlannedStep } from './plan.js';

/** What makes an instance itself: its group and its values. */
export interface FanOutInstance {
  /** The index of the fanned-out step it belongs to. */
  readonly group: number;
  readonly group_id: StepId;
  /** Its position among the group's instances (0-based). */
  readonly position: number;
  /** A matrix instance's values by axis. */
  readonly matrix?: Readonly<Record<string, MatrixValue>>;
  /** A `for_each` instance's item. */
  readonly item?: unknown;
  readonly item_index?: number;
}

/** The plan of one instance. Every setting is the group's: an instance is a full step. */
export const instancePlan = (
  group: PlannedStep,
  index: number,
  id: StepId,
  instance: FanOutInstance,
): PlannedStep => ({ ...group, index, id, instance });
