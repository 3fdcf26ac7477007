// Command-line arguments, parsed strictly: an unknown command or flag is a usage error (exit 2)
// with "did you mean", and a flag of another command says which command has it.
import { suggest } from '../mission/suggest.js';
import { unreachable } from '../unreachable.js';

/** A mistake in how the CLI was called (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose help explains the mistake, when there is one. */
  constructor(
    message: string,
    readonly command: CommandName | undefined = undefined,
  ) {
    super(message);
  }
}

/** The commands, in the order help lists them. */
export const COMMAND_NAMES = [
  'run',
  'resume',
  'runs',
  'standby',
  'validate',
  'plan',
  'report',
  'schema',
  'init',
  'worker',
] as const;

/** A command's name. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** `missionkit run`. */
export interface RunArgs {
  readonly command: 'run';
  readonly file: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly parallel: number | undefined;
  readonly cwd: string | undefined;
  readonly report: string | undefined;
  readonly junit: string | undefined;
  readonly html: string | undefined;
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly strict: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** The journal directory the run is recorded in; undefined with `--no-journal`. */
  readonly journal: string | undefined;
  /** How many runs the journal directory keeps (older finished runs are pruned). */
  readonly keepRuns: number;
  /** Run the steps on `missionkit worker` processes listening on this Redis. */
  readonly redis: string | undefined;
}

/** `missionkit worker`: runs steps of distributed runs until stopped. */
export interface WorkerArgs {
  readonly command: 'worker';
  readonly redis: string;
  readonly labels: ReadonlyArray<string>;
  readonly concurrency: number | undefined;
  /** Modules whose exported step types the worker registers. */
  readonly stepTypes: ReadonlyArray<string>;
  readonly name: string | undefined;
  readonly lostAfterMs: number | undefined;
}

/** `missionkit resume`: a journaled run resumed, shown and reported as `run` shows and reports one. */
export interface ResumeArgs {
  readonly command: 'resume';
  /** The run to resume; undefined with `--last` (the most recent run that can be resumed). */
  readonly runId: string | undefined;
  /** The journal directory. */
  readonly journal: string;
  /** The Redis journal's URL, instead of the directory (`--redis`). */
  readonly redis: string | undefined;
  readonly vars: Readonly<Record<string, string>>;
  readonly report: string | undefined;
  readonly junit: string | undefined;
  readonly html: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** `missionkit runs`: the runs recorded in a journal directory. */
export interface RunsArgs {
  readonly command: 'runs';
  readonly journal: string;
  /** The Redis journal's URL, instead of the directory (`--redis`). */
  readonly redis: string | undefined;
  readonly json: boolean;
}

/** `missionkit standby`: a standby coordinator taking over runs of a Redis journal whose coordinator died. */
export interface StandbyArgs {
  readonly command: 'standby';
  readonly redis: string;
  /** Secret variables (and overrides) the runs it takes over need. */
  readonly vars: Readonly<Record<string, string>>;
  /** How often it looks for runs to take over, in ms. */
  readonly pollMs: number | undefined;
  /** The coordinators' lease, in ms (must match theirs). */
  readonly leaseMs: number | undefined;
}

/** The journal directory `run` writes and `resume` and `runs` read when `--journal` is not given. */
export const DEFAULT_JOURNAL_DIR = '.missionkit/runs';

/** How many runs `run` keeps in its journal directory when `--keep-runs` is not given. */
export const DEFAULT_KEEP_RUNS = 20;

/** `missionkit validate`. */
export interface ValidateArgs {
  readonly command: 'validate';
  readonly files: ReadonlyArray<string>;
  readonly json: boolean;
  readonly strict: boolean;
}

/** `missionkit plan`. */
export interface PlanArgs {
  readonly command: 'plan';
  readonly file: string;
  readonly parallel: number | undefined;
  readonly format: PlanFormat;
  readonly strict: boolean;
}

/** How `missionkit plan` prints the plan. */
export type PlanFormat = 'text' | 'json' | 'mermaid' | 'dot';
const PLAN_FORMATS: ReadonlyArray<PlanFormat> = ['text', 'json', 'mermaid', 'dot'];

/** `missionkit report`: a JSON report written earlier, shown again or turned into HTML. */
export interface ReportArgs {
  readonly command: 'report';
  readonly file: string;
  readonly html: string | undefined;
}

/** `missionkit schema`. */
export interface SchemaArgs {
  readonly command: 'schema';
}

/** `missionkit init`. */
export interface InitArgs {
  readonly command: 'init';
  readonly name: string | undefined;
  readonly force: boolean;
}

/** What the command line asked for. */
export type Invocation =
  | { readonly command: 'help'; readonly topic: CommandName | undefined }
  | { readonly command: 'version' }
  | RunArgs
  | ResumeArgs
  | RunsArgs
  | StandbyArgs
  | ValidateArgs
  | PlanArgs
  | ReportArgs
  | SchemaArgs
  | InitArgs
  | WorkerArgs;

/** Every flag a command accepts, and whether it takes a value. */
const FLAGS: Readonly<Record<CommandName, Readonly<Record<string, 'value' | 'switch'>>>> = {
  run: {
    '--var': 'value',
    '--parallel': 'value',
    '--cwd': 'value',
    '--report': 'value',
    '--junit': 'value',
    '--html': 'value',
    '--json': 'switch',
    '--dry-run': 'switch',
    '--strict': 'switch',
    '--quiet': 'switch',
    '--verbose': 'switch',
    '--journal': 'value',
    '--no-journal': 'switch',
    '--keep-runs': 'value',
    '--redis': 'value',
  },
  resume: {
    '--journal': 'value',
    '--redis': 'value',
    '--last': 'switch',
    '--var': 'value',
    '--report': 'value',
    '--junit': 'value',
    '--html': 'value',
    '--json': 'switch',
    '--quiet': 'switch',
    '--verbose': 'switch',
  },
  runs: { '--journal': 'value', '--redis': 'value', '--json': 'switch' },
  standby: { '--redis': 'value', '--var': 'value', '--poll-ms': 'value', '--lease-ms': 'value' },
  validate: { '--json': 'switch', '--strict': 'switch' },
  plan: { '--parallel': 'value', '--json': 'switch', '--format': 'value', '--strict': 'switch' },
  report: { '--html': 'value' },
  schema: {},
  init: { '--force': 'switch' },
  worker: {
    '--redis': 'value',
    '--labels': 'value',
    '--concurrency': 'value',
    '--step-types': 'value',
    '--name': 'value',
    '--lost-after-ms': 'value',
  },
};

const GLOBAL_FLAGS = ['--help', '-h', '--version', '-V'];

const isCommand = (word: string | undefined): word is CommandName =>
  (COMMAND_NAMES as ReadonlyArray<string>).includes(word ?? '');

/** The options before `--`: after it, everything is a file name. */
const optionsPart = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
};

