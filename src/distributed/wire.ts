// What crosses Redis between a coordinator and its workers: the job payload, the events an attempt
// sends back, and the kill message. Plain JSON; a field is added, never changed in meaning.
import type { MissionConfig } from '../mission/model.js';
import type { PlanFacts } from '../plan/facts.js';
import type { ContainmentKind } from '../ports/executor.js';
import type { TreeUsage } from '../ports/sampler.js';
import type { StepOutcome } from '../ports/step-type.js';
import type { KillReason } from '../scheduler/report.js';

/** The data of one BullMQ job: one attempt of one step. Removed when the attempt ends (it may hold secrets). */
export interface AttemptJob {
  readonly v: 1;
  readonly run: string;
  readonly job: string;
  readonly step: number;
  readonly step_id: string;
  readonly attempt: number;
  readonly step_type: string;
  /** The coordinator's fingerprint of the step type; the worker's must be the same. */
  readonly fingerprint: string | null;
  readonly params: unknown;
  readonly timeout_ms: number;
  /** The worker kills the attempt on its own this long after it starts it (timeout plus grace). */
  readonly deadline_ms: number;
  /** The stream to send events on. */
  readonly events: string;
  readonly working_dir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, string>>;
  readonly allowed_paths: ReadonlyArray<string>;
  readonly config: MissionConfig;
  readonly max_output_bytes: number;
  readonly kill_grace_ms: number;
  readonly secrets: ReadonlyArray<string>;
  readonly facts: PlanFacts;
  readonly max_parallel: number;
}

/** One event an attempt sends back, tagged with its job id. */
export type WireEvent =
  | { readonly k: 'started'; readonly job: string; readonly worker: string }
  | { readonly k: 'line'; readonly job: string; readonly s: 'stdout' | 'stderr'; readonly l: string }
  | { readonly k: 'redraw'; readonly job: string; readonly s: 'stdout' | 'stderr'; readonly t: string }
  | { readonly k: 'activity'; readonly job: string; readonly b: number; readonly l: string | null }
  | { readonly k: 'progress'; readonly job: string; readonly m: string; readonly f?: number }
  | { readonly k: 'warning'; readonly job: string; readonly m: string }
  | { readonly k: 'info'; readonly job: string; readonly m: string }
  | { readonly k: 'sample'; readonly job: string; readonly u: TreeUsage }
  | {
      readonly k: 'finished';
      readonly job: string;
      readonly o: StepOutcome;
      readonly c?: ContainmentKind;
      readonly worker: string;
    };

/** Published on the control channel (and kept under the job's kill key). */
export interface KillMessage {
  readonly job: string;
  readonly reason: KillReason;
  readonly mode: 'graceful' | 'force';
}
