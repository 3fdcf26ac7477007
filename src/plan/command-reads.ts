// What a command reads, from its arguments: the operands that name files or directories, what it
// reads when it names none, and what it skips (`--include`, `--exclude-dir`, find's `-name`). The
// adaptive timeout measures exactly this, and a chunked step splits exactly this into chunks.
import type { FileFilter } from './file-filter.js';
import { NO_FILTER } from './file-filter.js';
import { caseInsensitiveGlob } from './glob.js';
import { effectiveCommand, programName } from './operations.js';

/** What a command reads. */
export interface CommandReads {
  /** The program's base name (`grep`). */
  readonly program: string;
  /** Whether missionkit knows this program's arguments (chunking by path arguments needs it). */
  readonly known: boolean;
  /**
   * Indices in `args` of the operands that name files or directories it reads (empty when the
   * program is reached through a shell command line or a wrapper such as `sudo`: see `paths`).
   */
  readonly operands: ReadonlyArray<number>;
  /** Those operands' text. */
  readonly paths: ReadonlyArray<string>;
  /** What it reads when it names no path: `.` for recursive searches; undefined for standard input. */
  readonly default_path: string | undefined;
  /** What the command itself skips. */
  readonly filter: FileFilter;
  /** Where a chunk's files are inserted when the command names no path: an index in `args`. */
  readonly insert_at: number;
  /** It starts one process per file it selects (`find … -exec cmd {} ;`). */
  readonly process_per_file: boolean;
  /** Arguments added to each chunk so its output keeps the form the whole run would have (grep's `-H`). */
  readonly chunk_flags: ReadonlyArray<string>;
}

/** Options of a program: which take a value, and how a few of them change what is read. */
interface OptionSpec {
  /** Short options that take a value (`-e PATTERN`, `-ePATTERN`, `-rie PATTERN`). */
  readonly shortValue: string;
  /** Long options that take a value when written without `=` (`--include GLOB`). */
  readonly longValue: ReadonlySet<string>;
}

interface ParsedOption {
  readonly name: string;
  readonly value: string | undefined;
}

interface ParsedArgs {
  readonly options: ReadonlyArray<ParsedOption>;
  /** Indices of operands, in order. */
  readonly operands: ReadonlyArray<number>;
}

/** GNU-style parsing: options anywhere (permuted), clusters of short flags, `--` ends options. */
const parseGnu = (args: ReadonlyArray<string>, spec: OptionSpec): ParsedArgs => {
  const options: ParsedOption[] = [];
  const operands: number[] = [];
  let onlyOperands = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (onlyOperands || a === '-' || !a.startsWith('-')) {
      operands.push(i);
    } else if (a === '--') {
      onlyOperands = true;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) options.push({ name, value: a.slice(eq + 1) });
      else if (spec.longValue.has(name)) options.push({ name, value: args[++i] });
      else options.push({ name, value: undefined });
    } else {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (spec.shortValue.includes(c)) {
          const rest = a.slice(k + 1);
          options.push({ name: `-${c}`, value: rest !== '' ? rest : args[++i] });
          break;
        }
        options.push({ name: `-${c}`, value: undefined });
      }
    }
  }
  return { options, operands };
};

const has = (p: ParsedArgs, ...names: string[]): boolean => p.options.some((o) => names.includes(o.name));
const values = (p: ParsedArgs, ...names: string[]): string[] =>
  p.options.filter((o) => names.includes(o.name) && o.value !== undefined).map((o) => o.value!);

const GREP: OptionSpec = {
  shortValue: 'efmABCdD',
  longValue: new Set([
    '--regexp',
    '--file',
    '--max-count',
    '--after-context',
    '--before-context',
    '--context',
    '--directories',
    '--devices',
    '--label',
    '--binary-files',
    '--include',
    '--exclude',
    '--exclude-dir',
    '--exclude-from',
    '--group-separator',
  ]),
};

const RG: OptionSpec = {
  shortValue: 'efgtTmABCjMdEr',
  longValue: new Set([
    '--regexp',
    '--file',
    '--glob',
    '--iglob',
    '--type',
    '--type-not',
    '--type-add',
    '--max-count',
    '--after-context',
    '--before-context',
    '--context',
    '--threads',
    '--max-columns',
    '--max-depth',
    '--encoding',
    '--replace',
    '--sort',
    '--sortr',
    '--color',
    '--colors',
    '--max-filesize',
    '--ignore-file',
    '--pre',
    '--pre-glob',
    '--engine',
    '--path-separator',
  ]),
};

const AG: OptionSpec = {
  shortValue: 'GABCmgp',
  longValue: new Set(['--ignore', '--depth', '--path-to-ignore', '--pager', '--file-search-regex']),
};

const ACK: OptionSpec = {
  shortValue: 'ABCmg',
  longValue: new Set(['--type', '--match', '--max-count', '--output', '--ignore-dir', '--ignore-file']),
};

