// The runs of a file journal's directory, as `missionkit runs` lists them and `resume --last` and
// pruning choose among them: read from each run's files, without replaying any run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAlive, OUTCOME_FILE } from './file-journal.js';

/**
 * Where a recorded run stands: `running` (a live process holds its lock), `finished` (it ended
 * with a report), `interrupted` (its host died before the end: it can be resumed), `unreadable`
 * (its inputs cannot be read).
 */
export type RecordedRunStatus = 'running' | 'finished' | 'interrupted' | 'unreadable';

/** One run of a journal directory. */
export interface RunListing {
  readonly id: string;
  readonly status: RecordedRunStatus;
  /** The report's status, for a finished run. */
  readonly outcome: string | undefined;
  /** Epoch milliseconds. */
  readonly started_at: number | undefined;
  /** Until its end, or (unfinished) its last journal write. */
  readonly duration_ms: number | undefined;
  /** The mission file the run was started with. */
  readonly mission: string | undefined;
  /** Whether `missionkit resume` can take it now. */
  readonly resumable: boolean;
  /** The pid holding its lock, for a running run. */
  readonly pid: number | undefined;
}

const readJson = (file: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const lockHolder = (dir: string): number | undefined => {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dir, 'lock'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
};

const mtimeOf = (file: string): number | undefined => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

/** What a journal knows of a run, whatever keeps it (a directory here, Redis in missionkit/distributed). */
export interface RecordedRunFacts {
  /** A live process holds the run (a lock, a lease). */
  readonly held: boolean;
  /** The run's inputs could be read. */
  readonly readable: boolean;
  /** Its recorded outcome, if it ended. */
  readonly outcome: Record<string, unknown> | undefined;
  /** Epoch milliseconds it started and last ended or wrote, where known. */
  readonly started: number | undefined;
  readonly ended: number | undefined;
  readonly mission: unknown;
}

/** A run's listing from what its journal knows: one rule for every journal. */
export const recordedRun = (id: string, f: RecordedRunFacts): Omit<RunListing, 'pid'> => {
  const status: RecordedRunStatus = f.held
    ? 'running'
    : !f.readable
      ? 'unreadable'
      : f.outcome !== undefined
        ? 'finished'
        : 'interrupted';
  const { started, ended } = f;
  return {
    id,
    status,
    outcome: typeof f.outcome?.status === 'string' ? f.outcome.status : undefined,
    started_at: started !== undefined && Number.isFinite(started) ? started : undefined,
    duration_ms:
      started !== undefined && ended !== undefined && Number.isFinite(ended) && Number.isFinite(started)
        ? Math.max(0, Math.round(ended - started))
        : undefined,
    mission: typeof f.mission === 'string' && f.mission !== '' ? f.mission : undefined,
    resumable: status === 'interrupted',
  };
};

const listing = (root: string, id: string): RunListing => {
  const dir = path.join(root, id);
  const inputs = readJson(path.join(dir, 'inputs.json'));
  const outcome = readJson(path.join(dir, OUTCOME_FILE));
  const pid = lockHolder(dir);
  return {
    ...recordedRun(id, {
      held: pid !== undefined,
      readable: inputs !== undefined,
      outcome,
      started: typeof inputs?.created_at === 'number' ? inputs.created_at : undefined,
      ended:
        typeof outcome?.ended_at === 'string'
          ? Date.parse(outcome.ended_at)
          : mtimeOf(path.join(dir, 'events.jsonl')),
      mission: (inputs?.mission as { file?: unknown } | undefined)?.file,
    }),
    pid,
  };
};

/** Every run recorded under `root`, oldest first (by start; a run without inputs by its name). */
export const listRuns = (root: string): ReadonlyArray<RunListing> => {
  let names: string[];
  try {
    names = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((id) => listing(root, id))
    .sort((a, b) => (a.started_at ?? 0) - (b.started_at ?? 0) || a.id.localeCompare(b.id));
};

/** Creates a journal directory if need be; resolves why runs cannot be recorded there, or undefined. */
export const prepareRuns = (root: string): string | undefined => {
  try {
    fs.mkdirSync(root, { recursive: true });
    fs.accessSync(root, fs.constants.W_OK);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

/**
 * Keeps the `keep` most recent runs under `root` and deletes the finished ones among the older
 * runs; a run that is running or can be resumed is never deleted. Resolves the ids deleted.
 */
export const pruneRuns = (root: string, keep: number): ReadonlyArray<string> => {
  const runs = listRuns(root);
  const removed: string[] = [];
  for (const run of runs.slice(0, Math.max(0, runs.length - keep))) {
    if (run.status !== 'finished') continue;
    // Checked again right before deleting: a resume may have taken the run since it was listed.
    if (lockHolder(path.join(root, run.id)) !== undefined) continue;
    fs.rmSync(path.join(root, run.id), { recursive: true, force: true });
    removed.push(run.id);
  }
  return removed;
};
