// What the scheduler asks the runtime to do. The core computes; the runtime performs (rule 1).
import type { PlannedStep } from '../plan/plan.js';
import type { MissionEvent } from './mission-events.js';

type StepEndEvent = Extract<MissionEvent, { type: 'step_end' }>;
import type { KillReason, MissionReport } from './report.js';
import type { DefaultValue } from '../plan/dependencies.js';
import type { Substitute } from './state.js';

/** A command for the runtime. */
export type SchedulerCommand =
  | {
      readonly _tag: 'start_step';
      readonly step: PlannedStep;
      readonly attempt: number;
      readonly timeout_ms: number;
      /** Values standing in for dependencies that did not succeed (conditional `use_default_value`). */
      readonly defaults: ReadonlyArray<DefaultValue>;
      /** Failed dependencies whose results are read from their alternative step instead. */
      readonly substitutes: ReadonlyArray<Substitute>;
    }
  | {
      readonly _tag: 'kill_step';
      readonly step: number;
      readonly attempt: number;
      readonly reason: KillReason;
      readonly mode: 'graceful' | 'force';
    }
  | { readonly _tag: 'sample_step'; readonly step: number; readonly attempt: number }
  | { readonly _tag: 'arm_timer'; readonly timer: number; readonly delay_ms: number }
  | { readonly _tag: 'cancel_timer'; readonly timer: number }
  | { readonly _tag: 'emit'; readonly event: Exclude<MissionEvent, StepEndEvent>; readonly step?: undefined }
  | {
      readonly _tag: 'emit';
      readonly event: StepEndEvent;
      /** The index of the step that ended, so the runtime need not look its id up. */
      readonly step: number;
    }
  | { readonly _tag: 'finish'; readonly report: MissionReport };