const FD: OptionSpec = {
  shortValue: 'eEtdjSocx',
  longValue: new Set([
    '--extension',
    '--exclude',
    '--type',
    '--max-depth',
    '--min-depth',
    '--exact-depth',
    '--threads',
    '--size',
    '--changed-within',
    '--changed-before',
    '--owner',
    '--color',
    '--base-directory',
    '--path-separator',
    '--search-path',
    '--max-results',
    '--ignore-file',
  ]),
};

const DU: OptionSpec = {
  shortValue: 'dBtX',
  longValue: new Set([
    '--max-depth',
    '--block-size',
    '--threshold',
    '--exclude-from',
    '--exclude',
    '--time-style',
  ]),
};

const HEAD_TAIL: OptionSpec = { shortValue: 'nc', longValue: new Set(['--lines', '--bytes']) };
const PLAIN: OptionSpec = { shortValue: '', longValue: new Set() };
const LS: OptionSpec = {
  shortValue: 'wITF',
  longValue: new Set(['--ignore', '--hide', '--width', '--tabsize', '--format', '--sort', '--time-style']),
};

const GREP_FAMILY = new Set(['grep', 'egrep', 'fgrep', 'zgrep']);
/** Commands read only what they name (standard input otherwise), each operand a file or directory. */
const FILE_COMMANDS: ReadonlyMap<string, OptionSpec> = new Map([
  ['wc', PLAIN],
  ['cat', PLAIN],
  ['head', HEAD_TAIL],
  ['tail', HEAD_TAIL],
  ['md5sum', PLAIN],
  ['sha1sum', PLAIN],
  ['sha256sum', PLAIN],
  ['sha512sum', PLAIN],
  ['file', PLAIN],
  ['stat', PLAIN],
]);

const reads = (
  program: string,
  fields: Partial<Omit<CommandReads, 'program' | 'paths'>> & Pick<CommandReads, 'operands'>,
): CommandReads => ({
  program,
  paths: [],
  known: true,
  default_path: undefined,
  filter: NO_FILTER,
  insert_at: Number.MAX_SAFE_INTEGER,
  process_per_file: false,
  chunk_flags: [],
  ...fields,
});

const grepLike = (program: string, args: ReadonlyArray<string>): CommandReads => {
  const p = parseGnu(args, GREP);
  const patternGiven = has(p, '-e', '-f', '--regexp', '--file');
  const operands = patternGiven ? p.operands : p.operands.slice(1);
  const recursive =
    has(p, '-r', '-R', '--recursive', '--dereference-recursive') ||
    values(p, '-d', '--directories').includes('recurse');
  const namesFiles = recursive || operands.length > 1 || operands.some((i) => args[i] === '{files}');
  return reads(program, {
    operands,
    default_path: recursive ? '.' : undefined,
    filter: {
      include: values(p, '--include'),
      exclude: values(p, '--exclude'),
      exclude_dirs: values(p, '--exclude-dir'),
    },
    chunk_flags: namesFiles && !has(p, '-h', '-H', '--no-filename', '--with-filename') ? ['-H'] : [],
  });
};

const ripgrep = (args: ReadonlyArray<string>): CommandReads => {
  const p = parseGnu(args, RG);
  const patternGiven = has(p, '-e', '-f', '--regexp', '--file') || has(p, '--files');
  const operands = patternGiven ? p.operands : p.operands.slice(1);
  const globs = values(p, '-g', '--glob');
  const iglobs = values(p, '--iglob').map((g) =>
    g.startsWith('!') ? `!${caseInsensitiveGlob(g.slice(1))}` : caseInsensitiveGlob(g),
  );
  const all = [...globs, ...iglobs];
  return reads('rg', {
    operands,
    default_path: '.',
    filter: {
      include: all.filter((g) => !g.startsWith('!')),
      exclude: all.filter((g) => g.startsWith('!')).map((g) => g.slice(1)),
      exclude_dirs: [],
    },
    chunk_flags: has(p, '-h', '-H', '--no-filename', '--with-filename', '-I') ? [] : ['-H'],
  });
};

const searcher = (program: string, args: ReadonlyArray<string>, spec: OptionSpec): CommandReads => {
  const p = parseGnu(args, spec);
  const ignored = values(p, '--ignore', '--ignore-dir');
  return reads(program, {
    operands: has(p, '-g', '-G', '-f') && program === 'ack' ? p.operands : p.operands.slice(1),
    default_path: '.',
    filter: { include: [], exclude: program === 'ag' ? ignored : [], exclude_dirs: ignored },
  });
};

const fdReads = (program: string, args: ReadonlyArray<string>): CommandReads => {
  // Everything after `-x`/`-X` belongs to the command fd runs.
  const end = args.findIndex((a) => a === '-x' || a === '-X' || a === '--exec' || a === '--exec-batch');
  const own = end < 0 ? args : args.slice(0, end);
  const p = parseGnu(own, FD);
  return reads(program, {
    operands: p.operands.slice(1),
    default_path: '.',
    filter: {
      include: values(p, '-e', '--extension').map((e) => `*.${e.replace(/^\./, '')}`),
      exclude: values(p, '-E', '--exclude'),
      exclude_dirs: values(p, '-E', '--exclude'),
    },
    process_per_file: args.some((a) => a === '-x' || a === '--exec'),
  });
};

