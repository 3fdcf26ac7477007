// HostFacts for tests: a platform chosen by the test (so a mission runs "as windows" on Linux CI),
// a PATH the test describes, and tree sizes given by the test or measured in the in-memory file
// system — so adaptive timeouts and platform-aware commands are tested without a real machine.
import type { FileSystem } from '../ports/filesystem.js';
import type { HostFacts, Measurement } from '../ports/host-facts.js';
import { listFilesWith, measureWith } from '../steps/command-files.js';

/** A tree's size as a test states it. */
export interface FakeSize {
  /** Bytes of the files under the path. */
  readonly bytes: number;
  /** Files under the path. */
  readonly files: number;
  /**
   * `false` pretends the walk ran out of its time budget (the explanation then says "extrapolated").
   * @default true
   */
  readonly complete?: boolean;
}

/** Options of `fakeHostFacts`. */
export interface FakeHostFactsOptions {
  /**
   * The OS the mission runs as: `linux`, `macos`, `windows`, or Node's names (`darwin`, `win32`).
   * @default 'linux'
   * @example { platform: 'windows' }
   */
  readonly platform?: string;
  /**
   * Which programs are on PATH: their names, or a function of the name.
   * @default every program
   * @example { which: ['find', 'ls'] }
   */
  readonly which?: ReadonlyArray<string> | ((command: string) => boolean);
  /**
   * Sizes by path, as the step names it (`.`, `src`, `./logs`), relative to its working directory.
   * @default each path is measured in the in-memory file system
   * @example { sizes: { '.': { bytes: 412e6, files: 8249 } } }
   */
  readonly sizes?: Readonly<Record<string, FakeSize>>;
  /**
   * The architecture the mission runs as, for `if:` conditions' `platform.arch`.
   * @default 'x64'
   */
  readonly arch?: string;
  /** The file system paths not in `sizes` are measured and listed in. */
  readonly fs: FileSystem;
}

const NODE_NAMES: ReadonlyMap<string, string> = new Map([
  ['windows', 'win32'],
  ['macos', 'darwin'],
]);

const strip = (p: string): string => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.';

/** HostFacts that answer from the test's description, and from the in-memory file system otherwise. */
export const fakeHostFacts = (options: FakeHostFactsOptions): HostFacts => {
  const platform = options.platform ?? 'linux';
  const onPath = options.which;
  const has = (c: string): boolean =>
    onPath === undefined ? true : typeof onPath === 'function' ? onPath(c) : onPath.includes(c);
  const sizes = new Map(Object.entries(options.sizes ?? {}).map(([k, v]) => [strip(k), v]));
  return {
    platform: NODE_NAMES.get(platform) ?? platform,
    arch: options.arch ?? 'x64',
    which: (command) =>
      Promise.resolve(
        has(command)
          ? platform === 'windows' || platform === 'win32'
            ? `C:\\bin\\${command}.exe`
            : `/usr/bin/${command}`
          : undefined,
      ),
    measure: async (paths, { cwd, filter }): Promise<Measurement> => {
      const given = paths.map((p) => sizes.get(strip(p)));
      const rest = paths.filter((_, i) => given[i] === undefined);
      const walked = rest.length > 0 ? await measureWith(options.fs, cwd, rest, filter) : undefined;
      const stated = given.filter((g): g is FakeSize => g !== undefined);
      const bytes = stated.reduce((n, g) => n + g.bytes, 0) + (walked?.bytes ?? 0);
      const files = stated.reduce((n, g) => n + g.files, 0) + (walked?.files ?? 0);
      const complete = stated.every((g) => g.complete !== false);
      return {
        bytes,
        files,
        directories: walked?.directories ?? 0,
        complete,
        ...(complete ? {} : { walked: { bytes, files, directories: 0, pending_directories: 0 } }),
        elapsed_ms: 0,
        missing: walked?.missing ?? [],
        method: stated.length > 0 ? 'given' : 'walk',
      };
    },
    listFiles: (paths, { cwd, filter, signal }) => listFilesWith(options.fs, cwd, paths, filter, signal),
  };
};
