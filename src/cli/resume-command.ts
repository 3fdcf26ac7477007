// `missionkit resume <run-id>` (or `--last`): resumes a journaled run whose host died, shown and
// reported as `missionkit run` shows and reports a run (docs/durability.md).
import { JournalRefusal } from '../ports/journal.js';
import { resumeMissionWith, type OrphanKiller } from '../runtime/journaled-run.js';
import type { ResumeArgs } from './args.js';
import { type CliContext, displayPath } from './cli-context.js';
import { plural } from './format.js';
import { resumeCommandLine, showRun, type JournalDirectories, type RunDependencies } from './run-command.js';

/** What resuming needs beyond a run's dependencies: where runs are recorded, and how to kill orphans. */
export interface ResumeDependencies extends RunDependencies {
  readonly journals: JournalDirectories;
  readonly killOrphans: OrphanKiller;
}

/** The most recent run of the directory that can be resumed, or a refusal saying why there is none. */
const lastResumable = (cli: CliContext, journals: JournalDirectories, dir: string): string => {
  const runs = journals.list(dir);
  const resumable = runs.filter((r) => r.resumable);
  const latest = resumable.at(-1);
  if (latest !== undefined) return latest.id;
  const running = runs.filter((r) => r.status === 'running');
  throw new JournalRefusal(
    'not_found',
    runs.length === 0
      ? `no run is recorded in ${displayPath(cli, dir)}`
      : `none of the ${plural(runs.length, 'run')} in ${displayPath(cli, dir)} can be resumed: ${
          running.length > 0 ? `${running.length} running, ` : ''
        }${runs.length - running.length} finished or unreadable`,
    'list them with `missionkit runs`; give --journal DIR if the runs are recorded elsewhere',
  );
};

/** Runs `missionkit resume`; resolves the exit code (a refused resume rejects with its JournalRefusal). */
export const resumeCommand = (
  args: ResumeArgs,
  cli: CliContext,
  deps: ResumeDependencies,
): Promise<number> => {
  const dir = cli.fs.resolve(cli.cwd, args.journal);
  const journal = deps.journals.open(dir);
  const runId = args.runId ?? lastResumable(cli, deps.journals, dir);
  return showRun(
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
    { runId, resume: resumeCommandLine(runId, args.journal) },
  );
};
