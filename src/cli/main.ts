#!/usr/bin/env node
// The missionkit command line: run, resume, runs, validate, plan, schema and init. Exit codes: 0 the mission
// succeeded (with or without warnings), 1 it failed, timed out or was cancelled, 2 an invalid
// mission or a mistake on the command line. This file wires the real world (process, ports,
// signals) to the commands, which are plain functions of what they are given.
import { MissionValidationError } from '../mission/errors.js';
import { installedDocs } from '../node/installed-docs.js';
import { nodeFileSystem } from '../node/node-filesystem.js';
import { systemClock } from '../node/system-clock.js';
import { stderrTerminal, stdoutTerminal } from '../node/terminal.js';
import { JournalRefusal } from '../ports/journal.js';
import { unreachable } from '../unreachable.js';
import { VERSION } from '../version.js';
import { type Invocation, parseArgs, UsageError } from './args.js';
import { type CliContext, docsFor, err, loadMissionFile, out, problemSource } from './cli-context.js';
import { helpText } from './help.js';
import { problemCount, problemLines } from './problems.js';
import { makeStyle, useColor } from './style.js';

// Each command's code is loaded when that command runs (the published CLI is bundled with each of
// these imports in a file of its own): `--version` and `validate` never load the process executor,
// the HTTP client or the live view, so they start about as fast as Node itself.

const context = (): CliContext => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const stdout = stdoutTerminal();
  const stderr = stderrTerminal();
  return {
    stdout,
    stderr,
    outStyle: makeStyle(useColor(stdout.isTTY, env)),
    errStyle: makeStyle(useColor(stderr.isTTY, env)),
    cwd: process.cwd(),
    env,
    fs: nodeFileSystem,
    clock: systemClock,
    // Found by walking up to the package root, reading package.json files on the way: only help,
    // usage errors and init name a page, so `run`, `--version` and the rest never pay for it.
    get docs(): string | undefined {
      return installedDocs();
    },
  };
};

/** The file journal: a directory per run, listed and pruned by the CLI. */
const journals = async () => (await import('./run-stack.js')).fileJournals();

const dispatch = async (inv: Invocation, cli: CliContext): Promise<number> => {
  switch (inv.command) {
    case 'help':
      out(cli, helpText(inv.topic, docsFor(cli)));
      return 0;
    case 'version':
      out(cli, VERSION);
      return 0;
    case 'validate': {
      const { validateCommand } = await import('./validate-command.js');
      return validateCommand(inv, cli);
    }
    case 'plan': {
      const [{ printPlan }, { nodeHost }] = await Promise.all([
        import('./plan-command.js'),
        import('../node/node-host.js'),
      ]);
      const mission = await loadMissionFile(cli, inv.file, { strict: inv.strict, parallel: inv.parallel });
      return printPlan(cli, nodeHost(), mission, inv.format);
    }
    case 'report': {
      const { reportCommand } = await import('./report-command.js');
      return reportCommand(inv, cli);
    }
    case 'schema': {
      const { schemaCommand } = await import('./schema-command.js');
      return schemaCommand(cli);
    }
    case 'init': {
      const { initCommand } = await import('./init-command.js');
      return initCommand(inv, cli);
    }
    case 'run': {
      const { runCommand, runDependencies } = await import('./run-stack.js');
      const dependencies = runDependencies();
      if (inv.redis === undefined) return runCommand(inv, cli, dependencies);
      // Loaded only for --redis: every other run never loads bullmq.
      const { coordinatorLink } = await import('../distributed/coordinator-host.js');
      const [{ redisConnection, redisUrl }, { redisJournal, pruneRedisRuns }] = await Promise.all([
        import('./redis-option.js'),
        import('../distributed/index.js'),
      ]);
      const link = await coordinatorLink(redisUrl(cli, inv.redis));
      // The run is recorded in Redis (unless --no-journal), so any machine can resume it.
      const connection = redisConnection(cli, inv.redis);
      const journal = redisJournal(connection);
      try {
        return await runCommand(inv, cli, {
          ...dependencies,
          host: { ...dependencies.host, stepRunner: link.stepRunner },
          journals: { open: () => journal, list: () => [], prepare: () => undefined, prune: () => [] },
          resumeLine: (runId) => `missionkit resume ${runId} --redis ${journal.display}`,
        });
      } finally {
        await link.close();
        if (inv.journal !== undefined) await pruneRedisRuns(connection, inv.keepRuns).catch(() => undefined);
      }
    }
    case 'worker': {
      const [{ workerCommand }, { onCliInterrupt }] = await Promise.all([
        import('./worker-command.js'),
        import('../node/cli-signals.js'),
      ]);
      return workerCommand(inv, cli, {
        onInterrupt: onCliInterrupt,
        loadModule: (file) => import(file),
      });
    }
    case 'runs': {
      if (inv.redis !== undefined) {
        const { redisRunsCommand } = await import('./runs-command.js');
        return redisRunsCommand(inv, cli, inv.redis);
      }
      const [{ runsCommand }, files] = await Promise.all([import('./runs-command.js'), journals()]);
      return runsCommand(inv, cli, files);
    }
    case 'standby': {
      const [{ standbyCommand }, { onCliInterrupt }] = await Promise.all([
        import('./standby-command.js'),
        import('../node/cli-signals.js'),
      ]);
      return standbyCommand(inv, cli, { onInterrupt: (handler) => onCliInterrupt(() => handler()) });
    }
    case 'resume': {
      const { resumeCommand, runDependencies, orphanKiller } = await import('./run-stack.js');
      const dependencies = runDependencies();
      return resumeCommand(inv, cli, { ...dependencies, killOrphans: orphanKiller(process.platform) });
    }
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
    // The Redis journal: a server that cannot be reached (2). A run stopped because its journal
    // could not be written (1): a full disk, Redis gone. Each message says where, what and what to do.
    if (e instanceof Error && e.name === 'RedisConnectionError') {
      err(cli, cli.errStyle.red(`✖ ${e.message}`));
      return 2;
    }
    if (e instanceof Error && (e.name === 'RedisJournalError' || e.name === 'JournalWriteError')) {
      err(cli, cli.errStyle.red(`✖ ${e.message}`));
      return 1;
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