const unknownCommand = (word: string): UsageError => {
  const guess = suggest(word, COMMAND_NAMES);
  return new UsageError(
    `unknown command "${word}"${guess ? `; did you mean "${guess}"?` : ''} (commands: ${COMMAND_NAMES.join(', ')})`,
  );
};

const unknownFlag = (command: CommandName, flag: string): UsageError => {
  const own = Object.keys(FLAGS[command]);
  const guess = suggest(flag, [...own, '--help']);
  if (guess !== undefined)
    return new UsageError(`unknown option ${flag} for ${command}; did you mean ${guess}?`, command);
  const elsewhere = COMMAND_NAMES.filter((c) => c !== command && FLAGS[c][flag] !== undefined);
  if (elsewhere.length > 0)
    return new UsageError(
      `${flag} is an option of ${elsewhere.map((c) => `\`missionkit ${c}\``).join(' and ')}, not of \`missionkit ${command}\``,
      command,
    );
  return new UsageError(
    `unknown option ${flag} for ${command}${own.length > 0 ? ` (options: ${own.join(', ')})` : ''}`,
    command,
  );
};

const wholeNumber = (flag: string, text: string, command: CommandName): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} takes a whole number ≥ 1, got "${text}"`, command);
  return n;
};

/** Flags and positional words of one command, checked against what the command accepts. */
interface Scanned {
  readonly positional: ReadonlyArray<string>;
  readonly switches: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, ReadonlyArray<string>>;
}

const scan = (command: CommandName, rest: ReadonlyArray<string>): Scanned => {
  const positional: string[] = [];
  const switches = new Set<string>();
  const values = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const [flag, inline] =
      arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const kind = FLAGS[command][flag];
    if (kind === undefined) throw unknownFlag(command, flag);
    if (kind === 'switch') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`, command);
      switches.add(flag);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`, command);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  return { positional, switches, values };
};

/** The last value given for a flag (a later one overrides an earlier one, as in most CLIs). */
const last = (s: Scanned, flag: string): string | undefined => s.values.get(flag)?.at(-1);

const parseVars = (
  pairs: ReadonlyArray<string>,
  command: CommandName = 'run',
): Readonly<Record<string, string>> => {
  const vars: Record<string, string> = {};
  for (const kv of pairs) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var takes name=value, got "${kv}"`, command);
    vars[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return vars;
};

