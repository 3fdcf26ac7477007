// The embedded journal: one directory per run under a root, holding `inputs.json` (what the run
// was started with), `events.jsonl` (one JSON line per entry, appended) and `lock` (the pid of
// the process running it). Entries are buffered and written in batches (within FLUSH_MS, or at
// FLUSH_BYTES); a `durable` append or a sync writes what waits and fdatasyncs it once, so the run
// commits in groups (the interpreter decides when: docs/durability.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  JournalRefusal,
  type Durability,
  type Journal,
  type JournalEntry,
  type RecordedRun,
  type RunInputs,
  type RunLog,
  type RunOutcome,
} from '../ports/journal.js';
import { entryLine, inputsText, readRun } from '../runtime/journal-lines.js';

/** Batched entries are written at the latest this long after they were appended. */
const FLUSH_MS = 100;
/** …or as soon as this many bytes wait. */
const FLUSH_BYTES = 64 * 1024;

/** The file a run's directory holds once the run ended with a report (journal-runs.ts reads it). */
export const OUTCOME_FILE = 'outcome.json';

/**
 * The journal could not be written (a full disk, an I/O error, a directory it may not write to):
 * when a run is being `created`, nothing ran; when it is `recording`, the run stops at once, since
 * what it did next could not be recorded; when a run is being `reopened` to resume it, nothing was
 * resumed. The message says where, why and what to do.
 */
export class JournalWriteError extends Error {
  override readonly name = 'JournalWriteError';
  constructor(
    readonly runId: string,
    readonly directory: string,
    /** The system's error code (`ENOSPC`, `EIO`, `EACCES`…), when there is one. */
    readonly code: string | undefined,
    readonly phase: 'creating' | 'recording' | 'reopening',
    reason: string,
  ) {
    super(
      phase === 'creating'
        ? `run ${runId}: its journal could not be created in ${directory} (${reason}); nothing ran — ` +
            'make room or fix the directory (or choose another journal directory), then start the run again'
        : phase === 'reopening'
          ? `run ${runId}: its journal in ${directory} could not be reopened (${reason}); nothing was resumed — ` +
            `make room or fix the directory, then resume it again (missionkit resume ${runId}, or resumeMission)`
          : `run ${runId}: its journal in ${directory} could not be written (${reason}); the run was stopped — ` +
            `make room or fix the directory, then resume it (missionkit resume ${runId}, or resumeMission)`,
    );
  }
}

const journalWriteError = (
  runId: string,
  dir: string,
  e: unknown,
  phase: JournalWriteError['phase'] = 'recording',
): JournalWriteError => {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code === 'ENOSPC' ? 'no space left on the device, ENOSPC' : (err.message ?? String(e));
  return new JournalWriteError(runId, dir, err.code, phase, reason);
};

/** A refusal or a caller's mistake passes as it is; anything else the file system said is a JournalWriteError. */
const asJournalError = (
  runId: string,
  dir: string,
  e: unknown,
  phase: JournalWriteError['phase'],
): unknown =>
  e instanceof JournalRefusal || e instanceof TypeError || e instanceof JournalWriteError
    ? e
    : journalWriteError(runId, dir, e, phase);

/** Runs this process holds open, by directory: a second open of one is refused like a foreign lock. */
const held = new Set<string>();

/** Whether a process with this pid exists (one owned by another user counts). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Writes all of `text` (a write may take only part of it, as on a disk that is filling up). */
const writeAll = (fd: number, text: string): void => {
  const bytes = Buffer.from(text);
  let at = 0;
  while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
};

/** Writes a file under a temporary name and renames it: a reader sees all of it or none. */
const writeAtomically = (file: string, text: string, durable = false): void => {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
};

/** Writes a file and makes it and its name durable. */
const writeDurably = (file: string, text: string): void => {
  writeAtomically(file, text, true);
  syncDirectory(path.dirname(file));
};

const syncDirectory = (dir: string): void => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is as durable as they make it.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

/** Takes a run's lock, or refuses: a live process other than a finished holder has it. */
const lock = (dir: string, runId: string): void => {
  const file = path.join(dir, 'lock');
  if (held.has(dir))
    throw new JournalRefusal(
      'locked',
      `run ${runId} is running in this process (pid ${process.pid})`,
      'wait for it to end, or cancel it, before resuming',
    );
  try {
    fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
      throw new JournalRefusal(
        'locked',
        `run ${runId} is running in process ${pid} (${file})`,
        `wait for it to end or stop process ${pid}; if that pid now belongs to another program, delete ${file}`,
      );
    // The holder died: the lock is stale and passes to this process.
    writeDurably(file, `${process.pid}\n`);
  }
  held.add(dir);
};

const unlock = (dir: string): void => {
  held.delete(dir);
  try {
    const file = path.join(dir, 'lock');
    if (Number.parseInt(fs.readFileSync(file, 'utf8'), 10) === process.pid) fs.unlinkSync(file);
  } catch {
    // Already gone.
  }
};

