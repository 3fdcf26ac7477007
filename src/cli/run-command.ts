// `missionkit run`: runs a mission with the view that suits where the output goes (a live view on
// a terminal, plain timestamped lines in CI and pipes, nothing but JSON with --json), writes the
// reports, and turns the mission's status into the exit code. Ctrl-C once cancels gracefully and
// still writes the reports; twice kills every process tree at once; a third time exits at once.
import type { CliSignal } from '../node/cli-signals.js';
import { runMissionWith, type RuntimeHost } from '../runtime/run-mission.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport } from '../scheduler/report.js';
import { DEFAULT_JOURNAL_DIR, type RunArgs } from './args.js';
import { type CliContext, displayPath, err, loadMissionFile, out, problemSource } from './cli-context.js';
import { missionSucceeded } from './format.js';
import type { LiveView } from './live-view.js';
import { problemLines } from './problems.js';
import { plainRenderer } from './render.js';
import { containmentLine, failureSection, summaryLine, summaryTable } from './summary.js';
import { unreachable } from '../unreachable.js';
import type { RunListing } from '../node/journal-runs.js';
import type { Journal } from '../ports/journal.js';
import { newRunId } from '../runtime/journaled-run.js';

/** What a run needs beyond the context: the ports, and the process-level controls main.ts owns. */
export interface RunDependencies {
  /** The ports the mission runs on (its executor is the one `forceKill` reaches). */
  readonly host: RuntimeHost;
  /** Kills every process tree the executor started, at once (the second Ctrl-C). */
  readonly forceKill: () => Promise<void>;
  /** Calls the handler on every SIGINT, SIGTERM or SIGHUP until the returned function is called. */
  readonly onInterrupt: (handler: (signal: CliSignal) => void) => () => void;
  /** Ends the process now (the third Ctrl-C). */
  readonly exitNow: (code: number) => void;
  /** The time of day printed on plain lines. */
  readonly clockTime: (at: number) => string;
  /** Journal directories: where runs are recorded; absent, `run` journals nothing. */
  readonly journals?: JournalDirectories;
  /** The command that resumes run `runId` when it is not recorded in a directory (`--redis`). */
  readonly resumeLine?: (runId: string) => string;
}

/** What the CLI does with a journal directory (the file journal and its listing in main.ts). */
export interface JournalDirectories {
  /** The journal recording runs in the directory. */
  readonly open: (dir: string) => Journal;
  /** The runs recorded in the directory, oldest first. */
  readonly list: (dir: string) => ReadonlyArray<RunListing>;
  /** Creates the directory if need be; resolves why runs cannot be recorded there, or undefined. */
  readonly prepare: (dir: string) => string | undefined;
  /** Keeps the `keep` newest runs, deleting older finished ones; resolves the ids deleted. */
  readonly prune: (dir: string, keep: number) => ReadonlyArray<string>;
}

/** The flags that say how a run is shown and reported (`run` and `resume` share them). */
export type ViewArgs = Pick<RunArgs, 'json' | 'quiet' | 'verbose' | 'report' | 'junit' | 'html'>;

/** How the run is shown, chosen from the flags and where standard output goes. */
type View =
  | { readonly _tag: 'json' }
  | { readonly _tag: 'quiet' }
  | { readonly _tag: 'live'; readonly live: LiveView }
  | { readonly _tag: 'plain'; readonly onEvent: (e: MissionEvent) => void };

// The live view, the report writers and the plan printer are loaded only by a run that uses them.
const chooseView = async (args: ViewArgs, cli: CliContext, deps: RunDependencies): Promise<View> => {
  if (args.json) return { _tag: 'json' };
  if (args.quiet) return { _tag: 'quiet' };
  if (cli.stdout.isTTY && cli.env.TERM !== 'dumb') {
    const { createLiveView } = await import('./live-view.js');
    return {
      _tag: 'live',
      live: createLiveView({
        terminal: cli.stdout,
        clock: cli.clock,
        style: cli.outStyle,
        verbose: args.verbose,
      }),
    };
  }
  return {
    _tag: 'plain',
    onEvent: plainRenderer((line) => out(cli, line), cli.outStyle, args.verbose, deps.clockTime),
  };
};

/** Says something about the run where the person watching will see it, without breaking --json. */
const tell = (cli: CliContext, view: View, line: string): void => {
  if (view._tag === 'live') view.live.notice(line);
  else err(cli, line);
};

/** What became of the report files asked for. */
interface Written {
  /** Each file written, with what it holds (`report`, `JUnit report`). */
  readonly files: ReadonlyArray<readonly [string, string]>;
  readonly problems: ReadonlyArray<string>;
}

