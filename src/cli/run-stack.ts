// What `run` and `resume` need beyond the CLI itself, in one module: the command, the executor, the
// Node host, the journal and its listing, the signal handling. One dynamic import of it (main.ts)
// makes the published CLI read a handful of files for a run instead of one per piece (the bundler
// splits code shared between dynamic imports into files of their own, each resolved, read and
// compiled at start); `--version`, `validate` and the rest never load it.
import { createNodeExecutor } from '../node/node-executor.js';
import { nodeHost } from '../node/node-host.js';
import { onCliInterrupt } from '../node/cli-signals.js';
import { fileJournal } from '../node/file-journal.js';
import { listRuns, prepareRuns, pruneRuns } from '../node/journal-runs.js';
import { orphanKiller } from '../node/orphans.js';

export { runCommand } from './run-command.js';
export { resumeCommand } from './resume-command.js';
export { orphanKiller };

/** The file journal: a directory per run, listed and pruned by the CLI. */
export const fileJournals = () => ({
  open: fileJournal,
  list: listRuns,
  prepare: prepareRuns,
  prune: pruneRuns,
});

/** `14:03:07` on the host's clock, for plain lines. */
const clockTime = (at: number): string => new Date(at).toTimeString().slice(0, 8);

/** What `run` and `resume` run with: an executor of the CLI's own, so a second Ctrl-C can kill every tree it started at once. */
export const runDependencies = () => {
  const executor = createNodeExecutor();
  return {
    host: { ...nodeHost(), executor },
    forceKill: () => executor.killAll('force'),
    onInterrupt: onCliInterrupt,
    exitNow: (code: number): never => process.exit(code),
    clockTime,
    journals: fileJournals(),
  };
};
