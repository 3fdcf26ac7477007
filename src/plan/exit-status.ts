// One exit code for a command that ran once per chunk, with the command's own meaning: for grep,
// "matched in any chunk" is 0, "matched in none" is 1 and "an error anywhere" is 2 — so a chunked
// step passes and fails exactly when the single run would have.
import { MATCH_PROGRAMS, programName } from './operations.js';

/** How the chunks' exit codes were combined. */
export type ExitRule = 'match' | 'all_zero';

/** Combines the exit codes of a command's chunks, in chunk order. An empty list is one run over no files. */
export const combineExitCodes = (
  command: string,
  codes: ReadonlyArray<number>,
): { readonly code: number; readonly rule: ExitRule } => {
  if (MATCH_PROGRAMS.has(programName(command))) {
    // An error wins (grep exits 2 on an error even when it matched elsewhere); else a match anywhere.
    const error = codes.find((c) => c >= 2);
    if (error !== undefined) return { code: error, rule: 'match' };
    return { code: codes.includes(0) ? 0 : 1, rule: 'match' };
  }
  return { code: codes.find((c) => c !== 0) ?? 0, rule: 'all_zero' };
};
