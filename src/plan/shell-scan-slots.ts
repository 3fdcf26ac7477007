// What the sh, fish and PowerShell scanners do alike around the template positions they meet:
// which offsets hold a template, the verdict found for each (a position the scanner never reached,
// as it lost its way in malformed text, is refused), the refusal of a position in code another
// program parses again, and the words of the simple command being read.
import { reparseOf } from './shell-reparse.js';
import { ENV_HINT, refused, type MarkedScript, type SlotVerdict } from './shell-slots.js';

/** The verdicts of one scan, by template offset. */
export interface SlotBook {
  /** Whether a template stands at offset `at`. */
  readonly isSlot: (at: number) => boolean;
  readonly get: (at: number) => SlotVerdict | undefined;
  /** Records the verdict on the template at `at`, replacing any earlier one. */
  readonly set: (at: number, verdict: SlotVerdict) => void;
  /** The verdict on each template position, in order; `syntax` names the language in the refusal of one never reached. */
  readonly inOrder: (syntax: string) => ReadonlyArray<SlotVerdict>;
}

/** An empty book for the template positions of `script`. */
export const slotBook = (script: MarkedScript): SlotBook => {
  const slotSet = new Set(script.slots);
  const verdicts = new Map<number, SlotVerdict>();
  return {
    isSlot: (at) => slotSet.has(at),
    get: (at) => verdicts.get(at),
    set: (at, verdict) => {
      verdicts.set(at, verdict);
    },
    inOrder: (syntax) =>
      script.slots.map(
        (at) =>
          verdicts.get(at) ??
          refused(
            `where the ${syntax} syntax around it could not be followed`,
            `check the quoting of the command; ${ENV_HINT}`,
          ),
      ),
  };
};

/** The refusal of a template right after the shell's escape character (`backslash`, `backtick`). */
export const afterEscape = (escape: string): SlotVerdict =>
  refused(`right after a ${escape}`, `remove the ${escape} before the template`);

/** The words of a simple command being read: quotes removed, the current word last. */
export interface CommandWords {
  words: string[];
  word: string;
  inWord: boolean;
}

/** Adds a character to the current word. */
export const extendWord = (c: CommandWords, ch: string): void => {
  c.word += ch;
  c.inWord = true;
};

const NONE: ReadonlySet<string> = new Set();

/** Ends the current word; a `reserved` word opening the command (`if`, `not`) is not one of its words. */
export const endWord = (c: CommandWords, reserved: ReadonlySet<string> = NONE): void => {
  if (!c.inWord) return;
  if (!(c.words.length === 0 && reserved.has(c.word))) c.words.push(c.word);
  c.word = '';
  c.inWord = false;
};

/** Ends the command: its words are forgotten. */
export const endCommand = (c: CommandWords, reserved: ReadonlySet<string> = NONE): void => {
  endWord(c, reserved);
  c.words = [];
};

/**
 * The refusal of a template in the code some program parses again: the current word of any of
 * `commands` (outermost first) is code given to `eval`, `sh -c` and the like, or to a program
 * `alsoBy` names. `hint` says what to write instead, given that program.
 */
export const reparseRefusal = <C extends Readonly<Pick<CommandWords, 'words' | 'word'>>>(
  commands: ReadonlyArray<C>,
  hint: (by: string) => string,
  alsoBy: (command: C) => string | undefined = () => undefined,
): SlotVerdict | undefined => {
  for (const c of commands) {
    const by = reparseOf([...c.words, c.word], c.words.length)?.by ?? alsoBy(c);
    if (by !== undefined)
      return refused(`inside the code given to \`${by}\`, which parses it again`, hint(by));
  }
  return undefined;
};
