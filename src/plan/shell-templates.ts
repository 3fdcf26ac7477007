// Templates in the command line of a `shell` step. A substituted value is never written into the
// script: it is passed to the shell in an environment variable of its own, and the script gets a
// reference to that variable written for the quoting context the template stands in (found by the
// shell's scanner). Where no reference can keep the value data — the code of `sh -c`, a quoted
// here-document, arithmetic, cmd.exe — the template is refused when the mission is loaded.
import type { Path } from '../mission/path.js';
import { scanFish } from './shell-scan-fish.js';
import { scanPosix } from './shell-scan-posix.js';
import { scanPowerShell } from './shell-scan-powershell.js';
import { programName } from './shell-reparse.js';
import { ENV_HINT, refused, SLOT_CHAR, type SlotContext, type SlotVerdict } from './shell-slots.js';
import { parseTemplate, type TemplateRef } from './templates.js';

/** The shell languages whose quoting missionkit knows. */
export type ShellDialect = 'posix' | 'fish' | 'powershell' | 'cmd';

/** The shell a step's `shell` names, as far as templates are concerned. */
export interface ShellLanguage {
  readonly dialect: ShellDialect;
  /** The shell's name (`sh`, `bash`, `pwsh`, `cmd`). */
  readonly name: string;
  /** `$'…'` is ANSI-C quoting (bash, zsh, ksh); dash reads it as `$` and a single-quoted string. */
  readonly ansiC: boolean;
}

/**
 * The language of a `shell` value: `true` is cmd.exe on Windows and `/bin/sh` elsewhere (when the
 * platform is not known yet, sh); a string names the shell (`bash`, `/usr/bin/fish`, `pwsh.exe`).
 */
export const shellLanguage = (shell: true | string, platform?: string): ShellLanguage => {
  const name = shell === true ? (platform === 'win32' ? 'cmd' : 'sh') : programName(shell);
  const dialect: ShellDialect =
    name === 'cmd'
      ? 'cmd'
      : name === 'pwsh' || name === 'powershell'
        ? 'powershell'
        : name === 'fish'
          ? 'fish'
          : 'posix';
  return { dialect, name, ansiC: /^(bash|zsh|ksh|ksh93|mksh|rbash)$/.test(name) };
};

/** The reference to environment variable `name` for a template standing in `context`. */
export const renderReference = (language: ShellLanguage, context: SlotContext, name: string): string => {
  switch (language.dialect) {
    case 'posix':
      switch (context) {
        case 'double_quoted':
        case 'heredoc':
          return `\${${name}}`;
        case 'single_quoted':
          return `'"$${name}"'`;
        case 'ansi_c_quoted':
          return `'"$${name}"$'`;
        case 'unquoted':
        case 'pattern':
        case 'comment':
          return `"$${name}"`;
      }
      break;
    case 'fish':
      // In fish, "$N" both quotes a reference and, inside "…", closes and reopens the string; the
      // quote after the name also keeps a following `[` or letter from being read as part of it.
      return context === 'single_quoted' ? `'"$${name}"'` : `"$${name}"`;
    case 'powershell':
      return context === 'double_quoted' || context === 'heredoc' ? `\${env:${name}}` : `"\${env:${name}}"`;
    case 'cmd':
      break;
  }
  throw new TypeError(`no reference for a ${language.dialect} template in ${context}`);
};

/** One string of a shell command line, and where it sits in the step's parameters. */
export interface ScriptPiece {
  readonly path: Path;
  readonly text: string;
}

/** One template in a shell command line, with the scanner's verdict. */
export interface ShellTemplate {
  /** The index of the piece it stands in. */
  readonly piece: number;
  readonly ref: TemplateRef;
  readonly verdict: SlotVerdict;
}

const CMD_REFUSAL = refused(
  'in a cmd.exe command line, where a variable is expanded before the line is parsed (%NAME%)',
  'run the program without a shell (`command` and `args`, each value one argument), or use `shell: pwsh` and read "$env:VALUE" from the step\'s `env:`',
);

