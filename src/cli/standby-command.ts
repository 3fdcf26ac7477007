// `missionkit standby --redis URL`: a standby coordinator in the foreground — it resumes, here,
// every run of the Redis journal whose coordinator died, and says which and how each ended.
import type { StandbyArgs } from './args.js';
import { type CliContext, err, out } from './cli-context.js';
import { loadDistributed, redisConnection } from './redis-option.js';

/** What the standby needs from the process: how it learns it must stop. */
export interface StandbyDependencies {
  /** Calls the handler on Ctrl-C / SIGTERM; returns how to stop listening. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

/** Runs `missionkit standby` until interrupted; resolves the exit code. */
export const standbyCommand = async (
  args: StandbyArgs,
  cli: CliContext,
  deps: StandbyDependencies,
): Promise<number> => {
  const { standbyCoordinator, listRedisRuns, redisJournal } = await loadDistributed();
  const connection = redisConnection(cli, args.redis);
  const journal = args.leaseMs !== undefined ? { leaseMs: args.leaseMs } : {};
  // Unreachable Redis or wrong credentials: said now, not at the first poll.
  await listRedisRuns(connection, { ...journal, only: 'active' });
  const controller = new AbortController();
  const stopped = new Promise<void>((resolve) => {
    const dispose = deps.onInterrupt(() => {
      dispose();
      controller.abort(new Error('the standby was interrupted'));
      resolve();
    });
  });
  out(
    cli,
    `standby: watching ${redisJournal(connection).display} for runs whose coordinator died (Ctrl-C stops)`,
  );
  const standby = standbyCoordinator({
    redis: connection,
    journal,
    variables: args.vars,
    signal: controller.signal,
    ...(args.pollMs !== undefined ? { pollMs: args.pollMs } : {}),
    onTakeover: (runId) => out(cli, `standby: taking over run ${runId}`),
    onReport: (runId, report) =>
      out(cli, `standby: run ${runId} ${report.status} (${report.steps.length} steps)`),
    onError: (runId, e) =>
      err(cli, cli.errStyle.yellow(`standby: ${runId !== undefined ? `run ${runId}: ` : ''}${e.message}`)),
  });
  await stopped;
  await standby.stop();
  return 0;
};
