// The `command` step's parameters: RustChain's `command`/`args`, and the roadmap's extensions
// exactly where the roadmap puts them (under `parameters`).
import * as t from 'io-ts';
import { requiredUnless } from '../mission/required-unless.js';
import { NonNegative, NonNegativeInt, PositiveInt, StringMap } from '../mission/scalars.js';

/** One platform's variant of a command. */
export const PlatformVariant = t.intersection([
  t.type({ command: t.string }),
  t.partial({ args: t.array(t.string) }),
]);

/** `platform_commands`: the exact OS first, then its family (`unix` covers linux and macos). */
export const PlatformCommands = t.partial({
  unix: PlatformVariant,
  linux: PlatformVariant,
  macos: PlatformVariant,
  windows: PlatformVariant,
});

/** The file set of a chunked step. */
export const FileSet = t.intersection([
  t.type({ include: t.array(t.string) }),
  t.partial({ exclude: t.array(t.string) }),
]);

/** Parameters of the `command` step type. `command` is required unless `platform_commands` is given. */
const commandParameterFields = t.partial({
  /** The program to run (found on PATH), without a shell. */
  command: t.string,
  /** @default [] */
  args: t.array(t.string),
  /** Relative to the mission's working directory. */
  working_dir: t.string,
  /** Merged over the host's environment. */
  env: StringMap,
  /** @default true */
  inherit_env: t.boolean,
  /** Run through a shell: `true` for the platform's, or a shell's name. @default false */
  shell: t.union([t.boolean, t.string]),
  /** Leave daemons the step started running after it ends. @default false */
  detach: t.boolean,
  /** Exit codes that count as success. @default [0] */
  expect_exit_codes: t.array(t.Int),
  /** Capture limit per stream, in bytes. @default 1048576 */
  max_output_bytes: PositiveInt,
  platform_commands: PlatformCommands,
  /** Used when no platform variant fits. */
  fallback_command: t.union([t.string, PlatformVariant]),
  /** @default true when platform_commands is given */
  detect_platform: t.boolean,
  /** @default 1 */
  repeat_count: PositiveInt,
  /** @default 0 */
  delay_between_repeats_ms: NonNegative,
  /** HTTP statuses that count as success, read from the command's output. */
  expect_status_codes: t.array(t.Int),
  /** Repeat until one repetition meets the expectations (polling). @default false */
  repeat_until_success: t.boolean,
  /** Split the file set into chunks and run the command once per chunk. @default false */
  chunk_processing: t.boolean,
  /** @default 100 */
  max_files_per_chunk: PositiveInt,
  files: FileSet,
  /** Chunks run at once (within the mission's limits). @default 1 */
  max_parallel_chunks: NonNegativeInt,
});

/** The fields above, with `command` required unless `platform_commands` says what to run (checked at load time). */
export const commandParameters = requiredUnless(
  commandParameterFields,
  'command',
  ['platform_commands'],
  'CommandParameters',
);
export type CommandParameters = t.TypeOf<typeof commandParameters>;
