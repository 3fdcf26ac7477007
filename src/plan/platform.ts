// Platform-aware commands: which of a step's `platform_commands` runs here. Pure — the platform and
// a "which" function are inputs — so every platform's resolution is tested on any machine, and
// the test kit can run a mission "as windows".
//
// Candidates, in order: the exact OS (`linux`, `macos`, `windows`), then its family (`unix` covers
// linux, macos and the other Unix-likes), then the step's own `command`, then `fallback_command`.
// A candidate whose program is not on PATH is skipped for the next one. `detect_platform: false`
// skips the platform variants and keeps the last two.

/** The keys of `platform_commands`. */
export type PlatformKey = 'linux' | 'macos' | 'windows' | 'unix';

/** Where a chosen command came from. */
export type CommandSource = PlatformKey | 'command' | 'fallback_command';

/** An OS as missions name it, and its family. */
export interface OsInfo {
  /** `linux`, `macos`, `windows`, or Node's name for another Unix-like (`freebsd`…). */
  readonly os: string;
  readonly family: 'unix' | 'windows';
}

/** Maps Node's platform names (`win32`, `darwin`) and the mission's (`windows`, `macos`) to an OS. */
export const osOf = (platform: string): OsInfo => {
  switch (platform) {
    case 'win32':
    case 'windows':
      return { os: 'windows', family: 'windows' };
    case 'darwin':
    case 'macos':
      return { os: 'macos', family: 'unix' };
    default:
      return { os: platform, family: 'unix' };
  }
};

/** A `{command, args}` variant as the mission writes it. */
export interface VariantInput {
  readonly command: string;
  readonly args?: ReadonlyArray<string>;
}

/** The parameters the resolver reads (the `command` step's). */
export interface PlatformParams {
  readonly command?: string;
  readonly args?: ReadonlyArray<string>;
  readonly platform_commands?: Partial<Readonly<Record<PlatformKey, VariantInput>>>;
  readonly fallback_command?: string | VariantInput;
  readonly detect_platform?: boolean;
  readonly shell?: boolean | string;
}

/** One command the resolver may choose. */
export interface Candidate {
  readonly source: CommandSource;
  readonly command: string;
  /** The variant's `args`, else the step's `args`, else none. */
  readonly args: ReadonlyArray<string>;
}

/** A candidate passed over, and why. */
export interface SkippedCandidate {
  readonly source: CommandSource;
  readonly command: string;
  readonly reason: string;
}

/** What the resolver chose. */
export type PlatformResolution =
  | {
      readonly _tag: 'resolved';
      readonly os: string;
      readonly source: CommandSource;
      readonly command: string;
      readonly args: ReadonlyArray<string>;
      readonly skipped: ReadonlyArray<SkippedCandidate>;
      /** "linux: `unix` variant: find" — for `missionkit plan`. */
      readonly explanation: string;
    }
  | {
      readonly _tag: 'unresolved';
      readonly os: string;
      readonly skipped: ReadonlyArray<SkippedCandidate>;
      readonly message: string;
      readonly hint: string;
    };

/** Whether `command` is on PATH: `true`, `false`, or `undefined` when nobody looked (taken as yes). */
export type Which = (command: string) => boolean | undefined;

const label = (source: CommandSource): string =>
  source === 'command' || source === 'fallback_command' ? `\`${source}\`` : `\`${source}\` variant`;

const FAMILY_OF: Readonly<Record<PlatformKey, string>> = {
  linux: 'linux only',
  macos: 'macos only',
  windows: 'windows only',
  unix: 'linux, macos and other Unix-likes',
};

/** Whether a step's command depends on the platform (it has `platform_commands` or a `fallback_command`). */
export const isPlatformAware = (p: PlatformParams): boolean =>
  p.platform_commands !== undefined || p.fallback_command !== undefined;

/** The candidates for `os`, in the order they are tried. */
export const platformCandidates = (p: PlatformParams, info: OsInfo): ReadonlyArray<Candidate> => {
  const out: Candidate[] = [];
  const add = (source: CommandSource, v: VariantInput | undefined): void => {
    if (v !== undefined) out.push({ source, command: v.command, args: v.args ?? p.args ?? [] });
  };
  if (p.detect_platform !== false && p.platform_commands !== undefined) {
    const pc = p.platform_commands;
    if (info.os === 'linux' || info.os === 'macos' || info.os === 'windows') add(info.os, pc[info.os]);
    if (info.family === 'unix') add('unix', pc.unix);
  }
  if (p.command !== undefined) add('command', { command: p.command });
  const fb = p.fallback_command;
  if (fb !== undefined) add('fallback_command', typeof fb === 'string' ? { command: fb } : fb);
  return out;
};

/** Chooses the command to run on `platform`; `undefined` when the step's command does not depend on it. */
export const resolvePlatformCommand = (
  p: PlatformParams,
  platform: string,
  which: Which,
): PlatformResolution | undefined => {
  if (!isPlatformAware(p)) return undefined;
  const info = osOf(platform);
  const skipped: SkippedCandidate[] = [];
  // With a shell, `command` is a command line the shell resolves: it is not looked up here.
  const withShell = p.shell !== undefined && p.shell !== false && p.shell !== '';
  for (const c of platformCandidates(p, info)) {
    if (!withShell && which(c.command) === false) {
      skipped.push({ source: c.source, command: c.command, reason: `\`${c.command}\` is not on PATH` });
      continue;
    }
    const passed = skipped.map((s) => `${label(s.source)} skipped: ${s.reason}`);
    return {
      _tag: 'resolved',
      os: info.os,
      source: c.source,
      command: c.command,
      args: c.args,
      skipped,
      explanation: [...passed, `${info.os}: ${label(c.source)}: ${c.command}`].join('; '),
    };
  }
  const written = Object.keys(p.platform_commands ?? {}) as PlatformKey[];
  const other = written.filter((k) => !skipped.some((s) => s.source === k));
  const parts = [
    ...skipped.map((s) => `${label(s.source)} ${s.reason.replace(/^`[^`]*` /, `(\`${s.command}\`) `)}`),
    ...(p.detect_platform === false && written.length > 0
      ? [`detect_platform is false, so platform_commands (${written.join(', ')}) is not used`]
      : other.map((k) => `\`${k}\` is for ${FAMILY_OF[k]}`)),
    ...(p.fallback_command === undefined ? ['there is no `fallback_command`'] : []),
  ];
  const missing = skipped.length > 0;
  return {
    _tag: 'unresolved',
    os: info.os,
    skipped,
    message: `no command to run on ${info.os}: ${parts.join('; ')}`,
    hint: missing
      ? `install ${skipped.map((s) => `\`${s.command}\``).join(' or ')}, check PATH (the step's \`env.PATH\` when it sets one), or add a \`fallback_command\``
      : `add a \`${info.os === 'macos' || info.os === 'linux' ? 'unix' : info.os}:\` variant under \`platform_commands\`, or a \`fallback_command\``,
  };
};
