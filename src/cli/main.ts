#!/usr/bin/env node
// The missionkit command line: run, validate and plan missions. Exit codes: 0 the mission
// succeeded (with or without warnings), 1 it failed, timed out or was cancelled, 2 invalid
// mission or usage.
import { formatMissionError, MissionValidationError, type MissionError } from '../mission/errors.js';
import type { Mission } from '../mission/model.js';
import { nodeHost } from '../node/node-host.js';
import { onHostTermination } from '../node/host-signals.js';
import { loadMissionWith, planMissionWith, runMissionWith } from '../runtime/run-mission.js';
import type { MissionReport } from '../scheduler/report.js';
import { VERSION } from '../version.js';
import { parseArgs, type ParsedArgs, UsageError } from './args.js';
import { plainRenderer } from './render.js';
import { makeStyle, useColor } from './style.js';

const HELP = `missionkit ${VERSION} — run missions: YAML graphs of commands, HTTP calls and file steps

Usage:
  missionkit run <mission.yaml> [options]     run a mission
  missionkit validate <mission.yaml>...       check missions and print every problem
  missionkit plan <mission.yaml>              show order, waves and effective settings
  missionkit --version | --help

Options for run:
  --var name=value     set a mission variable (repeatable)
  --parallel N         override config.max_parallel_steps
  --cwd DIR            the mission's working directory (default: the current one)
  --report FILE        write the report as JSON
  --json               print the report as JSON instead of the live view
  --dry-run            print the plan and run nothing
  --strict             unknown keys in the mission are errors
  --verbose            print every output line of every step
  --quiet              print only the summary

Examples:
  missionkit run examples/hello.mission.yaml
  missionkit run deploy.yaml --var env=staging --report report.json
  missionkit validate missions/*.yaml

Exit codes: 0 succeeded, 1 failed/timed out/cancelled, 2 invalid mission or usage.`;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

const errStyle = makeStyle(useColor(process.stderr.isTTY, process.env));
const outStyle = makeStyle(useColor(process.stdout.isTTY, process.env));

/** The offending line with a caret under the column, for people reading a validation error. */
const snippet = async (e: MissionError): Promise<string[]> => {
  if (e.file === undefined || e.position === undefined) return [];
  try {
    const text = new TextDecoder().decode(await nodeHost().fs.readFile(e.file));
    const line = text.split(/\r?\n/)[e.position.line - 1];
    if (line === undefined) return [];
    const gutter = `${e.position.line} | `;
    return [
      `  ${gutter}${line}`,
      `  ${' '.repeat(gutter.length + e.position.column - 1)}${errStyle.red('^')}`,
    ];
  } catch {
    return [];
  }
};

const printProblems = async (errors: ReadonlyArray<MissionError>): Promise<void> => {
  for (const e of errors) {
    const [first, ...rest] = formatMissionError(e).split('\n');
    err(e.severity === 'error' ? errStyle.red(first ?? '') : errStyle.yellow(first ?? ''));
    for (const l of await snippet(e)) err(l);
    for (const l of rest) err(l);
  }
};

const load = async (args: ParsedArgs, file: string): Promise<Mission> => {
  const host = nodeHost();
  const mission = await loadMissionWith(
    host,
    { path: host.fs.resolve(host.cwd, file) },
    { strict: args.strict },
  );
  return args.parallel === undefined
    ? mission
    : { ...mission, config: { ...mission.config, max_parallel_steps: args.parallel } };
};

const validate = async (args: ParsedArgs): Promise<number> => {
  let failed = false;
  const results: { file: string; errors: ReadonlyArray<MissionError> }[] = [];
  for (const file of args.files) {
    try {
      const mission = await load(args, file);
      results.push({ file, errors: mission.warnings });
      if (!args.json) {
        await printProblems(mission.warnings);
        out(
          `${outStyle.green('✔')} ${file}: valid (${mission.steps.length} steps${mission.warnings.length ? `, ${mission.warnings.length} warning${mission.warnings.length === 1 ? '' : 's'}` : ''})`,
        );
      }
    } catch (e) {
      if (!(e instanceof MissionValidationError)) throw e;
      failed = true;
      results.push({ file, errors: [...e.errors, ...e.warnings] });
      if (!args.json) {
        await printProblems([...e.errors, ...e.warnings]);
        out(`${outStyle.red('✖')} ${file}: ${e.errors.length} error${e.errors.length === 1 ? '' : 's'}`);
      }
    }
  }
  if (args.json) out(JSON.stringify(results, null, 2));
  return failed ? 2 : 0;
};

