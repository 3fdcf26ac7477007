// Shell syntax in a step that has no shell. missionkit, like RustChain, passes `args` to the
// program as they are; a lone `|` is then just an argument (mission 3.3 passed `"|", "wc", "-l"`
// to `find`). Such missions still load, with a warning that says what will happen and what to do.
import { warning, type Draft } from './draft.js';
import type { Path } from './path.js';

/** Tokens that only mean something to a shell. */
export const SHELL_OPERATORS: ReadonlySet<string> = new Set([
  '|',
  '||',
  '&&',
  ';',
  '&',
  '>',
  '>>',
  '<',
  '<<',
  '2>',
  '2>>',
  '2>&1',
  '&>',
  '|&',
  '1>',
]);

// `find … -exec cmd {} ;` takes a literal `;` (or `+`) argument: that one is correct without a shell.
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** A shell command line split into words the way a POSIX shell would (quotes and backslashes), and whether it needs a shell. */
export const splitShellWords = (
  line: string,
): { readonly words: ReadonlyArray<string>; readonly needsShell: boolean } => {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let needsShell = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else {
        if (c === '$' || c === '`') needsShell = true;
        word += c;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if ('|&;<>()$`*?'.includes(c)) needsShell = true;
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { words, needsShell: needsShell || quote !== undefined };
};

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Programs that are shells, and which of their arguments they run as a command line.
const POSIX_SHELLS = /^(sh|bash|dash|zsh|ksh|ash|fish)$/;
const POWERSHELLS = /^(pwsh|powershell)$/;

const programName = (command: unknown): string | undefined =>
  typeof command === 'string'
    ? command
        .trim()
        .split(/[\\/]/)
        .pop()!
        .replace(/\.exe$/i, '')
        .toLowerCase()
    : undefined;

/**
 * The indexes of `args` a shell program reads as its command line: the one after `-c` (sh, bash,
 * dash, zsh, fish; also `-lc`, `-ec`…), everything after `-Command` (pwsh, powershell) or `/c`
 * (cmd). A `$(` there is the shell's own substitution, so adding `shell: true` would be wrong.
 */
export const shellScriptArgs = (command: unknown, args: ReadonlyArray<unknown>): ReadonlySet<number> => {
  const program = programName(command);
  const at = new Set<number>();
  if (program === undefined) return at;
  const flag = args.findIndex((a) =>
    typeof a !== 'string'
      ? false
      : POSIX_SHELLS.test(program)
        ? /^-[a-z]*c[a-z]*$/i.test(a) && !a.startsWith('--')
        : POWERSHELLS.test(program)
          ? /^-(c|command|encodedcommand)$/i.test(a)
          : program === 'cmd'
            ? /^\/[ck]$/i.test(a)
            : false,
  );
  if (flag < 0) return at;
  const last = POSIX_SHELLS.test(program) ? flag + 1 : args.length - 1;
  for (let i = flag + 1; i <= last && i < args.length; i++) at.add(i);
  return at;
};

const argWarnings = (args: unknown, path: Path, command?: unknown): Draft[] => {
  if (!Array.isArray(args)) return [];
  const out: Draft[] = [];
  let afterExec = false;
  const scripts = shellScriptArgs(command, args);
  args.forEach((a, i) => {
    if (typeof a !== 'string') return;
    if (FIND_EXEC.has(a)) afterExec = true;
    if (afterExec && (a === ';' || a === '+')) {
      afterExec = false;
      return;
    }
    if (SHELL_OPERATORS.has(a)) {
      out.push(
        warning({
          code: 'shell_syntax',
          path: [...path, i],
          message: `argument \`${a}\` is a shell operator, but this step runs without a shell: it will be passed to the program literally`,
          found: JSON.stringify(a),
          hint: `add \`shell: true\` under \`parameters:\` and write the whole command line in \`command\`, or split the work into two steps`,
        }),
      );
    } else if (a.includes('$(') && !scripts.has(i)) {
      out.push(
        warning({
          code: 'shell_syntax',
          path: [...path, i],
          message:
            'argument contains `$(`, a shell substitution, but this step runs without a shell: it will be passed literally, not expanded',
          found: JSON.stringify(a.length > 60 ? `${a.slice(0, 60)}…` : a),
          hint: 'add `shell: true` under `parameters:` if the substitution is meant to run',
        }),
      );
    }
  });
  return out;
};

const commandWarnings = (command: unknown, path: Path): Draft[] => {
  // A first word with a path separator may be a program path containing spaces (`C:\\Program Files\\…`).
  if (
    typeof command !== 'string' ||
    !/\s/.test(command.trim()) ||
    /[\\/]/.test(command.trim().split(/\s/)[0]!)
  )
    return [];
  const { words, needsShell } = splitShellWords(command);
  if (words.length < 2) return [];
  return [
    warning({
      code: 'shell_syntax',
      path,
      message:
        '`command` holds a whole command line, but it names one program: without a shell, the program looked for is this entire text',
      found: JSON.stringify(command.length > 60 ? `${command.slice(0, 60)}…` : command),
      hint: needsShell
        ? 'add `shell: true` to run this line through a shell'
        : `write \`command: ${JSON.stringify(words[0])}\` and \`args: ${JSON.stringify(words.slice(1)).replace(/","/g, '", "')}\``,
    }),
  ];
};

/** Warnings for shell syntax in a `command` step's parameters when `shell` is not set. */
export const commandShellWarnings = (params: unknown, path: Path): ReadonlyArray<Draft> => {
  if (!isMap(params)) return [];
  const shell = params['shell'];
  if (shell === true || (typeof shell === 'string' && shell !== '')) return [];
  const out: Draft[] = [
    ...commandWarnings(params['command'], [...path, 'command']),
    ...argWarnings(params['args'], [...path, 'args'], params['command']),
  ];
  const platforms = params['platform_commands'];
  if (isMap(platforms)) {
    for (const [os, variant] of Object.entries(platforms)) {
      if (!isMap(variant)) continue;
      out.push(...commandWarnings(variant['command'], [...path, 'platform_commands', os, 'command']));
      out.push(
        ...argWarnings(variant['args'], [...path, 'platform_commands', os, 'args'], variant['command']),
      );
    }
  }
  const fallback = params['fallback_command'];
  if (isMap(fallback))
    out.push(...argWarnings(fallback['args'], [...path, 'fallback_command', 'args'], fallback['command']));
  return out;
};
