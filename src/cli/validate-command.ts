// `missionkit validate`: every error and warning of every file named, for people (file:line:col,
// the line with a caret, the hint) or as JSON for editors and CI, on standard output: the
// problems are what the command was asked for. Exit 0 when all are valid.
import { MissionValidationError, type MissionError } from '../mission/errors.js';
import type { ValidateArgs } from './args.js';
import { type CliContext, displayPath, loadMissionFile, out, problemSource } from './cli-context.js';
import { plural } from './format.js';
import { problemCount, problemLines } from './problems.js';

/** One file's verdict, as `validate --json` prints it. */
export interface ValidationResult {
  /** The file as it was named on the command line. */
  readonly file: string;
  readonly valid: boolean;
  /** The number of steps, when the mission is valid. */
  readonly steps?: number;
  readonly errors: ReadonlyArray<MissionError>;
  readonly warnings: ReadonlyArray<MissionError>;
}

const check = async (cli: CliContext, file: string, strict: boolean): Promise<ValidationResult> => {
  try {
    const mission = await loadMissionFile(cli, file, { strict, parallel: undefined });
    return { file, valid: true, steps: mission.steps.length, errors: [], warnings: mission.warnings };
  } catch (e) {
    if (!(e instanceof MissionValidationError)) throw e;
    return { file, valid: false, errors: e.errors, warnings: e.warnings };
  }
};

/** Runs `missionkit validate`; resolves the exit code. */
export const validateCommand = async (args: ValidateArgs, cli: CliContext): Promise<number> => {
  const results: ValidationResult[] = [];
  for (const file of args.files) results.push(await check(cli, file, args.strict));
  if (args.json) {
    out(cli, JSON.stringify(results, null, 2));
  } else {
    const source = problemSource(cli);
    for (const r of results) {
      // In text order, errors and warnings together, as the reader walks the file.
      const problems = [...r.errors, ...r.warnings].sort(
        (a, b) =>
          (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
          (a.position?.column ?? 0) - (b.position?.column ?? 0),
      );
      for (const line of await problemLines(problems, source, cli.outStyle)) out(cli, line);
      const name = displayPath(cli, cli.fs.resolve(cli.cwd, r.file));
      const counted = problemCount(r.errors.length, r.warnings.length);
      out(
        cli,
        r.valid
          ? `${cli.outStyle.green('✔')} ${name}: valid, ${plural(r.steps ?? 0, 'step')}${counted ? ` (${counted})` : ''}`
          : `${cli.outStyle.red('✖')} ${name}: invalid (${counted})`,
      );
    }
  }
  return results.every((r) => r.valid) ? 0 : 2;
};