const plan = async (args: ParsedArgs): Promise<number> => {
  const mission = await load(args, args.files[0]!);
  const view = await planMissionWith(nodeHost(), mission);
  if (args.json) {
    out(JSON.stringify(view, null, 2));
    return 0;
  }
  out(
    outStyle.bold(
      `${view.mission.name} — ${view.steps.length} steps, max ${view.max_parallel_steps} at once, fail_fast ${view.fail_fast}`,
    ),
  );
  view.waves.forEach((wave, k) => {
    out(`wave ${k + 1}:`);
    for (const id of wave) {
      const s = view.steps.find((x) => x.id === id)!;
      out(
        `  ${s.id} ${outStyle.dim(`(${s.step_type})`)}${s.depends_on.length ? outStyle.dim(` after ${s.depends_on.join(', ')}`) : ''}`,
      );
      out(`    timeout: ${outStyle.dim(s.timeout.explanation)}`);
      if (s.dependency_strategy !== 'all_required') out(`    dependency strategy: ${s.dependency_strategy}`);
      if (s.retry)
        out(
          `    retry: up to ${s.retry.max_attempts} attempts, ${s.retry.backoff} backoff from ${s.retry.delay_seconds} s`,
        );
      if (s.continue_on_error) out('    continue_on_error: true');
    }
  });
  await printProblems(view.warnings);
  return 0;
};

const run = async (args: ParsedArgs): Promise<number> => {
  if (args.dryRun) return plan(args);
  const mission = await load(args, args.files[0]!);
  const host = nodeHost();
  const controller = new AbortController();
  let interrupts = 0;
  // The CLI keeps its own listener for the whole run, so a Ctrl-C cancels gracefully, the report
  // is still written, and the exit code is 1; a second Ctrl-C ends the process at once.
  const dispose = onHostTermination((signal) => {
    interrupts += 1;
    if (interrupts === 1) controller.abort(new Error(`interrupted by ${signal}`));
    else process.exit(130);
  });
  const render =
    args.json || args.quiet
      ? undefined
      : plainRenderer(out, outStyle, args.verbose, (at) => new Date(at).toTimeString().slice(0, 8));
  let report: MissionReport;
  try {
    report = await runMissionWith(host, mission, {
      signal: controller.signal,
      variables: args.vars,
      ...(args.cwd !== undefined ? { cwd: args.cwd } : {}),
      ...(render !== undefined ? { onEvent: render } : {}),
    });
  } finally {
    dispose();
  }
  if (args.report !== undefined)
    await host.fs.writeFileAtomic(
      host.fs.resolve(host.cwd, args.report),
      `${JSON.stringify(report, null, 2)}\n`,
    );
  if (args.json) out(JSON.stringify(report, null, 2));
  else if (args.quiet) out(`${report.status}: ${report.counts.total} steps in ${report.duration_ms} ms`);
  return report.status === 'succeeded' || report.status === 'succeeded_with_warnings' ? 0 : 1;
};

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(errStyle.red(`missionkit: ${e.message}`));
    err('run `missionkit --help` for usage');
    return 2;
  }
  try {
    switch (args.command) {
      case 'help':
        out(HELP);
        return 0;
      case 'version':
        out(VERSION);
        return 0;
      case 'validate':
        return await validate(args);
      case 'plan':
        return await plan(args);
      case 'run':
        return await run(args);
    }
  } catch (e) {
    if (e instanceof MissionValidationError) {
      await printProblems([...e.errors, ...e.warnings]);
      err(errStyle.red(`✖ invalid mission: ${e.errors.length} error${e.errors.length === 1 ? '' : 's'}`));
      return 2;
    }
    if (e instanceof TypeError) {
      err(errStyle.red(`missionkit: ${e.message}`));
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
    err(`missionkit: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 70;
  },
);
