#!/usr/bin/env node
// The missionkit command line: run, resume, runs, validate, plan, schema and init. Exit codes: 0 the mission
// succeeded (with or without warnings), 1 it failed, timed out or was cancelled, 2 an invalid
// mission or a mistake on the command line. This file wires the real world (process, ports,
// signals) to the commands, which are plain functions of what they are given.
import { MissionValidationError } from '../mission/errors.js';
import { onCliInterrupt } from '../node/cli-signals.js';
import { installedDocs } from '../node/installed-docs.js';
import { createNodeExecutor } from '../node/node-executor.js';
import { nodeHost } from '../node/node-host.js';
import { systemClock } from '../node/system-clock.js';
import { stderrTerminal, stdoutTerminal } from '../node/terminal.js';
import { unreachable } from '../unreachable.js';
import { VERSION } from '../version.js';
import { type Invocation, parseArgs, UsageError } from './args.js';
import { type CliContext, docsFor, err, loadMissionFile, out, problemSource } from './cli-context.js';
import { helpText } from './help.js';
import { initCommand } from './init-command.js';
import { printPlan } from './plan-command.js';
import { problemCount, problemLines } from './problems.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { resumeCommand } from './resume-command.js';
import { fileJournal } from '../node/file-journal.js';
import { listRuns, prepareRuns, pruneRuns } from '../node/journal-runs.js';
import { runsCommand } from './runs-command.js';
import { orphanKiller } from '../node/orphans.js';
import { JournalRefusal } from '../ports/journal.js';
import { schemaCommand } from './schema-command.js';
import { makeStyle, useColor } from './style.js';
import { validateCommand } from './validate-command.js';
import { workerCommand } from './worker-command.js';

const context = (): CliContext => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const stdout = stdoutTerminal();
  const stderr = stderrTerminal();
  const host = nodeHost();
  return {
    stdout,
    stderr,
    outStyle: makeStyle(useColor(stdout.isTTY, env)),
    errStyle: makeStyle(useColor(stderr.isTTY, env)),
    cwd: host.cwd,
    env,
    fs: host.fs,
    clock: systemClock,
    // Found by walking up to the package root, reading package.json files on the way: only help,
    // usage errors and init name a page, so `run`, `--version` and the rest never pay for it.
    get docs(): string | undefined {
      return installedDocs();
    },
  };
};

/** The file journal: a directory per run, listed and pruned by the CLI. */
const journals = { open: fileJournal, list: listRuns, prepare: prepareRuns, prune: pruneRuns };

/** `14:03:07` on the host's clock, for plain lines. */
const clockTime = (at: number): string => new Date(at).toTimeString().slice(0, 8);

/** What `run` and `resume` run with: an executor of the CLI's own, so a second Ctrl-C can kill every tree it started at once. */
const runDependencies = () => {
  const executor = createNodeExecutor();
  return {
    host: { ...nodeHost(), executor },
    forceKill: () => executor.killAll('force'),
    onInterrupt: onCliInterrupt,
    exitNow: (code: number): never => process.exit(code),
    clockTime,
    journals,
  };
};

const dispatch = async (inv: Invocation, cli: CliContext): Promise<number> => {
  switch (inv.command) {
    case 'help':
      out(cli, helpText(inv.topic, docsFor(cli)));
      return 0;
    case 'version':
      out(cli, VERSION);
      return 0;
    case 'validate':
      return validateCommand(inv, cli);
    case 'plan': {
      const mission = await loadMissionFile(cli, inv.file, { strict: inv.strict, parallel: inv.parallel });
      return printPlan(cli, nodeHost(), mission, inv.format);
    }
    case 'report':
      return reportCommand(inv, cli);
    case 'schema':
      return schemaCommand(cli);
    case 'init':
      return initCommand(inv, cli);
    case 'run': {
      if (inv.redis === undefined) return runCommand(inv, cli, runDependencies());
      // Loaded only for --redis: every other run never loads bullmq.
      const { coordinatorLink } = await import('../distributed/coordinator-host.js');
      const link = await coordinatorLink(inv.redis);
      const deps = runDependencies();
      try {
        return await runCommand(inv, cli, { ...deps, host: { ...deps.host, stepRunner: link.stepRunner } });
      } finally {
        await link.close();
      }
    }
    case 'worker':
      return workerCommand(inv, cli, {
        onInterrupt: onCliInterrupt,
        loadModule: (file) => import(file),
      });
    case 'runs':
      return runsCommand(inv, cli, journals);
    case 'resume':
      return resumeCommand(inv, cli, { ...runDependencies(), killOrphans: orphanKiller(process.platform) });
    default:
      return unreachable(inv);
  }
};

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const cli = context();
  let inv: Invocation;
  try {
    inv = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(cli, cli.errStyle.red(`missionkit: ${e.message}`));
    err(cli, `run \`missionkit ${e.command !== undefined ? `${e.command} ` : ''}--help\` for usage`);
    return 2;
  }
  try {
    return await dispatch(inv, cli);
  } catch (e) {
    if (e instanceof MissionValidationError) {
      for (const line of await problemLines([...e.errors, ...e.warnings], problemSource(cli), cli.errStyle))
        err(cli, line);
      err(cli, cli.errStyle.red(`✖ invalid mission: ${problemCount(e.errors.length, e.warnings.length)}`));
      return 2;
    }
    if (e instanceof JournalRefusal) {
      err(cli, cli.errStyle.red(`✖ cannot resume: ${e.detail}`));
      err(cli, `  hint: ${e.hint}`);
      return 2;
    }
    // runMission rejects with a TypeError for what the mission asks and this host cannot give
    // (an unregistered step type, a wrong option): a usage problem, not a crash.
    if (e instanceof TypeError) {
      err(cli, cli.errStyle.red(`missionkit: ${e.message}`));
      return 2;
    }
    throw e;
  }
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `missionkit: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 70;
  },
);