const oneFile = (command: CommandName, positional: ReadonlyArray<string>): string => {
  if (positional.length === 0) throw new UsageError(`${command} needs a mission file`, command);
  if (positional.length > 1)
    throw new UsageError(
      `${command} takes one mission file, got ${positional.length}: ${positional.join(' ')}`,
      command,
    );
  return positional[0]!;
};

/** `--redis URL`, which names the journal instead of `--journal DIR`. */
const redisFlag = (s: Scanned, command: CommandName): string | undefined => {
  const redis = last(s, '--redis');
  if (redis !== undefined && last(s, '--journal') !== undefined)
    throw new UsageError(
      '--redis and --journal contradict each other: a run is recorded in one or the other',
      command,
    );
  return redis;
};

/** Parses `argv` (without node and the script). */
export const parseArgs = (argv: ReadonlyArray<string>): Invocation => {
  const options = optionsPart(argv);
  const [first, ...rest] = argv;
  const wantsHelp = options.includes('--help') || options.includes('-h');
  if (first === undefined || first === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !isCommand(topic)) throw unknownCommand(topic);
    return { command: 'help', topic };
  }
  if (first === '--help' || first === '-h') return { command: 'help', topic: undefined };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (!isCommand(first)) {
    if (first.startsWith('-')) {
      const guess = suggest(first, GLOBAL_FLAGS);
      throw new UsageError(
        `unknown option ${first}${guess ? `; did you mean ${guess}?` : ''}: the command comes first, e.g. \`missionkit run mission.yaml\``,
      );
    }
    throw unknownCommand(first);
  }
  if (wantsHelp) return { command: 'help', topic: first };
  const s = scan(first, rest);
  switch (first) {
    case 'run': {
      if (s.switches.has('--quiet') && s.switches.has('--verbose'))
        throw new UsageError('--quiet and --verbose contradict each other: pick one', 'run');
      const parallel = last(s, '--parallel');
      const journal = last(s, '--journal');
      if (journal !== undefined && s.switches.has('--no-journal'))
        throw new UsageError('--journal and --no-journal contradict each other: pick one', 'run');
      const keepRuns = last(s, '--keep-runs');
      return {
        command: 'run',
        file: oneFile('run', s.positional),
        vars: parseVars(s.values.get('--var') ?? []),
        parallel: parallel === undefined ? undefined : wholeNumber('--parallel', parallel, 'run'),
        cwd: last(s, '--cwd'),
        report: last(s, '--report'),
        junit: last(s, '--junit'),
        html: last(s, '--html'),
        json: s.switches.has('--json'),
        dryRun: s.switches.has('--dry-run'),
        strict: s.switches.has('--strict'),
        quiet: s.switches.has('--quiet'),
        verbose: s.switches.has('--verbose'),
        journal: s.switches.has('--no-journal') ? undefined : (journal ?? DEFAULT_JOURNAL_DIR),
        keepRuns: keepRuns === undefined ? DEFAULT_KEEP_RUNS : wholeNumber('--keep-runs', keepRuns, 'run'),
        redis: last(s, '--redis'),
      };
    }
    case 'resume': {
      if (s.switches.has('--quiet') && s.switches.has('--verbose'))
        throw new UsageError('--quiet and --verbose contradict each other: pick one', 'resume');
      const latest = s.switches.has('--last');
      if (latest && s.positional.length > 0)
        throw new UsageError(
          `--last and a run id (${s.positional.join(' ')}) contradict each other: pick one`,
          'resume',
        );
      if (!latest && s.positional.length !== 1)
        throw new UsageError(
          s.positional.length === 0
            ? 'resume needs the id of the run to resume (its directory name in the journal; `missionkit runs` lists them), or --last'
            : `resume takes one run id, got ${s.positional.length}: ${s.positional.join(' ')}`,
          'resume',
        );
      return {
        command: 'resume',
        runId: latest ? undefined : s.positional[0]!,
        journal: last(s, '--journal') ?? DEFAULT_JOURNAL_DIR,
        redis: redisFlag(s, 'resume'),
        vars: parseVars(s.values.get('--var') ?? [], 'resume'),
        report: last(s, '--report'),
        junit: last(s, '--junit'),
        html: last(s, '--html'),
        json: s.switches.has('--json'),
        quiet: s.switches.has('--quiet'),
        verbose: s.switches.has('--verbose'),
      };
    }
    case 'runs':
      if (s.positional.length > 0)
        throw new UsageError(
          `runs takes no arguments, got ${s.positional.join(' ')} (give the directory with --journal DIR)`,
          'runs',
        );
      return {
        command: 'runs',
        journal: last(s, '--journal') ?? DEFAULT_JOURNAL_DIR,
        redis: redisFlag(s, 'runs'),
        json: s.switches.has('--json'),
      };
    case 'standby': {
      if (s.positional.length > 0)
        throw new UsageError(`standby takes no arguments, got ${s.positional.join(' ')}`, 'standby');
      const redis = last(s, '--redis');
      if (redis === undefined)
        throw new UsageError(
          'standby needs the Redis its coordinators journal to: --redis redis://host:6379',
          'standby',
        );
      const pollMs = last(s, '--poll-ms');
      const leaseMs = last(s, '--lease-ms');
      return {
        command: 'standby',
        redis,
        vars: parseVars(s.values.get('--var') ?? [], 'standby'),
        pollMs: pollMs === undefined ? undefined : wholeNumber('--poll-ms', pollMs, 'standby'),
        leaseMs: leaseMs === undefined ? undefined : wholeNumber('--lease-ms', leaseMs, 'standby'),
      };
    }
    case 'validate':
      if (s.positional.length === 0)
        throw new UsageError('validate needs at least one mission file', 'validate');
      return {
        command: 'validate',
        files: s.positional,
        json: s.switches.has('--json'),
        strict: s.switches.has('--strict'),
      };
    case 'plan': {
      const parallel = last(s, '--parallel');
      const format = last(s, '--format');
      if (format !== undefined && !(PLAN_FORMATS as ReadonlyArray<string>).includes(format)) {
        const guess = suggest(format, PLAN_FORMATS);
        throw new UsageError(
          `--format takes ${PLAN_FORMATS.join(', ')}, got "${format}"${guess ? `; did you mean "${guess}"?` : ''}`,
          'plan',
        );
      }
      if (format !== undefined && format !== 'json' && s.switches.has('--json'))
        throw new UsageError(`--json and --format ${format} contradict each other: pick one`, 'plan');
      return {
        command: 'plan',
        file: oneFile('plan', s.positional),
        parallel: parallel === undefined ? undefined : wholeNumber('--parallel', parallel, 'plan'),
        format: (format as PlanFormat | undefined) ?? (s.switches.has('--json') ? 'json' : 'text'),
        strict: s.switches.has('--strict'),
      };
    }
    case 'report':
      if (s.positional.length !== 1)
        throw new UsageError(
          s.positional.length === 0
            ? 'report needs a JSON report file (written by `missionkit run --report FILE`)'
            : `report takes one JSON report file, got ${s.positional.length}: ${s.positional.join(' ')}`,
          'report',
        );
      return { command: 'report', file: s.positional[0]!, html: last(s, '--html') };
    case 'schema':
      if (s.positional.length > 0)
        throw new UsageError(`schema takes no arguments, got ${s.positional.join(' ')}`, 'schema');
      return { command: 'schema' };
    case 'init':
      if (s.positional.length > 1)
        throw new UsageError(`init takes at most one name, got ${s.positional.join(' ')}`, 'init');
      return { command: 'init', name: s.positional[0], force: s.switches.has('--force') };
    case 'worker': {
      if (s.positional.length > 0)
        throw new UsageError(`worker takes no arguments, got ${s.positional.join(' ')}`, 'worker');
      const redis = last(s, '--redis');
      if (redis === undefined)
        throw new UsageError(
          'worker needs --redis URL: the Redis the coordinators use (redis://host:6379)',
          'worker',
        );
      const concurrency = last(s, '--concurrency');
      const lost = last(s, '--lost-after-ms');
      return {
        command: 'worker',
        redis,
        labels: (s.values.get('--labels') ?? [])
          .flatMap((l) => l.split(','))
          .map((l) => l.trim())
          .filter((l) => l !== ''),
        concurrency:
          concurrency === undefined ? undefined : wholeNumber('--concurrency', concurrency, 'worker'),
        stepTypes: s.values.get('--step-types') ?? [],
        name: last(s, '--name'),
        lostAfterMs: lost === undefined ? undefined : wholeNumber('--lost-after-ms', lost, 'worker'),
      };
    }
    default:
      return unreachable(first);
  }
};