/** Writes the requested report files; a file that cannot be written is a problem, not an exception. */
const writeReports = async (cli: CliContext, args: ViewArgs, report: MissionReport): Promise<Written> => {
  const wanted: ReadonlyArray<readonly [string, string, string | undefined, () => Promise<string>]> = [
    ['report', '--report', args.report, () => Promise.resolve(`${JSON.stringify(report, null, 2)}\n`)],
    ['JUnit report', '--junit', args.junit, async () => (await import('./junit.js')).junitXml(report)],
    ['HTML report', '--html', args.html, async () => (await import('../report/html.js')).toHtml(report)],
  ];
  const files: (readonly [string, string])[] = [];
  const problems: string[] = [];
  for (const [what, option, file, content] of wanted) {
    if (file === undefined) continue;
    const path = cli.fs.resolve(cli.cwd, file);
    try {
      await cli.fs.writeFileAtomic(path, await content());
      files.push([what, displayPath(cli, path)]);
    } catch (e) {
      problems.push(
        `cannot write the ${what} to ${displayPath(cli, path)}: ${(e as Error).message}\n` +
          `  hint: give ${option} a path in a directory you can write to`,
      );
    }
  }
  return { files, problems };
};

/** Why the run was cancelled, as the report's `cancel_reason` says it. */
const cancelReason = (signal: CliSignal): string => {
  switch (signal) {
    case 'SIGINT':
      return 'interrupted (SIGINT)';
    case 'SIGTERM':
      return 'terminated (SIGTERM)';
    case 'SIGHUP':
      return 'the terminal closed (SIGHUP)';
    default:
      return unreachable(signal);
  }
};

/** The command that resumes a journaled run. */
export const resumeCommandLine = (runId: string, journal: string): string =>
  `missionkit resume ${runId}${journal === DEFAULT_JOURNAL_DIR ? '' : ` --journal ${journal}`}`;

/**
 * The exit code of a suspended run (EX_TEMPFAIL of sysexits.h: a temporary failure, try again):
 * a supervisor tells it from a failure and resumes the run.
 */
export const SUSPENDED_EXIT_CODE = 75;

/** Runs `missionkit run`; resolves the exit code. */
export const runCommand = async (args: RunArgs, cli: CliContext, deps: RunDependencies): Promise<number> => {
  const mission = await loadMissionFile(cli, args.file, { strict: args.strict, parallel: args.parallel });
  if (args.dryRun) {
    const { printPlan } = await import('./plan-command.js');
    return printPlan(cli, deps.host, mission, args.json ? 'json' : 'text');
  }
  for (const line of await problemLines(mission.warnings, problemSource(cli), cli.errStyle)) err(cli, line);
  const journals = deps.journals;
  const wanted =
    args.journal !== undefined && journals !== undefined ? cli.fs.resolve(cli.cwd, args.journal) : undefined;
  const problem = wanted !== undefined ? journals?.prepare(wanted) : undefined;
  // A directory runs cannot be recorded in (a read-only checkout) does not stop the run: it runs
  // unjournaled, and says so.
  if (wanted !== undefined && problem !== undefined)
    err(
      cli,
      cli.errStyle.yellow(
        `missionkit: the run is not journaled: cannot write to ${displayPath(cli, wanted)}: ${problem}\n` +
          '  hint: pass --journal DIR with a directory you can write to, or --no-journal',
      ),
    );
  const dir = problem === undefined ? wanted : undefined;
  const recorded =
    dir !== undefined && journals !== undefined
      ? { runId: newRunId(cli.clock.now()), journal: journals.open(dir) }
      : undefined;
  const code = await showRun(
    args,
    cli,
    deps,
    async (options) =>
      // A journaled run records the mission file (so a resume checks it did not change) and the
      // --parallel override beside it (so a resume plans the same waves).
      runMissionWith(
        deps.host,
        recorded !== undefined ? { path: cli.fs.resolve(cli.cwd, args.file) } : mission,
        {
          ...options,
          ...(recorded !== undefined && args.parallel !== undefined
            ? { maxParallelSteps: args.parallel }
            : {}),
          strict: args.strict,
          variables: args.vars,
          ...(args.cwd !== undefined ? { cwd: args.cwd } : {}),
          ...(recorded ?? {}),
        },
      ),
    recorded !== undefined
      ? `run ${recorded.runId} is journaled: if this process dies, \`${deps.resumeLine?.(recorded.runId) ?? resumeCommandLine(recorded.runId, args.journal!)}\` resumes it`
      : undefined,
    recorded !== undefined
      ? {
          runId: recorded.runId,
          resume: deps.resumeLine?.(recorded.runId) ?? resumeCommandLine(recorded.runId, args.journal!),
        }
      : undefined,
  );
  if (dir !== undefined && journals !== undefined) {
    try {
      journals.prune(dir, args.keepRuns);
    } catch (e) {
      err(
        cli,
        cli.errStyle.yellow(
          `missionkit: cannot prune old runs in ${displayPath(cli, dir)}: ${(e as Error).message}\n` +
            `  hint: delete old run directories there by hand, or pass --keep-runs N`,
        ),
      );
    }
  }
  return code;
};

