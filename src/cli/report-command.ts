// `missionkit report <report.json>`: a JSON report written earlier (by `run --report`, a resumed
// run or another host) shown again as the summary, or turned into the HTML report with --html.
// The file is checked to be a report first: a wrong file says what is wrong and where.
import { toHtml } from '../report/html.js';
import { readReport } from '../report/read-report.js';
import type { ReportArgs } from './args.js';
import { type CliContext, displayPath, err, out } from './cli-context.js';
import { failureSection, summaryLine, summaryTable } from './summary.js';

/** Runs `missionkit report`; resolves the exit code (2 when the file is not a readable report). */
export const reportCommand = async (args: ReportArgs, cli: CliContext): Promise<number> => {
  const path = cli.fs.resolve(cli.cwd, args.file);
  const shown = displayPath(cli, path);
  const fail = (what: string, hint: string): number => {
    err(cli, cli.errStyle.red(`✖ ${shown}: ${what}`));
    err(cli, `  hint: ${hint}`);
    return 2;
  };
  let text: string;
  try {
    text = new TextDecoder().decode(await cli.fs.readFile(path));
  } catch (e) {
    return fail(`cannot read the file: ${(e as Error).message}`, 'check the path');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(
      `not JSON: ${(e as Error).message}`,
      'pass the file written by `missionkit run --report FILE` (or `--json` output), not the mission or the JUnit file',
    );
  }
  const reading = readReport(value);
  if (reading._tag === 'not_a_report') {
    err(cli, cli.errStyle.red(`✖ ${shown}: not a missionkit report`));
    for (const p of reading.problems) err(cli, `  ${p}`);
    err(cli, '  hint: pass the file written by `missionkit run --report FILE` (or `--json` output)');
    return 2;
  }
  const report = reading.report;
  if (args.html === undefined) {
    const style = cli.outStyle;
    const width = cli.stdout.isTTY ? cli.stdout.columns() : Infinity;
    for (const line of summaryTable(report, style, width)) out(cli, line);
    for (const line of failureSection(report, style)) out(cli, line);
    out(cli, '');
    out(cli, summaryLine(report, style, width));
    return 0;
  }
  const target = cli.fs.resolve(cli.cwd, args.html);
  try {
    await cli.fs.writeFileAtomic(target, toHtml(report));
  } catch (e) {
    err(
      cli,
      cli.errStyle.red(
        `missionkit: cannot write the HTML report to ${displayPath(cli, target)}: ${(e as Error).message}`,
      ),
    );
    return 1;
  }
  out(cli, cli.outStyle.dim(`HTML report written to ${displayPath(cli, target)}`));
  return 0;
};
