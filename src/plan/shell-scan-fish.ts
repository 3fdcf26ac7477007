// The lexical context of each template position in a fish script: fish's single quotes (where `\'`
// and `\\` are escapes), double quotes (with `$(…)` inside since fish 3.4), command substitutions
// `(…)`, comments, and the words of each command (for `eval`, `fish -c` and the like).
import { reparseOf } from './shell-reparse.js';
import { ENV_HINT, reference, refused, type MarkedScript, type SlotVerdict } from './shell-slots.js';

type Frame =
  | { readonly k: 'cmd'; readonly close: ')' | 'end'; words: string[]; word: string; inWord: boolean }
  | { readonly k: 'dq' }
  | { readonly k: 'sq' }
  | { readonly k: 'comment' };

const RESERVED = new Set(['and', 'or', 'not', 'begin', 'if', 'else', 'while', 'end', 'time', '!']);

/** The verdict on each template position of a fish script, in order. */
export const scanFish = (script: MarkedScript): ReadonlyArray<SlotVerdict> => {
  const { text } = script;
  const slotSet = new Set(script.slots);
  const verdicts = new Map<number, SlotVerdict>();
  const stack: Frame[] = [{ k: 'cmd', close: 'end', words: [], word: '', inWord: false }];
  const top = (): Frame => stack[stack.length - 1]!;
  const cmds = (): Array<Extract<Frame, { k: 'cmd' }>> =>
    stack.filter((f): f is Extract<Frame, { k: 'cmd' }> => f.k === 'cmd');
  const addChar = (ch: string): void => {
    const c = cmds().pop()!;
    c.word += ch;
    c.inWord = true;
  };
  const endWord = (c: Extract<Frame, { k: 'cmd' }>): void => {
    if (!c.inWord) return;
    if (!(c.words.length === 0 && RESERVED.has(c.word))) c.words.push(c.word);
    c.word = '';
    c.inWord = false;
  };
  const endCommand = (c: Extract<Frame, { k: 'cmd' }>): void => {
    endWord(c);
    c.words = [];
  };
  const slot = (at: number, afterBackslash: boolean): void => {
    const f = top();
    let verdict: SlotVerdict = afterBackslash
      ? refused('right after a backslash', 'remove the backslash before the template')
      : f.k === 'dq'
        ? reference('double_quoted')
        : f.k === 'sq'
          ? reference('single_quoted')
          : f.k === 'comment'
            ? reference('comment')
            : reference('unquoted');
    for (const c of cmds()) {
      const r = reparseOf([...c.words, c.word], c.words.length);
      if (r !== undefined) {
        verdict = refused(
          `inside the code given to \`${r.by}\`, which parses it again`,
          `${ENV_HINT} (\`${r.by}\` inherits it)`,
        );
        break;
      }
    }
    verdicts.set(at, verdict);
    addChar('\uE000');
  };

  let i = 0;
  while (i < text.length) {
    const f = top();
    const ch = text[i]!;
    const next = text[i + 1];
    if (slotSet.has(i)) {
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
      if (slotSet.has(i + 1)) {
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
      endCommand(f);
      stack.pop();
      addChar(')');
      i++;
      continue;
    }
    if (ch === '|' || ch === ';' || ch === '&' || ch === '\n') {
      endCommand(f);
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord(f);
      i++;
      continue;
    }
    addChar(ch);
    i++;
  }
  return script.slots.map(
    (at) =>
      verdicts.get(at) ??
      refused(
        'where the shell syntax around it could not be followed',
        `check the quoting of the command; ${ENV_HINT}`,
      ),
  );
};