/**
 * Shows a run as it goes (live view, plain lines or nothing for --json), handles Ctrl-C, writes
 * the reports and resolves the exit code; `start` starts the run with the signal and listener given.
 */
export const showRun = async (
  args: ViewArgs,
  cli: CliContext,
  deps: RunDependencies,
  start: (options: {
    readonly signal: AbortSignal;
    readonly suspendSignal?: AbortSignal;
    readonly onEvent?: (event: MissionEvent) => void;
    readonly redrawEvents?: boolean;
  }) => Promise<MissionReport>,
  announcement?: string,
  journaled?: { readonly runId: string; readonly resume: string },
): Promise<number> => {
  const view = await chooseView(args, cli, deps);
  // Said before the live view draws anything, on stderr: stdout keeps the run's own output.
  if (announcement !== undefined && (view._tag === 'live' || view._tag === 'plain'))
    err(cli, cli.errStyle.dim(announcement));
  const controller = new AbortController();
  // A journaled run is suspended by SIGTERM (a supervisor or deploy stopping the process) and
  // SIGHUP (the terminal went away), to be resumed; Ctrl-C is a person's wish to cancel it.
  const suspender = journaled !== undefined ? new AbortController() : undefined;
  let interrupts = 0;
  const dispose = deps.onInterrupt((signal) => {
    interrupts += 1;
    const key = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (interrupts === 1 && suspender !== undefined && journaled !== undefined && signal !== 'SIGINT') {
      tell(
        cli,
        view,
        cli.errStyle.yellow(
          `■ ${signal}: suspending run ${journaled.runId} — stopping every step; \`${journaled.resume}\` resumes it (${key} again to force)`,
        ),
      );
      suspender.abort(new Error(`received ${signal}`));
    } else if (interrupts === 1) {
      tell(
        cli,
        view,
        cli.errStyle.red(`■ ${signal}: cancelling — stopping every step gracefully (${key} again to force)`),
      );
      controller.abort(new Error(cancelReason(signal)));
    } else if (interrupts === 2) {
      tell(
        cli,
        view,
        cli.errStyle.red(`■ ${signal} again: killing every process tree now (${key} again to exit at once)`),
      );
      void deps.forceKill();
    } else {
      if (view._tag === 'live') view.live.stop();
      err(
        cli,
        cli.errStyle.red(
          '■ exiting without waiting: process trees may be left running, reports were not written',
        ),
      );
      deps.exitNow(130);
    }
  });

  let report: MissionReport;
  try {
    report = await start({
      signal: controller.signal,
      ...(suspender !== undefined ? { suspendSignal: suspender.signal } : {}),
      ...(view._tag === 'live' ? { onEvent: view.live.onEvent, redrawEvents: true } : {}),
      ...(view._tag === 'plain' ? { onEvent: view.onEvent } : {}),
    });
  } catch (e) {
    dispose();
    throw e;
  } finally {
    if (view._tag === 'live') view.live.stop();
  }
  // Reports are written while the interrupt handler still holds SIGINT: a Ctrl-C now must not
  // kill the process halfway through a file.
  const written = await writeReports(cli, args, report);
  dispose();

  const style = cli.outStyle;
  // On a terminal the summary fits its width; a log or pipe has no width to fit.
  const width = cli.stdout.isTTY ? cli.stdout.columns() : Infinity;
  switch (view._tag) {
    case 'json':
      out(cli, JSON.stringify(report, null, 2));
      break;
    case 'quiet':
      for (const line of failureSection(report, style)) out(cli, line);
      out(cli, summaryLine(report, style, width));
      break;
    case 'live':
    case 'plain':
      out(cli, '');
      for (const line of summaryTable(report, style, width)) out(cli, line);
      {
        const contained = containmentLine(report, style);
        if (contained !== undefined) out(cli, contained);
      }
      for (const line of failureSection(report, style)) out(cli, line);
      out(cli, '');
      out(cli, summaryLine(report, style, width));
      for (const [what, file] of written.files) out(cli, style.dim(`${what} written to ${file}`));
      break;
    default:
      unreachable(view);
  }
  for (const p of written.problems) err(cli, cli.errStyle.red(`missionkit: ${p}`));
  if (report.suspended !== undefined && journaled !== undefined) {
    err(
      cli,
      cli.errStyle.yellow(
        `missionkit: run ${journaled.runId} is suspended (${report.suspended.reason}): \`${journaled.resume}\` resumes it`,
      ),
    );
    return SUSPENDED_EXIT_CODE;
  }
  return missionSucceeded(report.status) && written.problems.length === 0 ? 0 : 1;
};
