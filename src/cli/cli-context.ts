// What every command gets: the two output streams with their styles, the working directory and
// environment, the file system and the clock. main.ts builds the real one; nothing else in the
// CLI reaches for process globals, so the commands read as plain functions of their inputs.
import type { Mission } from '../mission/model.js';
import type { Clock } from '../ports/clock.js';
import type { FileSystem } from '../ports/filesystem.js';
import type { Terminal } from '../node/terminal.js';
import { docsPage } from './docs-pages.js';
import type { ProblemSource } from './problems.js';
import type { Style } from './style.js';
import { DEFAULT_MAX_BYTES } from '../mission/max-bytes.js';

/** The world as the commands see it. */
export interface CliContext {
  readonly stdout: Terminal;
  readonly stderr: Terminal;
  readonly outStyle: Style;
  readonly errStyle: Style;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly fs: FileSystem;
  readonly clock: Clock;
  /**
   * The docs/ directory installed with the package, when this copy has one (read only by the
   * commands that point at a page, so the others never look for it). @default the published docs
   */
  readonly docs?: string | undefined;
}

/** Where a page of docs/ can be read: in the installed package, or at its published address. */
export const docsFor =
  (cli: CliContext) =>
  (page: string): string =>
    docsPage(cli.docs, page, (dir, file) => cli.fs.resolve(dir, file));

/** Writes one line to standard output. */
export const out = (cli: CliContext, line: string): void => cli.stdout.write(`${line}\n`);

/** Writes one line to standard error. */
export const err = (cli: CliContext, line: string): void => cli.stderr.write(`${line}\n`);

/** A path as the user should see it: relative to the working directory when it is inside it. */
export const displayPath = (cli: CliContext, file: string): string => {
  const rel = cli.fs.relative(cli.cwd, file);
  return rel === '' ? '.' : rel.startsWith('..') ? file : rel;
};

// The parser and the runtime are loaded by the commands that read a mission, when they read it:
// `--version`, `--help` and `init` start without them.

/** Reads mission files for the caret lines under errors. */
export const problemSource = (cli: CliContext): ProblemSource => ({
  read: async (file) => {
    try {
      // Bounded like the mission itself: a file that is not one, or too large, shows no carets.
      const bytes = await cli.fs.readFile(file, { maxBytes: DEFAULT_MAX_BYTES });
      return bytes.length > DEFAULT_MAX_BYTES ? undefined : new TextDecoder().decode(bytes);
    } catch {
      return undefined;
    }
  },
  display: (file) => displayPath(cli, file),
});

/** Loads the mission a command names; rejects with a MissionValidationError listing every problem. */
export const loadMissionFile = async (
  cli: CliContext,
  file: string,
  options: { readonly strict: boolean; readonly parallel: number | undefined },
): Promise<Mission> => {
  const { loadMissionWith } = await import('../runtime/run-mission.js');
  const mission = await loadMissionWith(
    { fs: cli.fs, cwd: cli.cwd },
    { path: cli.fs.resolve(cli.cwd, file) },
    { strict: options.strict },
  );
  return options.parallel === undefined
    ? mission
    : { ...mission, config: { ...mission.config, max_parallel_steps: options.parallel } };
};
