// The `command` step's parameters: RustChain's `command`/`args`, and the roadmap's extensions
// exactly where the roadmap puts them (under `parameters`).
import * as t from 'io-ts';
import { checksOnly } from '../mission/checks-only.js';
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
  /** The variant for the OS running the mission: exact OS, then `unix`; one not on PATH is skipped (src/plan/platform.ts). */
  platform_commands: PlatformCommands,
  /** Runs when no platform variant fits or is on PATH; a string is a program with the step's `args`. */
  fallback_command: t.union([t.string, PlatformVariant]),
  /** `false` ignores `platform_commands` (the step's `command`, else `fallback_command`, runs). @default true */
  detect_platform: t.boolean,
  /** Runs of the command in one attempt; with `repeat_until_success`, the most tries. @default 1 (unlimited when polling) */
  repeat_count: PositiveInt,
  /** Pause between repetitions, on the mission's clock. @default 0 (1000 when polling) */
  delay_between_repeats_ms: NonNegative,
  /** HTTP statuses that count as success: the last three characters of stdout, as `curl -w '%{http_code}'` prints them. */
  expect_status_codes: t.array(t.Int),
  /** Succeed at the first repetition that meets the expectations (polling). @default false */
  repeat_until_success: t.boolean,
  /** Run the command once per chunk of the file set, outputs merged in file order. @default false */
  chunk_processing: t.boolean,
  /** Files per chunk (fewer when the platform's command-line limit needs it). @default 100 */
  max_files_per_chunk: PositiveInt,
  /** The file set of a chunked step (globs relative to the working directory). @default the command's path arguments */
  files: FileSet,
  /** Chunks at once, never more than the mission allows; 0: as many as it allows. @default 1 */
  max_parallel_chunks: NonNegativeInt,
});

/** The fields above, with `command` required unless `platform_commands` says what to run (checked at load time). */
export const commandParameters = checksOnly(
  requiredUnless(commandParameterFields, 'command', ['platform_commands'], 'CommandParameters'),
);
export type CommandParameters = t.TypeOf<typeof commandParameters>;