const FIND_EXPRESSION_START = new Set(['(', ')', '!', ',', '\\(', '\\)', '\\!']);
const FIND_ACTIONS_WITH_COMMAND = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const FIND_PLAIN_ACTIONS = new Set(['-print', '-print0', '-ls', '-delete', '-quit']);

/** find's `-name` tests, when its expression is an OR of them (grouped or not) and nothing narrows it otherwise. */
const findNames = (expression: ReadonlyArray<string>): { names: string[] | undefined; perFile: boolean } => {
  let names: string[] | undefined = [];
  let perFile = false;
  let branchNames = 0;
  const closeBranch = (): void => {
    if (branchNames !== 1) names = undefined;
    branchNames = 0;
  };
  for (let i = 0; i < expression.length; i++) {
    const t = expression[i]!;
    if (FIND_ACTIONS_WITH_COMMAND.has(t)) {
      let j = i + 1;
      while (j < expression.length && !/^\\?[;+]$/.test(expression[j]!)) j++;
      if (/^\\?;$/.test(expression[j] ?? '')) perFile = true;
      i = j;
    } else if (t === '-name' || t === '-iname') {
      const g = expression[++i];
      if (g === undefined) names = undefined;
      else names?.push(t === '-iname' ? caseInsensitiveGlob(g) : g);
      branchNames++;
    } else if (t === '-o' || t === '-or') {
      closeBranch();
    } else if (t === '-type') {
      if (expression[++i] !== 'f') names = undefined;
    } else if (t === '(' || t === ')' || t === '\\(' || t === '\\)' || FIND_PLAIN_ACTIONS.has(t)) {
      // Grouping and actions select nothing by themselves.
    } else {
      names = undefined;
    }
  }
  closeBranch();
  return { names: names !== undefined && names.length > 0 ? names : undefined, perFile };
};

const findReads = (args: ReadonlyArray<string>): CommandReads => {
  let i = 0;
  // find's own options come before the paths: -H, -L, -P, -D debugopts, -Olevel.
  while (i < args.length && /^-([HLP]|O\d*|D)$/.test(args[i]!)) i += args[i] === '-D' ? 2 : 1;
  const start = i;
  while (i < args.length && !args[i]!.startsWith('-') && !FIND_EXPRESSION_START.has(args[i]!)) i++;
  const operands = Array.from({ length: i - start }, (_, k) => start + k);
  const { names, perFile } = findNames(args.slice(i));
  return reads('find', {
    operands,
    default_path: '.',
    filter: names !== undefined ? { include: names, exclude: [], exclude_dirs: [] } : NO_FILTER,
    insert_at: start,
    process_per_file: perFile,
  });
};

const duReads = (args: ReadonlyArray<string>): CommandReads => {
  const p = parseGnu(args, DU);
  return reads('du', {
    operands: p.operands,
    default_path: '.',
    filter: { include: [], exclude: values(p, '--exclude'), exclude_dirs: values(p, '--exclude') },
  });
};

/** Reads a command's arguments (seeing through a shell command line and `sudo`-like wrappers). */
export const commandReads = (
  command: string,
  args: ReadonlyArray<string> = [],
  shell: boolean | string = false,
): CommandReads => {
  const real = effectiveCommand(command, args, shell);
  // Indices refer to `args`; with a shell or a wrapper they cannot, and only measuring uses them then.
  const direct = real.args === args || (real.command === command && real.args.length === args.length);
  const program = programName(real.command);
  const a = real.args;
  let r: CommandReads;
  if (GREP_FAMILY.has(program)) r = grepLike(program, a);
  else if (program === 'rg') r = ripgrep(a);
  else if (program === 'ag') r = searcher('ag', a, AG);
  else if (program === 'ack' || program === 'ack-grep') r = searcher(program, a, ACK);
  else if (program === 'fd' || program === 'fdfind') r = fdReads(program, a);
  else if (program === 'find') r = findReads(a);
  else if (program === 'du') r = duReads(a);
  else if (program === 'ls') {
    const p = parseGnu(a, LS);
    r = reads('ls', { operands: p.operands, default_path: '.' });
  } else {
    const spec = FILE_COMMANDS.get(program);
    if (spec !== undefined) r = reads(program, { operands: parseGnu(a, spec).operands });
    else r = { ...reads(program, { operands: parseGnu(a, PLAIN).operands }), known: false };
  }
  const paths = r.operands.map((i) => a[i]!);
  return direct
    ? { ...r, paths }
    : { ...r, paths, known: false, operands: [], insert_at: Number.MAX_SAFE_INTEGER };
};

/** The paths a command reads, as written: its operands, else its default (`.`), else none. */
export const readPaths = (r: CommandReads): ReadonlyArray<string> =>
  r.paths.length > 0 ? r.paths : r.default_path !== undefined ? [r.default_path] : [];
