// The lexical context of each template position in a fish script: fish's single quotes (where `\'`
// and `\\` are escapes), double quotes (with `$(…)` inside since fish 3.4), command substitutions
// `(…)`, comments, and the words of each command (for `eval`, `fish -c` and the like).
import {
  afterEscape,
  endCommand,
  endWord,
  extendWord,
  reparseRefusal,
  slotBook,
  type CommandWords,
} from './shell-scan-slots.js';
import { ENV_HINT, reference, SLOT_CHAR, type MarkedScript, type SlotVerdict } from './shell-slots.js';

type Frame =
  | ({ readonly k: 'cmd'; readonly close: ')' | 'end' } & CommandWords)
  | { readonly k: 'dq' }
  | { readonly k: 'sq' }
  | { readonly k: 'comment' };

const RESERVED = new Set(['and', 'or', 'not', 'begin', 'if', 'else', 'while', 'end', 'time', '!']);

/** The verdict on each template position of a fish script, in order. */
export const scanFish = (script: MarkedScript): ReadonlyArray<SlotVerdict> => {
  const { text } = script;
  const book = slotBook(script);
  const stack: Frame[] = [{ k: 'cmd', close: 'end', words: [], word: '', inWord: false }];
  const top = (): Frame => stack[stack.length - 1]!;
  const cmds = (): Array<Extract<Frame, { k: 'cmd' }>> =>
    stack.filter((f): f is Extract<Frame, { k: 'cmd' }> => f.k === 'cmd');
  const addChar = (ch: string): void => extendWord(cmds().pop()!, ch);
  const slot = (at: number, afterBackslash: boolean): void => {
    const f = top();
    const verdict: SlotVerdict = afterBackslash
      ? afterEscape('backslash')
      : f.k === 'dq'
        ? reference('double_quoted')
        : f.k === 'sq'
          ? reference('single_quoted')
          : f.k === 'comment'
            ? reference('comment')
            : reference('unquoted');
    book.set(at, reparseRefusal(cmds(), (by) => `${ENV_HINT} (\`${by}\` inherits it)`) ?? verdict);
    addChar(SLOT_CHAR);
  };

  let i = 0;
  while (i < text.length) {
    const f = top();
    const ch = text[i]!;
    const next = text[i + 1];
    if (book.isSlot(i)) {
      slot(i, false);
      i++;
      continue;
    }
    if (f.k === 'comment') {
      if (ch === '\n') stack.pop();
      else i++;
      continue;
    }
    if (f.k === 'sq') {
      if (ch === '\\' && (next === "'" || next === '\\')) {
        addChar(next);
        i += 2;
      } else {
        if (ch === "'") stack.pop();
        else addChar(ch);
        i++;
      }
      continue;
    }
    if (ch === '\\') {
      if (book.isSlot(i + 1)) {
        slot(i + 1, true);
        i += 2;
        continue;
      }
      if (next !== '\n') addChar(next ?? '');
      i += 2;
      continue;
    }
    if (f.k === 'dq') {
      if (ch === '"') stack.pop();
      else if (ch === '$' && next === '(') {
        addChar('$');
        stack.push({ k: 'cmd', close: ')', words: [], word: '', inWord: false });
        i += 2;
        continue;
      } else addChar(ch);
      i++;
      continue;
    }
    // The unquoted level of a command.
    if (ch === "'" || ch === '"') {
      f.inWord = true;
      stack.push(ch === "'" ? { k: 'sq' } : { k: 'dq' });
      i++;
      continue;
    }
    if (ch === '#' && !f.inWord) {
      stack.push({ k: 'comment' });
      i++;
      continue;
    }
    if (ch === '(' || (ch === '$' && next === '(')) {
      addChar(ch);
      stack.push({ k: 'cmd', close: ')', words: [], word: '', inWord: false });
      i += ch === '$' ? 2 : 1;
      continue;
    }
    if (ch === ')' && f.close === ')') {
      endCommand(f, RESERVED);
      stack.pop();
      addChar(')');
      i++;
      continue;
    }
    if (ch === '|' || ch === ';' || ch === '&' || ch === '\n') {
      endCommand(f, RESERVED);
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord(f, RESERVED);
      i++;
      continue;
    }
    addChar(ch);
    i++;
  }
  return book.inOrder('shell');
};
