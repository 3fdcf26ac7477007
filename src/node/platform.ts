// Every difference between operating systems that the Node executor depends on, as pure
// functions of the platform: the Windows paths cannot run on a Linux CI machine, so they must be
// unit-testable there, and one small module is easier to review than `if (win32)` everywhere.
import * as path from 'node:path';
import { unreachable } from '../unreachable.js';

/** The platforms the executor distinguishes; anything else is treated as a POSIX system. */
export type HostPlatform = NodeJS.Platform;

/** How a whole process tree is signalled. */
export type TreeSignalling = 'process-group' | 'taskkill';

/** Where the process table (pid → parent) comes from when looking for descendants. */
export type ProcessTableSource = 'proc' | 'ps' | 'none';

/** The kind of shell a `shell` value names: decides how a script is passed to it. */
export type ShellKind = 'posix' | 'cmd' | 'powershell';

/** What to hand to `child_process.spawn`. */
export interface Invocation {
  readonly file: string;
  readonly args: ReadonlyArray<string>;
  /** cmd.exe parses its own command line, so Node must not quote it a second time. */
  readonly windowsVerbatimArguments: boolean;
}

/** What the invocation is built from (the relevant part of a `SpawnRequest`). */
export interface InvocationInput {
  readonly command: string;
  readonly args: ReadonlyArray<string>;
  readonly shell: boolean | string;
  readonly env: Readonly<Record<string, string>>;
  /** On Windows, the file `command` resolved to (found by the caller with `windowsCommandCandidates`). */
  readonly resolved?: string | undefined;
}

const isWindows = (platform: HostPlatform): boolean => platform === 'win32';

/** POSIX: each tree gets its own process group; Windows has none, taskkill /T walks the tree. */
export const treeSignalling = (platform: HostPlatform): TreeSignalling =>
  isWindows(platform) ? 'taskkill' : 'process-group';

/** Linux (and Android) expose the process table in /proc; other POSIX systems have `ps`. */
export const processTableSource = (platform: HostPlatform): ProcessTableSource =>
  platform === 'linux' || platform === 'android' ? 'proc' : isWindows(platform) ? 'none' : 'ps';

/** Only where /proc/<pid>/environ is readable can an inherited marker find re-parented daemons. */
export const tracksEnvironmentMarker = (platform: HostPlatform): boolean =>
  processTableSource(platform) === 'proc';

/** The separator between PATH entries. */
export const pathDelimiter = (platform: HostPlatform): string => (isWindows(platform) ? ';' : ':');

/** Reads a variable the way the platform does: Windows environment names ignore case. */
export const envValue = (
  platform: HostPlatform,
  env: Readonly<Record<string, string>>,
  name: string,
): string | undefined => {
  if (!isWindows(platform)) return env[name];
  const upper = name.toUpperCase();
  const key = Object.keys(env).find((k) => k.toUpperCase() === upper);
  return key === undefined ? undefined : env[key];
};

/** The PATH entries a command is searched in, in order (empty entries and Windows quotes dropped). */
export const searchPath = (
  platform: HostPlatform,
  env: Readonly<Record<string, string>>,
): ReadonlyArray<string> =>
  (envValue(platform, env, 'PATH') ?? '')
    .split(pathDelimiter(platform))
    .map((entry) => (isWindows(platform) ? entry.replace(/^"(.*)"$/, '$1') : entry))
    .filter((entry) => entry.length > 0);

/** A command with a path separator is taken as a path, not looked up on PATH. */
export const hasPathSeparator = (platform: HostPlatform, command: string): boolean =>
  isWindows(platform) ? /[\\/]/.test(command) : command.includes('/');

/** Which family of shell a `shell` string names (`bash`, `/bin/zsh`, `cmd.exe`, `pwsh`...). */
export const shellKind = (shell: string): ShellKind => {
  const base = path.win32
    .basename(path.posix.basename(shell))
    .toLowerCase()
    .replace(/\.exe$/, '');
  if (base === 'cmd') return 'cmd';
  if (base === 'powershell' || base === 'pwsh') return 'powershell';
  return 'posix';
};