/** Every template of a shell command line (its pieces joined by spaces, as the shell gets them), with its verdict. */
export const shellTemplates = (
  language: ShellLanguage,
  pieces: ReadonlyArray<ScriptPiece>,
): ReadonlyArray<ShellTemplate> => {
  let text = '';
  const slots: number[] = [];
  const found: Array<{ piece: number; ref: TemplateRef }> = [];
  pieces.forEach((p, index) => {
    if (index > 0) text += ' ';
    for (const part of parseTemplate(p.text).parts) {
      if (part._tag === 'text') {
        text += part.text;
        continue;
      }
      slots.push(text.length);
      found.push({ piece: index, ref: part.ref });
      text += SLOT_CHAR;
    }
  });
  if (slots.length === 0) return [];
  const verdicts =
    language.dialect === 'cmd'
      ? slots.map(() => CMD_REFUSAL)
      : language.dialect === 'fish'
        ? scanFish({ text, slots })
        : language.dialect === 'powershell'
          ? scanPowerShell({ text, slots })
          : scanPosix({ text, slots }, { ansiC: language.ansiC });
  return found.map((f, n) => ({ ...f, verdict: verdictFor(f.ref, verdicts[n]!) }));
};

// Arithmetic evaluates its text as an expression (bash runs `$(…)` in an array subscript found
// there), so only a value that is always a plain integer may stand in it: an exit code.
const verdictFor = (ref: TemplateRef, verdict: SlotVerdict): SlotVerdict =>
  verdict._tag === 'reference' && verdict.arithmetic && !(ref._tag === 'step' && ref.field === 'exit_code')
    ? refused(
        'where the shell evaluates it as arithmetic (`$((…))`, `[[ … -eq … ]]`, an array subscript), and would run a `$(…)` in it',
        `${ENV_HINT}, and check it is a number first (\`case $VALUE in ''|*[!0-9]*) exit 1;; esac\`)`,
      )
    : verdict;

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): ReadonlyArray<string> =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** One command line a shell reads, and the OS it runs on when only one can run it (a platform variant). */
export interface ScriptLine {
  /** Node's platform name for a `platform_commands` variant (`win32` for `windows`); absent: any. */
  readonly platform?: string;
  readonly pieces: ReadonlyArray<ScriptPiece>;
}

const VARIANT_PLATFORM: Readonly<Record<string, string>> = {
  windows: 'win32',
  linux: 'linux',
  macos: 'darwin',
  unix: 'linux',
};

/**
 * The command lines of a `command` step that a shell reads: `command` with `args`, each variant of
 * `platform_commands` (a `windows` one runs only where `shell: true` is cmd.exe), and
 * `fallback_command` (a string one takes the step's `args`).
 */
export const shellScripts = (params: unknown): ReadonlyArray<ScriptLine> => {
  if (!isMap(params)) return [];
  const line = (base: Path, command: unknown, args: unknown, argsPath: Path): ReadonlyArray<ScriptPiece> =>
    typeof command === 'string'
      ? [
          { path: [...base, 'command'], text: command },
          ...strings(args).map((text, i) => ({ path: [...argsPath, i], text })),
        ]
      : [];
  const out: ScriptLine[] = [];
  if (typeof params['command'] === 'string')
    out.push({ pieces: line([], params['command'], params['args'], ['args']) });
  const platforms = params['platform_commands'];
  if (isMap(platforms))
    for (const [os, v] of Object.entries(platforms))
      if (isMap(v)) {
        const pieces = line(['platform_commands', os], v['command'], v['args'], [
          'platform_commands',
          os,
          'args',
        ]);
        const platform = Object.hasOwn(VARIANT_PLATFORM, os) ? VARIANT_PLATFORM[os] : undefined;
        out.push(platform === undefined ? { pieces } : { platform, pieces });
      }
  const fallback = params['fallback_command'];
  if (typeof fallback === 'string')
    out.push({
      pieces: [
        { path: ['fallback_command'], text: fallback },
        ...strings(params['args']).map((text, i) => ({ path: ['args', i], text })),
      ],
    });
  else if (isMap(fallback))
    out.push({
      pieces: line(['fallback_command'], fallback['command'], fallback['args'], ['fallback_command', 'args']),
    });
  return out.filter((l) => l.pieces.length > 0);
};

/** The shell a `command` step's parameters ask for, or `undefined` without one. */
export const stepShell = (params: unknown): true | string | undefined => {
  if (!isMap(params)) return undefined;
  const shell = params['shell'];
  return shell === true || (typeof shell === 'string' && shell !== '') ? shell : undefined;
};
