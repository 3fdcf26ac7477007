// The journal port: a run recorded as its inputs and the events fed to the scheduler, so a run
// survives its host. The scheduler is a pure function of its events: replaying the log rebuilds
// the exact state (docs/durability.md). Implementations: the file journal (node/file-journal.ts)
// and the in-memory one of missionkit/testing; a distributed runner puts the same log elsewhere.
import type { PlanFacts } from '../plan/facts.js';
import type { SchedulerEvent } from '../scheduler/events.js';

/** The version of the journal format; a breaking change gets a new one. */
export const JOURNAL_FORMAT = 'missionkit.journal/v1';

/** What a run was started with: enough to plan it again identically. Never holds a secret value. */
export interface RunInputs {
  readonly format: typeof JOURNAL_FORMAT;
  readonly run_id: string;
  /** Epoch milliseconds, from the run's clock. */
  readonly created_at: number;
  /** The missionkit that recorded the run; resuming needs the same major and minor. */
  readonly missionkit_version: string;
  readonly mission: {
    /** The mission text as it was read (absent for a mission given as data). */
    readonly text?: string;
    /** Hex SHA-256 of the text (or of the data's JSON); resuming refuses a mission that differs. */
    readonly sha256: string;
    readonly file?: string;
  };
  /** Variables as given, except secret ones: their names are in `secret_names`, their values nowhere. */
  readonly variables: Readonly<Record<string, string>>;
  /** Secret variables the host must give again when it resumes. */
  readonly secret_names: ReadonlyArray<string>;
  readonly options: {
    readonly cwd: string;
    readonly seed: number;
    readonly max_output_bytes: number;
    /** The run's override of `config.max_parallel_steps` (`--parallel`), if it had one. */
    readonly max_parallel_steps?: number;
    /** The run's steps ran on workers (missionkit/distributed): resuming it needs workers again. */
    readonly distributed?: true;
  };
  /** The host facts the plan was made with (PATH lookups, measured sizes), so a resume plans the same. */
  readonly facts: PlanFacts;
}

/** One line of the log after the inputs. */
export type JournalEntry =
  /** An event, appended before the scheduler is given it (write-ahead). */
  | { readonly _tag: 'event'; readonly event: SchedulerEvent }
  /**
   * A process an attempt started, so a resuming host can find and kill what the dead one left:
   * its pid (POSIX: also its process group) and its tree marker.
   */
  | {
      readonly _tag: 'process';
      readonly step: number;
      readonly attempt: number;
      readonly pid: number;
      readonly marker?: string;
    };

/** Whether an entry must be on stable storage before the run goes on. */
export type Durability = 'durable' | 'buffered';

/** The open log of one run. Appends are synchronous so the scheduler's loop stays synchronous. */
export interface RunLog {
  readonly runId: string;
  /**
   * Appends one entry. `durable`: this entry and every one before it are on stable storage when the
   * call returns (the file journal fsyncs); `buffered`: they may be written later, in order.
   */
  append(entry: JournalEntry, durability: Durability): void;
  /** Makes every entry appended so far durable. */
  sync(): void;
  /**
   * Records that the run ended with a report (whatever its status), so a listing of runs can tell
   * a finished run from one whose host died without replaying it. Optional: a journal that does
   * not implement it lists every run as resumable.
   */
  finish?(outcome: RunOutcome): void;
  /** Syncs and lets go of the run (its lock is released): the run may be resumed later. */
  close(): Promise<void>;
}

/** How a run ended: its report's status and end time. */
export interface RunOutcome {
  readonly status: string;
  /** The report's `ended_at`. */
  readonly ended_at: string;
}

/** A recorded run, read back for replay. */
export interface RecordedRun {
  readonly inputs: RunInputs;
  readonly entries: ReadonlyArray<JournalEntry>;
  /** A last line cut short by a crash mid-write was dropped. */
  readonly truncatedTail: boolean;
}

/** Why a journal cannot be resumed: each says what differs and what to do. */
export type JournalRefusalCode =
  'not_found' | 'corrupt' | 'version' | 'mission_changed' | 'locked' | 'secrets_missing' | 'needs_workers';

/** A refusal to resume a run: `detail` says what is wrong, `hint` what to do, `message` both. */
export class JournalRefusal extends Error {
  override readonly name = 'JournalRefusal';
  constructor(
    readonly code: JournalRefusalCode,
    readonly detail: string,
    readonly hint: string,
  ) {
    super(`${detail} — ${hint}`);
  }
}

/** Where runs are recorded. */
export interface Journal {
  /** Starts recording a new run, holding its lock. Rejects if the run id is taken. */
  create(inputs: RunInputs): Promise<RunLog>;
  /**
   * Opens a recorded run to resume it: takes its lock (a `JournalRefusal` `locked` if a live
   * process holds it) and reads it back (`corrupt` for a damaged line before the last).
   */
  open(runId: string): Promise<{ readonly run: RecordedRun; readonly log: RunLog }>;
}
