// The typed event stream a host receives through `onEvent`.
import type { MissionError } from '../mission/errors.js';
import type { StepId } from '../mission/model.js';
import type { OutputStream } from '../ports/executor.js';
import type { MissionReport, KillReason, StepResult } from './report.js';

/**
 * Everything that happens during a run, in order. Every event carries `at`, epoch ms on the run's
 * clock. A resumed run first sends again what its journal recorded (the start, each step's starts,
 * retries, kills and ends before the host died), each with `replayed: true` and its original time,
 * so a listener sees the whole run.
 */
export type MissionEvent = MissionEventBody & {
  /** Sent again from the journal by a resumed run: it happened before the host died. */
  readonly replayed?: true;
};

/** The events themselves, without the `replayed` flag. */
export type MissionEventBody =
  | { readonly type: 'mission_start'; readonly at: number; readonly name: string; readonly steps: number }
  /** Right after `mission_start`, when the mission loaded with warnings: each with file, line and column. */
  | {
      readonly type: 'mission_warnings';
      readonly at: number;
      readonly warnings: ReadonlyArray<MissionError>;
    }
  | {
      readonly type: 'step_start';
      readonly at: number;
      readonly step_id: StepId;
      readonly attempt: number;
      readonly timeout_ms: number;
      readonly timeout_explanation: string;
      /** For an instance of a fanned-out step (`matrix`, `for_each`): that step's id. */
      readonly group?: StepId;
    }
  | {
      readonly type: 'step_output';
      readonly at: number;
      readonly step_id: StepId;
      readonly stream: OutputStream;
      readonly line: string;
    }
  | {
      /**
       * The latest carriage-return redraw of an output line not yet ended (a progress bar that
       * rewrites itself with `\r`); the whole line still arrives as `step_output` when it ends.
       * Only with `runMission(…, { redrawEvents: true })`.
       */
      readonly type: 'step_redraw';
      readonly at: number;
      readonly step_id: StepId;
      readonly stream: OutputStream;
      readonly text: string;
    }
  | {
      readonly type: 'step_progress';
      readonly at: number;
      readonly step_id: StepId;
      readonly elapsed_ms: number;
      readonly output_bytes: number;
      readonly last_line: string | null;
      readonly message?: string;
      readonly fraction?: number;
    }
  | { readonly type: 'step_warning'; readonly at: number; readonly step_id: StepId; readonly message: string }
  | {
      readonly type: 'step_resources';
      readonly at: number;
      readonly step_id: StepId;
      readonly processes: number;
      readonly memory_bytes: number;
      readonly cpu_percent: number;
    }
  | {
      readonly type: 'step_kill';
      readonly at: number;
      readonly step_id: StepId;
      readonly reason: KillReason;
      readonly mode: 'graceful' | 'force';
    }
  | {
      readonly type: 'step_retry';
      readonly at: number;
      readonly step_id: StepId;
      readonly next_attempt: number;
      readonly delay_ms: number;
      readonly reason: string;
    }
  | { readonly type: 'step_end'; readonly at: number; readonly result: StepResult }
  | { readonly type: 'mission_warning'; readonly at: number; readonly message: string }
  | { readonly type: 'mission_end'; readonly at: number; readonly report: MissionReport };

/** The names of the event types, for filtering. */
export type MissionEventType = MissionEvent['type'];
