// What the scheduler is told: every input carries the time it happened, so the core never reads a clock.
import type { StepOutcome } from '../ports/step-type.js';
import type { TreeUsage } from '../ports/sampler.js';
import type { ContainmentKind } from '../ports/executor.js';

/** An input to `transition`. Steps are named by index (declaration order) and attempt number. */
export type SchedulerEvent =
  | { readonly _tag: 'start'; readonly at: number }
  | {
      readonly _tag: 'step_finished';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      readonly outcome: StepOutcome;
      /** How the attempt's processes were contained, when it started any. */
      readonly containment?: ContainmentKind;
      /** The worker that ran the attempt, when it ran on one (missionkit/distributed). */
      readonly worker?: string;
    }
  | {
      readonly _tag: 'step_output';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      readonly bytes: number;
      /** The last complete line seen, when the chunk completed one. */
      readonly last_line: string | null;
    }
  | {
      readonly _tag: 'step_progress';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      readonly message: string;
      readonly fraction?: number;
    }
  | {
      readonly _tag: 'step_warning';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      readonly message: string;
    }
  | {
      readonly _tag: 'step_sample';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      readonly usage: TreeUsage;
    }
  | { readonly _tag: 'timer_fired'; readonly at: number; readonly timer: number }
  | { readonly _tag: 'cancel'; readonly at: number; readonly reason: string }
  /**
   * A journaled run resumes in a new host after `from_event` replayed events: every attempt still
   * running is interrupted (its host died) and follows its step's `on_interrupt`.
   */
  | { readonly _tag: 'resume'; readonly at: number; readonly from_event: number }
  /**
   * The host running this one attempt was lost (a worker stopped answering) and its processes are
   * gone: the attempt is interrupted and follows its step's `on_interrupt`, while the run goes on.
   */
  | {
      readonly _tag: 'step_interrupted';
      readonly at: number;
      readonly step: number;
      readonly attempt: number;
      /** Why, in one sentence (which worker, since when). */
      readonly reason: string;
      readonly worker?: string;
    };
