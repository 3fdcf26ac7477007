// `missionkit worker`: starts a worker and keeps it until SIGINT, SIGTERM or SIGHUP. The
// distributed entry point is loaded here only, so no other command loads bullmq.
import type { AnyStepType } from '../ports/step-type.js';
import type { WorkerArgs } from './args.js';
import { type CliContext, err } from './cli-context.js';
import type { CliSignal } from '../node/cli-signals.js';

/** What the worker command needs from the process. */
export interface WorkerDependencies {
  readonly onInterrupt: (handler: (signal: CliSignal) => void) => () => void;
  /** Loads a module of step types (a path resolved from the current directory). */
  readonly loadModule: (file: string) => Promise<unknown>;
}

const isStepType = (v: unknown): v is AnyStepType =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as AnyStepType).name === 'string' &&
  typeof (v as AnyStepType).run === 'function' &&
  typeof (v as AnyStepType).parameters === 'object';

/** Every step type a module exports: an array (default or `stepTypes`) or step types by name. */
export const stepTypesOf = (module: unknown, file: string): ReadonlyArray<AnyStepType> => {
  const m = (module ?? {}) as Record<string, unknown>;
  const candidates: unknown[] = [];
  for (const value of [m.default, m.stepTypes, ...Object.values(m)]) {
    if (Array.isArray(value)) candidates.push(...(value as unknown[]));
    else candidates.push(value);
  }
  const found = [...new Set(candidates.filter(isStepType))];
  if (found.length === 0)
    throw new TypeError(
      `--step-types ${file}: the module exports no step type — export defineStepType(...) values, or an array of them as default or stepTypes`,
    );
  return found;
};

/** Runs `missionkit worker` until a signal; resolves the exit code. */
export const workerCommand = async (
  args: WorkerArgs,
  cli: CliContext,
  deps: WorkerDependencies,
): Promise<number> => {
  const stepTypes: AnyStepType[] = [];
  for (const file of args.stepTypes) {
    const path = cli.fs.resolve(cli.cwd, file);
    stepTypes.push(...stepTypesOf(await deps.loadModule(path), file));
  }
  const { startWorker } = await import('../distributed/worker.js');
  const worker = await startWorker({
    redis: args.redis,
    labels: args.labels,
    ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    ...(args.name !== undefined ? { name: args.name } : {}),
    ...(args.lostAfterMs !== undefined ? { lostAfterMs: args.lostAfterMs } : {}),
    stepTypes,
    onLog: (line) => err(cli, `${new Date(cli.clock.now()).toISOString()} ${line}`),
  });
  await new Promise<void>((resolve) => {
    const dispose = deps.onInterrupt((signal) => {
      dispose();
      err(
        cli,
        `missionkit worker: ${signal}: stopping (running attempts are killed and run again elsewhere)`,
      );
      resolve();
    });
  });
  await worker.close();
  return 0;
};
