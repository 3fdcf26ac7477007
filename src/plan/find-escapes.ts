// `find . \( -name a -o -name b \)` is how a shell user writes find's grouping; in a mission's
// `args` (no shell) the backslashes reach find, which then reads `\(` as a path. The roadmap's own
// cross-platform example is written this way, so for find — whose expression syntax is the only
// meaning those words can have — a whole argument `\(`, `\)`, `\!` or `\;` is passed unescaped.
import { effectiveCommand, programName } from './operations.js';

const ESCAPED: ReadonlyMap<string, string> = new Map([
  ['\\(', '('],
  ['\\)', ')'],
  ['\\!', '!'],
  ['\\;', ';'],
]);

/** `find`'s arguments with shell-escaped operators unescaped, and a note saying so; other commands unchanged. */
export const unescapeFindOperators = (
  command: string,
  args: ReadonlyArray<string>,
  shell: boolean | string = false,
): { readonly args: ReadonlyArray<string>; readonly note?: string } => {
  if (!args.some((a) => ESCAPED.has(a))) return { args };
  if ((shell !== false && shell !== '') || programName(effectiveCommand(command, args).command) !== 'find')
    return { args };
  const found = [...new Set(args.filter((a) => ESCAPED.has(a)))];
  return {
    args: args.map((a) => ESCAPED.get(a) ?? a),
    note: `find: ${found.map((a) => `\`${a}\``).join(', ')} written shell-escaped; passed to find as ${found.map((a) => `\`${ESCAPED.get(a)}\``).join(', ')} (no shell runs this step)`,
  };
};