/** The executable extensions Windows tries, lower-cased (`PATHEXT`, or its documented default). */
export const windowsExtensions = (env: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  (envValue('win32', env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map((ext) => ext.trim().toLowerCase())
    .filter((ext) => ext.startsWith('.'));

/**
 * The files a Windows command may name, in the order cmd.exe tries them (current directory,
 * then PATH; each with the PATHEXT extensions), so `npm` finds `npm.cmd` as it does in a terminal.
 */
export const windowsCommandCandidates = (
  command: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): ReadonlyArray<string> => {
  const exts = windowsExtensions(env);
  const hasExt = exts.includes(path.win32.extname(command).toLowerCase());
  const names = (base: string): ReadonlyArray<string> =>
    hasExt ? [base] : [...(path.win32.extname(base) === '' ? [] : [base]), ...exts.map((ext) => base + ext)];
  if (hasPathSeparator('win32', command)) return names(path.win32.resolve(cwd, command));
  return [cwd, ...searchPath('win32', env)].flatMap((dir) => names(path.win32.join(dir, command)));
};

/** Batch files cannot be started without cmd.exe (Node refuses since CVE-2024-27980). */
export const isBatchFile = (file: string): boolean => /\.(cmd|bat)$/i.test(file);

// cmd.exe metacharacters; `^` escapes them (the rules cross-spawn uses, from "everyone quotes
// command line arguments the wrong way").
const cmdMeta = /([()\][%!^"`<>&|;, *?])/g;

/** Quotes one argument for a cmd.exe command line; npm's .cmd shims parse it twice. */
export const escapeCmdArgument = (arg: string, twice: boolean): string => {
  const quoted = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`;
  const once = quoted.replace(cmdMeta, '^$1');
  return twice ? once.replace(cmdMeta, '^$1') : once;
};

/** Escapes the program name of a cmd.exe command line. */
export const escapeCmdCommand = (command: string): string => command.replace(cmdMeta, '^$1');

/** The shell `shell: true` means. */
const defaultShell = (platform: HostPlatform, env: Readonly<Record<string, string>>): string =>
  isWindows(platform) ? (envValue(platform, env, 'ComSpec') ?? 'cmd.exe') : '/bin/sh';

const cmdInvocation = (shell: string, commandLine: string): Invocation => ({
  file: shell,
  args: ['/d', '/s', '/c', `"${commandLine}"`],
  windowsVerbatimArguments: true,
});

/**
 * How to start a request. Without a shell the arguments go to the program untouched; with one,
 * command and arguments are joined with spaces into one script, as Node's own `shell` option does.
 */
export const invocation = (platform: HostPlatform, input: InvocationInput): Invocation => {
  if (input.shell === false) {
    const resolved = input.resolved;
    if (isWindows(platform) && resolved !== undefined && isBatchFile(resolved)) {
      const twice = /node_modules[\\/]\.bin[\\/][^\\/]+\.cmd$/i.test(resolved);
      const line = [
        escapeCmdCommand(path.win32.normalize(resolved)),
        ...input.args.map((a) => escapeCmdArgument(a, twice)),
      ];
      return cmdInvocation(defaultShell(platform, input.env), line.join(' '));
    }
    return { file: resolved ?? input.command, args: input.args, windowsVerbatimArguments: false };
  }
  const shell = input.shell === true ? defaultShell(platform, input.env) : input.shell;
  const script = [input.command, ...input.args].join(' ');
  const kind = shellKind(shell);
  switch (kind) {
    case 'cmd':
      return cmdInvocation(shell, script);
    case 'powershell':
      return {
        file: shell,
        args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script],
        windowsVerbatimArguments: false,
      };
    case 'posix':
      return { file: shell, args: ['-c', script], windowsVerbatimArguments: false };
    default:
      return unreachable(kind);
  }
};
