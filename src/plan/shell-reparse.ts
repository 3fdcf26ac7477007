// Programs that read one of their arguments (or their standard input) as code. A value handed to
// such an argument through a reference is expanded by the outer shell and then parsed again by
// the inner program, so no reference can keep it data there: the scanners refuse templates in
// those places. The words given here are a simple command's words with quotes removed.

/** Why a word of a command is parsed again as code, and by what. */
export interface Reparse {
  /** The program that parses the word, as written (`bash -c`, `eval`, `python -c`). */
  readonly by: string;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ksh93', 'mksh', 'ash', 'yash', 'fish', 'rbash']);
const POWERSHELLS = new Set(['pwsh', 'powershell', 'pwsh-preview']);
/** Everything after these words is code (joined and re-read by a shell, or run as a script). */
const ALL_AFTER = new Set([
  'eval',
  'ssh',
  'watch',
  'parallel',
  'tmux',
  'screen',
  'trap',
  'alias',
  'cmd',
  'iex',
  'invoke-expression',
]);
/** `-c` (or `--command`) names the code for these. */
const COMMAND_FLAG = new Set(['su', 'runuser', 'script', 'expect', 'psql', 'flock']);
/** Interpreters whose code comes after a flag: the flags that take code. */
const CODE_FLAGS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^python[0-9.]*$|^pypy[0-9.]*$/, /^-c$/],
  [/^perl[0-9.]*$/, /^-[a-zA-Z]*[eE]$/],
  [/^ruby[0-9.]*$/, /^-[a-zA-Z]*e$/],
  [/^(node|nodejs|deno|bun)$/, /^(-e|--eval|-p|--print|-pe)$/],
  [/^php[0-9.]*$/, /^-r$/],
  [/^(lua[0-9.]*|luajit)$/, /^-e$/],
  [/^rscript$/, /^-e$/],
  [/^osascript$/, /^-e$/],
  [/^(mysql|mariadb)$/, /^(-e|--execute)$/],
  [/^(sed|gsed)$/, /^(-e|--expression)$/],
  [/^env$/, /^(-S|--split-string)$/],
  [/^(awk|gawk|mawk|nawk)$/, /^(-e|--source)$/],
];
/** Programs whose first operand is code unless a script file is given (`-f`). */
const PROGRAM_FIRST = /^(awk|gawk|mawk|nawk|sed|gsed)$/;
/** Options that take the next word as their value (sed's `-i` takes only an attached suffix). */
const OPTION_WITH_VALUE = {
  awk: /^(-[Ffvile]|--field-separator|--assign|--file|--include|--load|--source)$/,
  sed: /^(-[efl]|--expression|--file|--line-length)$/,
};

