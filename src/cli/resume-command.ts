// `missionkit resume <run-id>`: resumes a journaled run whose host died, shown and reported as
// `missionkit run` shows and reports a run (docs/durability.md).
import type { Journal } from '../ports/journal.js';
import { resumeMissionWith, type OrphanKiller } from '../runtime/journaled-run.js';
import type { ResumeArgs } from './args.js';
import type { CliContext } from './cli-context.js';
import { showRun, type RunDependencies } from './run-command.js';

/** What resuming needs beyond a run's dependencies: where runs are recorded, and how to kill orphans. */
export interface ResumeDependencies extends RunDependencies {
  readonly journal: (dir: string) => Journal;
  readonly killOrphans: OrphanKiller;
}

/** Runs `missionkit resume`; resolves the exit code (a refused resume rejects with its JournalRefusal). */
export const resumeCommand = (
  args: ResumeArgs,
  cli: CliContext,
  deps: ResumeDependencies,
): Promise<number> => {
  const journal = deps.journal(cli.fs.resolve(cli.cwd, args.journal));
  return showRun(args, cli, deps, (options) =>
    resumeMissionWith({ ...deps.host, killOrphans: deps.killOrphans }, args.runId, {
      ...options,
      journal,
      variables: args.vars,
    }),
  );
};