class FileRunLog implements RunLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly dir: string,
    private readonly fd: number,
  ) {}

  append(entry: JournalEntry, durability: Durability): void {
    if (this.closed) return;
    if (this.failure !== undefined) throw this.failure;
    const line = entryLine(entry);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (durability === 'durable') this.flush(true);
    else if (this.pendingBytes >= FLUSH_BYTES) this.flush(false);
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flushSoon(), FLUSH_MS);
      this.timer.unref();
    }
  }

  sync(): void {
    if (this.closed) return;
    if (this.failure !== undefined) throw this.failure;
    this.flush(true);
  }

  finish(outcome: RunOutcome): void {
    if (this.closed || this.failure !== undefined) return;
    this.flush(true);
    // Not fsynced: lost in a crash, it only lists the run as resumable, and resuming it replays
    // the durable log to the same report.
    writeAtomically(path.join(this.dir, OUTCOME_FILE), `${JSON.stringify(outcome)}\n`);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    try {
      // A log that could not be written keeps what it holds; the run's error already says why.
      if (this.failure === undefined) this.flush(true);
    } finally {
      this.closed = true;
      fs.closeSync(this.fd);
      unlock(this.dir);
    }
    return Promise.resolve();
  }

  /** A timer's flush: its failure surfaces at the next append or sync (a timer has no one to throw to). */
  private flushSoon(): void {
    try {
      this.flush(false);
    } catch {
      // Kept in this.failure.
    }
  }

  /** Why the log can no longer be written, once it cannot: every later append or sync throws it. */
  private failure: JournalWriteError | undefined;

  /** Writes what waits, in order; `durable` also fsyncs it (and any earlier write). */
  private flush(durable: boolean): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    try {
      if (this.pending.length > 0) {
        const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
        this.pending = [];
        this.pendingBytes = 0;
        writeAll(this.fd, text);
        if (durable) fs.fdatasyncSync(this.fd);
        this.unsynced = !durable;
      } else if (durable && this.unsynced) {
        fs.fdatasyncSync(this.fd);
        this.unsynced = false;
      }
    } catch (e) {
      this.failure = journalWriteError(this.runId, this.dir, e);
      throw this.failure;
    }
  }

  /** Written and not yet fsynced. */
  private unsynced = false;
}

/** A run directory's files. */
const filesOf = (dir: string): { inputs: string; events: string } => ({
  inputs: path.join(dir, 'inputs.json'),
  events: path.join(dir, 'events.jsonl'),
});

/**
 * The file journal: runs recorded under `root`, one directory per run (docs/durability.md).
 * @example
 * const journal = fileJournal('.missionkit/runs');
 * await runMission('import.yaml', { journal, runId: 'import-42' });
 * // …after the host died:
 * await resumeMission('import-42', { journal });
 */
export const fileJournal = (root: string): Journal => {
  const dirOf = (runId: string): string => {
    // A run id names a directory right under the root, never a path out of it.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId))
      throw new TypeError(
        `run id ${JSON.stringify(runId)} is not a run id: letters, digits, dot, dash or underscore, not starting with a dot`,
      );
    return path.resolve(root, runId);
  };
  return {
    async create(inputs: RunInputs): Promise<RunLog> {
      await Promise.resolve();
      const dir = dirOf(inputs.run_id);
      const files = filesOf(dir);
      let locked = false;
      let fd: number | undefined;
      try {
        fs.mkdirSync(dir, { recursive: true });
        if (fs.existsSync(files.inputs))
          throw new TypeError(`run ${inputs.run_id} is already recorded in ${dir}: choose another runId`);
        lock(dir, inputs.run_id);
        locked = true;
        // The log is created first, so the one directory sync after the inputs' rename makes both names durable.
        fd = fs.openSync(files.events, 'a');
        writeDurably(files.inputs, inputsText(inputs));
        return new FileRunLog(inputs.run_id, dir, fd);
      } catch (e) {
        if (fd !== undefined) fs.closeSync(fd);
        const refused = e instanceof JournalRefusal || e instanceof TypeError;
        if (locked || !refused) {
          // Nothing was recorded (no inputs.json): what this attempt made goes (a lock file a full
          // disk left empty among it), so no run is listed.
          held.delete(dir);
          fs.rmSync(dir, { recursive: true, force: true });
        }
        throw asJournalError(inputs.run_id, dir, e, 'creating');
      }
    },

    async open(runId: string): Promise<{ readonly run: RecordedRun; readonly log: RunLog }> {
      await Promise.resolve();
      const dir = dirOf(runId);
      const files = filesOf(dir);
      if (!fs.existsSync(files.inputs))
        throw new JournalRefusal(
          'not_found',
          `no run ${runId} in ${path.resolve(root)}`,
          'check the run id and the journal directory',
        );
      try {
        lock(dir, runId);
      } catch (e) {
        throw asJournalError(runId, dir, e, 'reopening');
      }
      try {
        const log = fs.existsSync(files.events) ? fs.readFileSync(files.events, 'utf8') : '';
        const run = readRun(`run ${runId} (${files.events})`, fs.readFileSync(files.inputs, 'utf8'), log);
        if (run.truncatedTail) {
          // The line a crash cut short is dropped, so the next entry starts a line of its own.
          fs.truncateSync(files.events, Buffer.byteLength(log.slice(0, log.lastIndexOf('\n') + 1)));
        }
        const fd = fs.openSync(files.events, 'a');
        return { run, log: new FileRunLog(runId, dir, fd) };
      } catch (e) {
        unlock(dir);
        throw asJournalError(runId, dir, e, 'reopening');
      }
    },
  };
};
