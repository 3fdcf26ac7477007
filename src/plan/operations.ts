// What kind of work a command does, read from the command itself: a search scales with the size
// of what it reads, a build gets the build default, anything else its base timeout. The adaptive
// timeout calculator and the chunker both start here.
import { splitShellWords } from '../mission/shell-hints.js';

/** The kinds of work the adaptive timeout tells apart. */
export type OperationKind = 'search' | 'build' | 'other';

/** A command's operation. */
export interface Operation {
  readonly kind: OperationKind;
  /** The program as people say it (`grep`, `go test`, `npm run build`), for explanations. */
  readonly name: string;
  /** The program's base name, lower case, without `.exe`/`.cmd`/`.bat` (`/usr/bin/grep` → `grep`). */
  readonly program: string;
}

/** Programs whose exit code means 0 = found, 1 = found nothing, ≥ 2 = error (the grep family). */
export const MATCH_PROGRAMS: ReadonlySet<string> = new Set([
  'grep',
  'egrep',
  'fgrep',
  'zgrep',
  'rg',
  'ag',
  'ack',
  'ack-grep',
  'ugrep',
  'ug',
]);

/** Programs whose work grows with the size of the tree they read. */
export const SEARCH_PROGRAMS: ReadonlySet<string> = new Set([
  ...MATCH_PROGRAMS,
  'sift',
  'pt',
  'find',
  'fd',
  'fdfind',
  'du',
  'wc',
  'tree',
  'locate',
]);

/** Programs that are builds whatever their arguments. */
const BUILD_PROGRAMS: ReadonlySet<string> = new Set([
  'cargo',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'tsc',
  'make',
  'gmake',
  'cmake',
  'ninja',
  'mvn',
  'mvnw',
  'gradle',
  'gradlew',
  'bazel',
  'bazelisk',
  'msbuild',
  'javac',
  'gcc',
  'g++',
  'cc',
  'c++',
  'clang',
  'clang++',
  'rustc',
  'webpack',
  'esbuild',
  'rollup',
]);

/** Build programs whose first word says what they build (`cargo test`, `make install`). */
const NAMED_BY_SUBCOMMAND: ReadonlySet<string> = new Set([
  'cargo',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'make',
  'gmake',
  'ninja',
  'mvn',
  'mvnw',
  'gradle',
  'gradlew',
  'bazel',
  'bazelisk',
]);

/** Programs that build only with some subcommands (`go build`, not `go version`). */
const BUILD_SUBCOMMANDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['go', new Set(['build', 'test', 'vet', 'install', 'generate', 'run'])],
  ['dotnet', new Set(['build', 'test', 'publish', 'restore', 'pack'])],
  ['swift', new Set(['build', 'test'])],
  ['bun', new Set(['build', 'test', 'install'])],
  ['deno', new Set(['test', 'compile', 'check'])],
  ['docker', new Set(['build'])],
  ['vite', new Set(['build'])],
  ['pip', new Set(['install'])],
  ['poetry', new Set(['install', 'build'])],
]);

/** Programs that search only with some subcommands. */
const SEARCH_SUBCOMMANDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['git', new Set(['grep', 'ls-files'])],
]);

/** Words run before the real program (`sudo grep`, `env A=1 make`, `time cargo build`). */
const WRAPPERS: ReadonlySet<string> = new Set(['sudo', 'env', 'time', 'nice', 'nohup', 'ionice', 'command']);

/** `/usr/bin/grep` → `grep`, `C:\\tools\\rg.exe` → `rg`. */
export const programName = (command: string): string => {
  const base = command.slice(Math.max(command.lastIndexOf('/'), command.lastIndexOf('\\')) + 1);
  return base.toLowerCase().replace(/\.(exe|cmd|bat|com)$/, '');
};

/** The program and its arguments, seeing through a shell command line and wrappers like `sudo`. */
export const effectiveCommand = (
  command: string,
  args: ReadonlyArray<string>,
  shell: boolean | string = false,
): { readonly command: string; readonly args: ReadonlyArray<string> } => {
  const withShell = shell !== false && shell !== '';
  // The common case, checked first: a plain program run directly (plans of 100,000 steps pass here).
  if (!withShell && !WRAPPERS.has(programName(command))) return { command, args };
  let words: ReadonlyArray<string> = [command, ...args];
  if (withShell) {
    // With a shell, `command` may be a whole command line; its first simple command is the program.
    const split = splitShellWords(command).words;
    const end = split.findIndex((w) => /^(\||\|\||&&|;|&)$/.test(w));
    words = [...(end < 0 ? split : split.slice(0, end)), ...args];
  }
  let i = 0;
  while (i < words.length - 1 && WRAPPERS.has(programName(words[i]!))) {
    i++;
    // The wrapper's own options and `NAME=value` assignments come before the program.
    while (i < words.length - 1 && /^(-|[A-Za-z_]\w*=)/.test(words[i]!)) i++;
  }
  return { command: words[i] ?? command, args: words.slice(i + 1) };
};

/** Classifies a command: search, build or other. */
export const classifyOperation = (
  command: string,
  args: ReadonlyArray<string> = [],
  shell: boolean | string = false,
): Operation => {
  const real = effectiveCommand(command, args, shell);
  const program = programName(real.command);
  const sub = real.args.find((a) => !a.startsWith('-'));
  const named = sub !== undefined ? `${program} ${sub}` : program;
  if (SEARCH_PROGRAMS.has(program)) return { kind: 'search', name: program, program };
  if (sub !== undefined && SEARCH_SUBCOMMANDS.get(program)?.has(sub))
    return { kind: 'search', name: named, program };
  if (BUILD_PROGRAMS.has(program)) {
    if (!NAMED_BY_SUBCOMMAND.has(program)) return { kind: 'build', name: program, program };
    const run = program === 'npm' || program === 'yarn' || program === 'pnpm';
    const script = run && sub === 'run' ? real.args.filter((a) => !a.startsWith('-'))[1] : undefined;
    return { kind: 'build', name: script !== undefined ? `${named} ${script}` : named, program };
  }
  if (sub !== undefined && BUILD_SUBCOMMANDS.get(program)?.has(sub))
    return { kind: 'build', name: named, program };
  return { kind: 'other', name: program, program };
};
