// `missionkit resume <run-id>` (or `--last`): resumes a journaled run whose host died, shown and
// reported as `missionkit run` shows and reports a run (docs/durability.md).
import { JournalRefusal, type Journal } from '../ports/journal.js';
import { resumeMissionWith, type OrphanKiller } from '../runtime/journaled-run.js';
import type { ResumeArgs } from './args.js';
import { type CliContext, displayPath } from './cli-context.js';
import { plural } from './format.js';
import { resumeCommandLine, showRun, type JournalDirectories, type RunDependencies } from './run-command.js';
import { loadDistributed, redisConnection, redisUrl } from './redis-option.js';
import type { RunListing } from '../node/journal-runs.js';

/** What resuming needs beyond a run's dependencies: where runs are recorded, and how to kill orphans. */
export interface ResumeDependencies extends RunDependencies {
  readonly journals: JournalDirectories;
  readonly killOrphans: OrphanKiller;
}

/** The most recent run of the directory that can be resumed, or a refusal saying why there is none. */
const lastResumable = (runs: ReadonlyArray<RunListing>, where: string, flag: string): string => {
  const resumable = runs.filter((r) => r.resumable);
  const latest = resumable.at(-1);
  if (latest !== undefined) return latest.id;
  const running = runs.filter((r) => r.status === 'running');
  throw new JournalRefusal(
    'not_found',
    runs.length === 0
      ? `no run is recorded in ${where}`
      : `none of the ${plural(runs.length, 'run')} in ${where} can be resumed: ${
          running.length > 0 ? `${running.length} running, ` : ''
        }${runs.length - running.length} finished or unreadable`,
    `list them with \`missionkit runs${flag}\`; give --journal DIR or --redis URL if the runs are recorded elsewhere`,
  );
};

/** Resumes run `runId` from `journal` and shows it as `run` would; `resumeLine` resumes it again. */
const resumeFrom = (
  args: ResumeArgs,
  cli: CliContext,
  deps: ResumeDependencies,
  journal: Journal,
  runId: string,
  resumeLine: string,
): Promise<number> =>
  showRun(
    args,
    cli,
    deps,
    (options) =>
      resumeMissionWith({ ...deps.host, killOrphans: deps.killOrphans }, runId, {
        ...options,
        journal,
        variables: args.vars,
      }),
    undefined,
    { runId, resume: resumeLine },
  );

/** Runs `missionkit resume`; resolves the exit code (a refused resume rejects with its JournalRefusal). */
export const resumeCommand = (
  args: ResumeArgs,
  cli: CliContext,
  deps: ResumeDependencies,
): Promise<number> => {
  if (args.redis !== undefined) return resumeFromRedis(args, args.redis, cli, deps);
  const dir = cli.fs.resolve(cli.cwd, args.journal);
  const runId = args.runId ?? lastResumable(deps.journals.list(dir), displayPath(cli, dir), '');
  return resumeFrom(args, cli, deps, deps.journals.open(dir), runId, resumeCommandLine(runId, args.journal));
};

/** `missionkit resume --redis URL`: the run is read from Redis, wherever it started. */
const resumeFromRedis = async (
  args: ResumeArgs,
  url: string,
  cli: CliContext,
  deps: ResumeDependencies,
): Promise<number> => {
  const { redisJournal, listRedisRuns } = await loadDistributed();
  const connection = redisConnection(cli, url);
  const journal = redisJournal(connection);
  const runId =
    args.runId ??
    lastResumable(await listRedisRuns(connection), journal.display, ` --redis ${journal.display}`);
  // A run whose steps ran on workers sends them to workers again; one whose steps all ran in its
  // coordinator's process runs them here (resumeMissionWith sets the runner aside).
  const { coordinatorLink } = await import('../distributed/coordinator-host.js');
  const link = await coordinatorLink(redisUrl(cli, url));
  try {
    return await resumeFrom(
      args,
      cli,
      {
        ...deps,
        host: { ...deps.host, stepRunner: link.stepRunner },
        killOrphans: async (attempts) => {
          await deps.killOrphans(attempts);
          await link.stopAttempts(runId, attempts);
        },
      },
      journal,
      runId,
      `missionkit resume ${runId} --redis ${journal.display}`,
    );
  } finally {
    await link.close();
  }
};