/** The program name a word stands for: its last path segment, lower-cased, without `.exe`. */
export const programName = (word: string): string =>
  (word.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');

const isOption = (w: string): boolean => (w.startsWith('-') || w.startsWith('+')) && w.length > 1;

/** The index of the script string of a shell started at `at` with `-c`, or -1 when it has none. */
const shellScript = (words: ReadonlyArray<string>, at: number): number => {
  let commandFlag = false;
  for (let k = at + 1; k < words.length; k++) {
    const w = words[k]!;
    if (w === '--' || w === '-') return commandFlag ? k + 1 : -1;
    if (w === '--command' || w === '-command') return k + 1;
    if (w.startsWith('--command=')) return k;
    if (isOption(w)) {
      if (!w.startsWith('--') && w.slice(1).includes('c')) commandFlag = true;
      // `-o pipefail`, `+O extglob`, `--rcfile f`: the option's value is not an operand.
      if (/^[-+][oO]$/.test(w) || w === '--rcfile' || w === '--init-file' || w === '--init-command') k++;
      continue;
    }
    return commandFlag ? k : -1;
  }
  return commandFlag ? words.length : -1;
};

/** Whether the word at `index` of a simple command is parsed again as code, and by what. */
export const reparseOf = (words: ReadonlyArray<string>, index: number): Reparse | undefined => {
  for (let j = 0; j < index && j < words.length; j++) {
    const name = programName(words[j]!);
    // A program named by an expansion (`$SHELL -c`, "${BASH:-bash}" -c) may be a shell.
    if (SHELLS.has(name) || /^\$|\$[({]/.test(words[j]!)) {
      const script = shellScript(words, j);
      if (script === index) return { by: `${name} -c` };
      continue;
    }
    if (POWERSHELLS.has(name)) {
      // `-File script` runs a file with arguments; anything else (-Command, the default of
      // powershell.exe, -EncodedCommand) joins the remaining words into one command.
      const file = words.slice(j + 1, index).some((w) => /^-f(ile)?$/i.test(w));
      if (!file) return { by: name };
      continue;
    }
    if (ALL_AFTER.has(name)) return { by: name };
    if (name === 'sudo' || name === 'doas') {
      if (words.slice(j + 1, index).some((w) => /^-[a-zA-Z]*[si]$|^--(shell|login)$/.test(w)))
        return { by: `${name} -s` };
      continue;
    }
    if (COMMAND_FLAG.has(name)) {
      for (let k = j + 1; k < index; k++) {
        const w = words[k]!;
        if (/^(-c|--command|--session-command)$/.test(w) && k + 1 === index) return { by: `${name} ${w}` };
      }
      if (/^(-c|--command=)/.test(words[index] ?? '') && index > j) return { by: name };
      continue;
    }
    for (const [program, flag] of CODE_FLAGS) {
      if (!program.test(name)) continue;
      const prev = words[index - 1];
      if (index - 1 > j && prev !== undefined && flag.test(prev)) return { by: `${name} ${prev}` };
      // `-e'code'`, `--eval=code`: the code is attached to the flag.
      const own = words[index] ?? '';
      if (own.startsWith('-') && [...own].some((_, n) => n > 1 && flag.test(own.slice(0, n))))
        return { by: `${name} ${own.slice(0, 2)}` };
    }
    if (PROGRAM_FIRST.test(name)) {
      let scriptGiven = false;
      for (let k = j + 1; k < words.length && k <= index; k++) {
        const w = words[k]!;
        if (w === '--') {
          if (!scriptGiven && k + 1 === index) return { by: name };
          break;
        }
        if (/^(-e|--expression|--source|-f|--file)/.test(w)) scriptGiven = true;
        if (isOption(w)) {
          if (OPTION_WITH_VALUE[name.includes('sed') ? 'sed' : 'awk'].test(w)) k++;
          continue;
        }
        if (!scriptGiven && k === index) return { by: name };
        break;
      }
    }
  }
  return undefined;
};

/** Whether a simple command reads code from its standard input: a shell or interpreter given no script. */
export const readsCodeFromStdin = (words: ReadonlyArray<string>): string | undefined => {
  let j = 0;
  // Wrappers that run the next word as the program.
  while (
    j < words.length &&
    (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[j]!) ||
      /^(sudo|doas|env|exec|command|nohup|time|nice|stdbuf|setsid|unbuffer)$/.test(programName(words[j]!)))
  )
    j++;
  const name = programName(words[j] ?? '');
  // xargs and parallel turn what they read into the arguments of a program: code, if it is a shell.
  if (name === 'xargs' || name === 'parallel') {
    const inner = words
      .slice(j + 1)
      .find((w) => SHELLS.has(programName(w)) || POWERSHELLS.has(programName(w)));
    return inner === undefined ? undefined : `${name} ${programName(inner)}`;
  }
  const interpreter =
    SHELLS.has(name) ||
    POWERSHELLS.has(name) ||
    name === 'cmd' ||
    /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|ssh|su|at|batch|crontab|psql|mysql|mariadb|sqlite3|source|\.)$/.test(
      name,
    );
  if (!interpreter) return undefined;
  if (name === 'ssh' || name === 'su' || name === 'source' || name === '.') return name;
  const operands = words.slice(j + 1).filter((w) => !isOption(w));
  const dashS = words.slice(j + 1).some((w) => /^-[a-zA-Z]*s$/.test(w));
  const stdin = /^(-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/self\/fd\/0)$/;
  return operands.length === 0 || dashS || stdin.test(operands[0]!) ? name : undefined;
};
