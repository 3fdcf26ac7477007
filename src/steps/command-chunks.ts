// Chunked processing for the `command` step: the file set is listed, split into chunks by count and
// by the platform's command-line limit, and the command runs once per chunk — several at once
// within the mission's parallel limit — with the outputs merged in file order and the exit codes
// combined with the command's own meaning. A stopped step keeps the chunks that finished.
import {
  argsForChunk,
  argumentLimit,
  chunkFiles,
  fixedCost,
  placementOf,
  type Placement,
} from '../plan/chunks.js';
import { commandReads, readPaths } from '../plan/command-reads.js';
import { combineExitCodes, type ExitRule } from '../plan/exit-status.js';
import type { FileFilter } from '../plan/file-filter.js';
import { globBase } from '../plan/glob.js';
import { osOf } from '../plan/platform.js';
import type { ProcessExit } from '../ports/executor.js';
import type { ListedFiles, ListFilesOptions } from '../ports/host-facts.js';
import type { CapturedText, ExecRequest, ExecResult, StepContext } from '../ports/step-type.js';
import type { CommandParameters } from './command-params.js';
import { listFilesWith } from './command-files.js';
import { mergeCaptured } from './command-output.js';

/** Files per chunk when `max_files_per_chunk` is not set. */
export const DEFAULT_MAX_FILES_PER_CHUNK = 100;

/** What a chunked run did, kept in the step's `output.chunks`. */
export interface ChunkSummary {
  /** Chunks the file set was split into. */
  readonly total: number;
  /** Chunks whose process ran to its own end (not stopped with the step). */
  readonly finished: number;
  /** Files in the file set. */
  readonly files: number;
  /** Files in the finished chunks. */
  readonly files_done: number;
  readonly max_files_per_chunk: number;
  /** Chunks run at once. */
  readonly parallel: number;
  /** Each chunk's exit code, in file order (`null`: not run, or stopped). */
  readonly exit_codes: ReadonlyArray<number | null>;
  /** How the exit codes were combined: `match` (grep: 0 if any matched, 1 if none, 2 on an error) or `all_zero`. */
  readonly exit_rule: ExitRule;
  /** The step was stopped before every chunk finished: the output holds the finished ones. */
  readonly partial: boolean;
  /** Named paths that did not exist (passed to the first chunk, so the command reports them itself). */
  readonly missing: ReadonlyArray<string>;
}

/** A chunked run's result, or why it could not run. */
export type ChunkedRun =
  | {
      readonly _tag: 'ran';
      readonly exit: ProcessExit;
      readonly stdout: CapturedText;
      readonly stderr: CapturedText;
      readonly summary: ChunkSummary;
    }
  | { readonly _tag: 'invalid'; readonly message: string; readonly hint: string };

/** What the runtime lends the chunker. */
export interface ChunkSettings {
  /** Node's platform name; unknown means the strictest limit (Windows'). */
  readonly platform: string | undefined;
  /** The most chunks at once (the mission's parallel limit). */
  readonly maxParallel: number;
  /** The host's fast listing; without it, the file system port is walked. */
  readonly listFiles:
    ((paths: ReadonlyArray<string>, options: ListFilesOptions) => Promise<ListedFiles>) | undefined;
}

const invalid = (message: string, hint: string): ChunkedRun => ({ _tag: 'invalid', message, hint });

