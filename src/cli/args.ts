// Command-line arguments, parsed strictly: an unknown flag is a usage error with "did you mean".
import { suggest } from '../mission/suggest.js';

/** A mistake in how the CLI was called (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asked for. */
export interface ParsedArgs {
  readonly command: 'run' | 'validate' | 'plan' | 'help' | 'version';
  readonly files: ReadonlyArray<string>;
  readonly vars: Readonly<Record<string, string>>;
  readonly parallel: number | undefined;
  readonly cwd: string | undefined;
  readonly report: string | undefined;
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
}

const COMMANDS = ['run', 'validate', 'plan', 'help'] as const;
const FLAGS = [
  '--var',
  '--parallel',
  '--cwd',
  '--report',
  '--json',
  '--dry-run',
  '--strict',
  '--verbose',
  '--quiet',
  '--help',
  '--version',
];

/** Parses `argv` (without node and the script). */
export const parseArgs = (argv: ReadonlyArray<string>): ParsedArgs => {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return blank('help');
  if (argv.includes('--version') || argv.includes('-V')) return blank('version');
  const [command, ...rest] = argv;
  if (!(COMMANDS as ReadonlyArray<string>).includes(command ?? '')) {
    const guess = suggest(command ?? '', COMMANDS);
    throw new UsageError(
      `unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${COMMANDS.join(', ')})`,
    );
  }
  if (command === 'help') return blank('help');
  const files: string[] = [];
  const vars: Record<string, string> = {};
  let parallel: number | undefined;
  let cwd: string | undefined;
  let report: string | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--var': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--var takes name=value, got "${kv}"`);
        vars[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--parallel': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--parallel takes a whole number ≥ 1');
        parallel = n;
        break;
      }
      case '--cwd':
        cwd = value();
        break;
      case '--report':
        report = value();
        break;
      case '--json':
      case '--dry-run':
      case '--strict':
      case '--verbose':
      case '--quiet':
        flags.add(flag);
        break;
      default: {
        if (flag.startsWith('-')) {
          const guess = suggest(flag, FLAGS);
          throw new UsageError(`unknown option ${flag}${guess ? `; did you mean ${guess}?` : ''}`);
        }
        files.push(arg);
      }
    }
  }
  if (files.length === 0) throw new UsageError(`${command} needs a mission file`);
  if (command !== 'validate' && files.length > 1)
    throw new UsageError(`${command} takes one mission file, got ${files.length}`);
  return {
    command: command as ParsedArgs['command'],
    files,
    vars,
    parallel,
    cwd,
    report,
    json: flags.has('--json'),
    dryRun: flags.has('--dry-run'),
    strict: flags.has('--strict'),
    verbose: flags.has('--verbose'),
    quiet: flags.has('--quiet'),
  };
};

const blank = (command: 'help' | 'version'): ParsedArgs => ({
  command,
  files: [],
  vars: {},
  parallel: undefined,
  cwd: undefined,
  report: undefined,
  json: false,
  dryRun: false,
  strict: false,
  verbose: false,
  quiet: false,
});
