// The MissionReport: plain, JSON-serialisable data, documented as a stable format (docs/report.md).
import type { MissionError } from '../mission/errors.js';
import type { StepId } from '../mission/model.js';
import type { TimeoutSource } from '../plan/timeouts.js';
import type { CapturedText, FailureKind } from '../ports/step-type.js';
import type { ContainmentKind } from '../ports/executor.js';
import type { MissionStatus, StepStatus } from './step-status.js';
import type { ResourceUsage } from './resource-watch.js';

/** Why the engine stopped a running step. */
export type KillReason = 'timeout' | 'cancel' | 'fail_fast' | 'limit' | 'stall' | 'mission_timeout';

/** One attempt of a step. */
export interface AttemptResult {
  readonly attempt: number;
  readonly outcome: StepStatus;
  readonly started_at: string;
  readonly ended_at: string;
  readonly duration_ms: number;
  /** The retry delay waited before this attempt (0 for the first). */
  readonly delay_before_ms: number;
  readonly timeout_ms: number;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly message?: string;
  readonly kill_reason?: KillReason;
  /**
   * When the engine asked the attempt to stop (SIGTERM for a process): from here to `ended_at` is
   * the kill grace. Absent when the attempt ended by itself, and in reports written before 0.2.
   */
  readonly killed_at?: string;
  /** The host running this attempt died; a resumed run settled it (docs/durability.md). */
  readonly interrupted?: true;
  /** The worker that ran this attempt, for a step run on one (docs/distributed.md). */
  readonly worker?: string;
}

/** How a step ended. `status` is the conclusion; `outcome` is what really happened. */
export interface StepResult {
  readonly id: StepId;
  readonly name: string;
  readonly step_type: string;
  /** The steps it waits for (absent in reports written before 0.2). */
  readonly depends_on?: ReadonlyArray<StepId>;
  /**
   * What it runs, in one line: the command as planned, with `{{ … }}` templates unexpanded, or an
   * HTTP request's method and URL. Absent for step types without one.
   */
  readonly invocation?: string;
  /** Same as `conclusion`: what the mission makes of the step. */
  readonly status: StepStatus;
  /** What happened, before `continue_on_error` (a failed step stays `failed` here). */
  readonly outcome: StepStatus;
  /** What counts, after `continue_on_error` (a failed step that may fail is `succeeded_with_warnings`). */
  readonly conclusion: StepStatus;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly stdout: CapturedText;
  readonly stderr: CapturedText;
  /** Structured output of step types that have one. */
  readonly output?: unknown;
  /** ISO 8601; null for a step that never started. */
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly duration_ms: number;
  readonly attempts: ReadonlyArray<AttemptResult>;
  /** The last attempt's timeout and where it came from. */
  readonly timeout: { readonly ms: number; readonly source: TimeoutSource; readonly explanation: string };
  readonly warnings: ReadonlyArray<string>;
  readonly message?: string;
  readonly hint?: string;
  readonly failure_kind?: FailureKind;
  readonly kill_reason?: KillReason;
  /** For a skipped or cancelled step: why it did not run. */
  readonly skip_reason?: string;
  /** What the last attempt's process tree used, when it was sampled (see docs/resources.md). */
  readonly resources?: ResourceUsage;
  /**
   * How the last attempt's processes were held and killed, when it started any: `cgroup-v2` or
   * `cgroup-v1` (nothing it started could leave), `process-group` or `taskkill` (see docs/processes.md).
   */
  readonly containment?: ContainmentKind;
  /** For an instance of a fanned-out step: the step it belongs to and its values (docs/mission-format.md, Fan-out). */
  readonly fan_out?: {
    readonly group: StepId;
    readonly matrix?: Readonly<Record<string, string | number | boolean>>;
    readonly item_index?: number;
  };
  /** For a fanned-out step (`matrix`, `for_each`): its instances' ids, in order; their results follow it. */
  readonly instances?: ReadonlyArray<StepId>;
}

/** Counts of steps by conclusion. */
export type StepCounts = { readonly total: number } & {
  readonly [K in Exclude<StepStatus, 'pending' | 'running'>]: number;
};

/** The result of a mission run. */
export interface MissionReport {
  /** The report format's version; a breaking change gets a new one. */
  readonly format: 'missionkit.report/v1';
  readonly mission: {
    readonly name: string;
    readonly version: string;
    readonly description?: string;
    readonly file?: string;
  };
  readonly status: MissionStatus;
  readonly started_at: string;
  readonly ended_at: string;
  readonly duration_ms: number;
  /** In declaration order. */
  readonly steps: ReadonlyArray<StepResult>;
  readonly counts: StepCounts;
  /** Steps whose conclusion is a success, over all steps (0–1; 1 for an empty mission). */
  readonly success_rate: number;
  /**
   * Mission-level warnings: first those found when the mission was loaded, one line each in the
   * CLI's form (`file:line:col: warning: path: message` and the hint), then those of the run.
   */
  readonly warnings: ReadonlyArray<string>;
  /** The warnings found when the mission was loaded, as data: code, file, position, path, message, hint. */
  readonly load_warnings: ReadonlyArray<MissionError>;
  /** Set when the mission was cancelled. */
  readonly cancel_reason?: string;
  /** Set when the run was resumed from its journal: when, and after how many replayed events. */
  readonly resumed?: { readonly at: string; readonly from_event: number };
  /**
   * Set when a journaled run was suspended (`suspendSignal`, a host's SIGTERM): its journal is left
   * unfinished and `resumeMission` goes on from where it stopped. `status` is then `cancelled`.
   */
  readonly suspended?: { readonly at: string; readonly run_id: string; readonly reason: string };
}