/** Runs `command` once per chunk of its file set. `base` carries everything but the arguments. */
export const runChunked = async (
  ctx: StepContext,
  target: { readonly command: string; readonly args: ReadonlyArray<string> },
  p: CommandParameters,
  settings: ChunkSettings,
  base: Omit<ExecRequest, 'command' | 'args'>,
): Promise<ChunkedRun> => {
  if (p.shell !== undefined && p.shell !== false)
    return invalid(
      'chunk_processing cannot split a shell command line into chunks',
      'remove `shell`, give the program in `command` and its arguments in `args` (with `{files}` where the files go)',
    );
  const reads = commandReads(target.command, target.args);
  let paths: ReadonlyArray<string>;
  let filter: FileFilter;
  if (p.files !== undefined) {
    paths = [...new Set(p.files.include.map((g) => globBase(g) || '.'))];
    filter = { include: p.files.include, exclude: p.files.exclude ?? [], exclude_dirs: [] };
  } else if (reads.known) {
    paths = readPaths(reads);
    filter = reads.filter;
    if (paths.length === 0)
      return invalid(
        `\`${reads.program}\` names no file or directory to split into chunks (it would read standard input)`,
        'name the paths in `args`, or give the file set in `files: {include: [globs]}`',
      );
  } else {
    return invalid(
      `chunk_processing needs \`files:\` for \`${reads.program}\`: missionkit does not know which of its arguments are paths`,
      'add `files: {include: ["**/*.ext"]}` and put `{files}` in `args` where the files go',
    );
  }
  // A program missionkit does not know has no operands it could replace: its files are appended.
  const placement = placementOf(target.args, reads.known ? reads : { ...reads, operands: [] });
  if (placement._tag === 'error') return invalid(placement.message, placement.hint);
  const where: Placement = placement;
  const info = osOf(settings.platform ?? 'win32');
  const limit = argumentLimit(info);
  const room = limit.size - fixedCost(target.command, target.args, where, reads.chunk_flags, info);
  if (room <= 0)
    return invalid(
      `the command line is longer than ${limit.explanation} before any file is added`,
      'shorten the arguments, or move them into a file the command reads',
    );
  const cwd = ctx.fs.resolve(ctx.workingDirectory, p.working_dir ?? '.');
  const listed = await (
    settings.listFiles !== undefined
      ? settings.listFiles(paths, { cwd, filter, signal: ctx.signal })
      : listFilesWith(ctx.fs, cwd, paths, filter, ctx.signal)
  ).catch((e: unknown) => (ctx.signal.aborted ? undefined : Promise.reject(e)));
  const maxFiles = p.max_files_per_chunk ?? DEFAULT_MAX_FILES_PER_CHUNK;
  const requested = p.max_parallel_chunks ?? 1;
  const parallel = Math.max(
    1,
    Math.min(requested === 0 ? settings.maxParallel : requested, settings.maxParallel),
  );
  // Missing paths go to the first chunk, so the command reports them with its own message and exit code.
  const files = listed === undefined ? [] : [...listed.missing, ...listed.files];
  const chunks = chunkFiles(files, maxFiles, room, info);
  const results: Array<ExecResult | undefined> = Array.from({ length: chunks.length }, () => undefined);
  let next = 0;
  let spawnFailed = false;
  const worker = async (): Promise<void> => {
    while (!spawnFailed && next < chunks.length && !ctx.signal.aborted) {
      const i = next++;
      const r = await ctx.exec({
        ...base,
        command: target.command,
        args: argsForChunk(target.args, where, chunks[i]!, reads.chunk_flags),
      });
      results[i] = r;
      // A program that cannot start will not start for the next chunk either.
      if (r.exit._tag === 'spawn_failed') spawnFailed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
  const stopped = ctx.signal.aborted;
  const kept = results.map((r) =>
    r !== undefined && !(stopped && r.exit._tag !== 'exited') ? r : undefined,
  );
  const ran = kept.filter((r): r is ExecResult => r !== undefined);
  const finished = kept.filter((r) => r?.exit._tag === 'exited').length;
  const codes = kept.map((r) => (r?.exit._tag === 'exited' ? r.exit.code : null));
  const combined = combineExitCodes(
    target.command,
    codes.filter((c): c is number => c !== null),
  );
  const failedToSpawn = ran.find((r) => r.exit._tag === 'spawn_failed');
  const crashed = ran.find((r) => r.exit._tag === 'signaled');
  const exit: ProcessExit = failedToSpawn?.exit ?? crashed?.exit ?? { _tag: 'exited', code: combined.code };
  const max = base.max_output_bytes ?? ctx.maxOutputBytes;
  const empty: CapturedText = { text: '', total_bytes: 0, dropped_bytes: 0 };
  return {
    _tag: 'ran',
    exit,
    stdout:
      ran.length > 0
        ? mergeCaptured(
            ran.map((r) => r.stdout),
            max,
          )
        : empty,
    stderr:
      ran.length > 0
        ? mergeCaptured(
            ran.map((r) => r.stderr),
            max,
          )
        : empty,
    summary: {
      total: chunks.length,
      finished,
      files: files.length,
      files_done: chunks.reduce((n, c, i) => n + (codes[i] !== null ? c.length : 0), 0),
      max_files_per_chunk: maxFiles,
      parallel,
      exit_codes: codes,
      exit_rule: combined.rule,
      partial: finished < chunks.length,
      missing: listed?.missing ?? [],
    },
  };
};
