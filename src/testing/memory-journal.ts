// A journal in memory, for crashing and resuming runs on the virtual clock. It stores the same text
// the file journal writes, so replay is tested through the real encoding, and it can lose
// everything after a chosen entry, as a host that dies there would.
import {
  JournalRefusal,
  type Journal,
  type JournalEntry,
  type RecordedRun,
  type RunInputs,
  type RunLog,
} from '../ports/journal.js';
import { entryLine, inputsText, readRun } from '../runtime/journal-lines.js';

interface StoredRun {
  inputs: string;
  lines: string[];
  /** How many lines were durable (synced) at the last sync. */
  synced: number;
  /** The live log holding the run, if any; a crashed host holds nothing. */
  holder: MemoryRunLog | undefined;
}

/** How the next created run's host dies. */
export interface CrashPlan {
  /** The host dies after this many entries were appended: later ones are never stored. */
  readonly afterEntries: number;
  /** Entries appended `buffered` and not yet synced when it dies are lost too. @default false */
  readonly loseUnsynced?: boolean;
}

class MemoryRunLog implements RunLog {
  private appended = 0;
  private dead = false;
  constructor(
    readonly runId: string,
    private readonly stored: StoredRun,
    private readonly crash: CrashPlan | undefined,
  ) {}

  append(entry: JournalEntry, durability: 'durable' | 'buffered'): void {
    if (this.dead) return;
    if (this.crash !== undefined && this.appended >= this.crash.afterEntries) {
      this.die();
      return;
    }
    this.appended += 1;
    this.stored.lines.push(entryLine(entry));
    if (durability === 'durable') this.stored.synced = this.stored.lines.length;
  }

  sync(): void {
    if (!this.dead) this.stored.synced = this.stored.lines.length;
  }

  async close(): Promise<void> {
    if (!this.dead && this.stored.holder === this) {
      this.sync();
      this.stored.holder = undefined;
    }
    return Promise.resolve();
  }

  private die(): void {
    this.dead = true;
    if (this.crash?.loseUnsynced === true) this.stored.lines.length = this.stored.synced;
    if (this.stored.holder === this) this.stored.holder = undefined;
  }
}

/**
 * The journal of `missionkit/testing`: runs recorded in memory, as the file journal would write them.
 * @example
 * const journal = new MemoryJournal();
 * journal.crashNextRun({ afterEntries: 7 });
 * await runTestMission(text, { journal, runId: 'r1' });   // its host "dies" after 7 entries
 * const report = await resumeTestMission('r1', { journal });
 */
export class MemoryJournal implements Journal {
  private readonly runs = new Map<string, StoredRun>();
  private nextCrash: CrashPlan | undefined;

  /** The next run created stops recording as its host would by dying at that point. */
  crashNextRun(plan: CrashPlan): void {
    this.nextCrash = plan;
  }

  create(inputs: RunInputs): Promise<RunLog> {
    if (this.runs.has(inputs.run_id))
      return Promise.reject(new TypeError(`run ${inputs.run_id} is already recorded in this journal`));
    const stored: StoredRun = { inputs: inputsText(inputs), lines: [], synced: 0, holder: undefined };
    const log = new MemoryRunLog(inputs.run_id, stored, this.nextCrash);
    this.nextCrash = undefined;
    stored.holder = log;
    this.runs.set(inputs.run_id, stored);
    return Promise.resolve(log);
  }

  open(runId: string): Promise<{ readonly run: RecordedRun; readonly log: RunLog }> {
    try {
      const stored = this.stored(runId);
      if (stored.holder !== undefined)
        throw new JournalRefusal(
          'locked',
          `run ${runId} is running (its journal is held by a live run in this process)`,
          'wait for it to end, or cancel it, before resuming',
        );
      const run = readRun(`run ${runId}`, stored.inputs, stored.lines.join(''));
      // Resuming a log cut short rewrites its tail, so appended lines start on a line of their own.
      if (run.truncatedTail) stored.lines = stored.lines.slice(0, run.entries.length);
      const log = new MemoryRunLog(runId, stored, undefined);
      stored.holder = log;
      return Promise.resolve({ run, log });
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** The recorded text of a run: its inputs, then one line per entry (for tests that inspect or damage it). */
  text(runId: string): { readonly inputs: string; readonly log: string } {
    const stored = this.stored(runId);
    return { inputs: stored.inputs, log: stored.lines.join('') };
  }

  /** Replaces a run's recorded text, as a damaged disk or another version would leave it. */
  setText(runId: string, text: { readonly inputs?: string; readonly log?: string }): void {
    const stored = this.stored(runId);
    if (text.inputs !== undefined) stored.inputs = text.inputs;
    if (text.log !== undefined) {
      const parts = text.log.split('\n');
      const tail = parts.pop()!;
      stored.lines = [...parts.map((l) => `${l}\n`), ...(tail !== '' ? [tail] : [])];
      stored.synced = stored.lines.length;
    }
  }

  /** The recorded run ids. */
  runIds(): ReadonlyArray<string> {
    return [...this.runs.keys()];
  }

  private stored(runId: string): StoredRun {
    const stored = this.runs.get(runId);
    if (stored === undefined)
      throw new JournalRefusal(
        'not_found',
        `no run ${runId} in this journal`,
        `recorded runs: ${[...this.runs.keys()].join(', ') || 'none'}`,
      );
    return stored;
  }
}
