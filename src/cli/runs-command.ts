// `missionkit runs`: the runs recorded in a journal directory — which finished, which a dead host
// left behind (and can be resumed), which are running now.
import type { RunListing } from '../node/journal-runs.js';
import { DEFAULT_JOURNAL_DIR, type RunsArgs } from './args.js';
import { type CliContext, displayPath, out } from './cli-context.js';
import { duration } from './format.js';
import { unreachable } from '../unreachable.js';
import type { JournalDirectories } from './run-command.js';
import { loadDistributed, redisConnection, shownUrl } from './redis-option.js';

/** A run as `--json` prints it. */
const asJson = (r: RunListing): Record<string, unknown> => ({
  id: r.id,
  status: r.status,
  outcome: r.outcome ?? null,
  started_at: r.started_at !== undefined ? new Date(r.started_at).toISOString() : null,
  duration_ms: r.duration_ms ?? null,
  resumable: r.resumable,
  mission: r.mission ?? null,
  pid: r.pid ?? null,
  ...(holderOf(r) !== undefined ? { holder: holderOf(r) } : {}),
});

/** Who holds a running run of the Redis journal (`process <pid> on <host>`). */
const holderOf = (r: RunListing): string | undefined => (r as { holder?: string }).holder;

const statusText = (r: RunListing): string => {
  switch (r.status) {
    case 'finished':
      return r.outcome ?? 'finished';
    case 'running':
      return holderOf(r) !== undefined ? `running (${holderOf(r)!})` : `running (pid ${r.pid ?? '?'})`;
    case 'interrupted':
      return 'interrupted';
    case 'unreadable':
      return 'unreadable';
    default:
      return unreachable(r.status);
  }
};

/** Runs `missionkit runs`; resolves the exit code. */
export const runsCommand = (args: RunsArgs, cli: CliContext, journals: JournalDirectories): number => {
  const dir = cli.fs.resolve(cli.cwd, args.journal);
  return printRuns(args, cli, journals.list(dir), displayPath(cli, dir));
};

/** Runs `missionkit runs --redis URL`; resolves the exit code. */
export const redisRunsCommand = async (args: RunsArgs, cli: CliContext, url: string): Promise<number> => {
  const { listRedisRuns, redisJournal } = await loadDistributed();
  const connection = redisConnection(cli, url);
  return printRuns(args, cli, await listRedisRuns(connection), redisJournal(connection).display);
};

const printRuns = (
  args: RunsArgs,
  cli: CliContext,
  runs: ReadonlyArray<RunListing>,
  where: string,
): number => {
  if (args.json) {
    out(cli, JSON.stringify(runs.map(asJson), null, 2));
    return 0;
  }
  if (runs.length === 0) {
    out(cli, `no runs recorded in ${where}`);
    return 0;
  }
  const rows = [
    ['RUN', 'STATUS', 'STARTED', 'DURATION', 'RESUMABLE'],
    ...runs.map((r) => [
      r.id,
      statusText(r),
      r.started_at !== undefined ? new Date(r.started_at).toISOString().replace('T', ' ').slice(0, 19) : '-',
      r.duration_ms !== undefined ? duration(r.duration_ms) : '-',
      r.resumable ? 'yes' : 'no',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    out(
      cli,
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  const resumable = runs.filter((r) => r.resumable);
  if (resumable.length > 0)
    out(
      cli,
      cli.outStyle.dim(
        `resume one with \`missionkit resume <run>${
          args.redis !== undefined
            ? ` --redis ${shownUrl(args.redis)}`
            : args.journal === DEFAULT_JOURNAL_DIR
              ? ''
              : ` --journal ${args.journal}`
        }\`, the latest with --last`,
      ),
    );
  return 0;
};
