// Chunked processing: a file set split into chunks by count and by the platform's limit on the
// length of a command line, and each chunk's files put where the command reads them — a `{files}`
// placeholder, else the command's own path operands, else appended.
import { utf8Length } from '../mission/utf8-length.js';
import type { CommandReads } from './command-reads.js';
import type { OsInfo } from './platform.js';
import { unreachable } from '../unreachable.js';

/** An argument exactly `{files}` receives a chunk's files, one argument each. */
export const FILES_PLACEHOLDER = '{files}';

/** The most a chunk's command line may take, and why. */
export interface ArgumentLimit {
  /** In the unit `argumentCost` counts: bytes on Unix, UTF-16 code units on Windows. */
  readonly size: number;
  readonly explanation: string;
}

/**
 * The command-line budget of one chunk. Unix: 128 KiB, what GNU xargs uses (Linux allows 2 MiB
 * for arguments and environment together, and 128 KiB for any single argument; macOS 1 MiB).
 * Windows: 32,000 code units, under CreateProcess's 32,767 for the whole command line.
 */
export const argumentLimit = (info: OsInfo): ArgumentLimit =>
  info.family === 'windows'
    ? { size: 32_000, explanation: 'Windows command lines are limited to 32,767 characters' }
    : { size: 128 * 1024, explanation: 'a 128 KiB command line, as GNU xargs uses' };

/** What one argument costs against the limit: its bytes, NUL and argv pointer (Unix); its characters, quotes and space (Windows). */
export const argumentCost = (arg: string, info: OsInfo): number =>
  info.family === 'windows' ? arg.length + 3 : utf8Length(arg) + 1 + 8;

/** Splits files into chunks of at most `maxFiles` files and at most `maxSize` of argument cost, keeping their order. */
export const chunkFiles = (
  files: ReadonlyArray<string>,
  maxFiles: number,
  maxSize: number,
  info: OsInfo,
): ReadonlyArray<ReadonlyArray<string>> => {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const f of files) {
    const cost = argumentCost(f, info);
    if (current.length > 0 && (current.length >= maxFiles || size + cost > maxSize)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    // A file too long for any chunk still gets one of its own: the spawn then says why it failed.
    current.push(f);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

/** Where a chunk's files go in the arguments. */
export type Placement =
  | { readonly _tag: 'placeholder'; readonly index: number }
  | { readonly _tag: 'operands'; readonly indices: ReadonlyArray<number> }
  | { readonly _tag: 'insert'; readonly at: number };

/** Where a chunk's files go, or why they cannot go anywhere. */
export const placementOf = (
  args: ReadonlyArray<string>,
  reads: CommandReads,
): Placement | { readonly _tag: 'error'; readonly message: string; readonly hint: string } => {
  const index = args.indexOf(FILES_PLACEHOLDER);
  if (index >= 0) {
    if (args.indexOf(FILES_PLACEHOLDER, index + 1) >= 0)
      return {
        _tag: 'error',
        message: '`{files}` appears more than once in `args`',
        hint: 'keep one `{files}`: it receives the chunk’s files, one argument each',
      };
    return { _tag: 'placeholder', index };
  }
  const embedded = args.find((a) => a.includes(FILES_PLACEHOLDER));
  if (embedded !== undefined)
    return {
      _tag: 'error',
      message: `\`{files}\` must be a whole argument, found inside ${JSON.stringify(embedded)}`,
      hint: 'write `{files}` as an argument of its own; it expands to one argument per file',
    };
  if (reads.operands.length > 0) return { _tag: 'operands', indices: reads.operands };
  return { _tag: 'insert', at: Math.min(reads.insert_at, args.length) };
};

/** The arguments for one chunk: the files in place, and the command's chunk flags (grep's `-H`) first. */
export const argsForChunk = (
  args: ReadonlyArray<string>,
  placement: Placement,
  files: ReadonlyArray<string>,
  flags: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  let out: string[];
  switch (placement._tag) {
    case 'placeholder':
      out = [...args.slice(0, placement.index), ...files, ...args.slice(placement.index + 1)];
      break;
    case 'operands': {
      const drop = new Set(placement.indices);
      const first = Math.min(...placement.indices);
      out = [];
      args.forEach((a, i) => {
        if (i === first) out.push(...files);
        if (!drop.has(i)) out.push(a);
      });
      break;
    }
    case 'insert':
      out = [...args.slice(0, placement.at), ...files, ...args.slice(placement.at)];
      break;
    default:
      return unreachable(placement);
  }
  return flags.length > 0 ? [...flags, ...out] : out;
};

/** The argument cost of everything but the files: what each chunk's files must fit beside. */
export const fixedCost = (
  command: string,
  args: ReadonlyArray<string>,
  placement: Placement,
  flags: ReadonlyArray<string>,
  info: OsInfo,
): number => {
  const skip = new Set(
    placement._tag === 'placeholder'
      ? [placement.index]
      : placement._tag === 'operands'
        ? placement.indices
        : [],
  );
  let size = argumentCost(command, info);
  args.forEach((a, i) => {
    if (!skip.has(i)) size += argumentCost(a, info);
  });
  for (const f of flags) size += argumentCost(f, info);
  return size;
};
