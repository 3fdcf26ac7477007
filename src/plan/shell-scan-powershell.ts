// The lexical context of each template position in a PowerShell script. A reference to an
// environment variable works inside an expandable string ("…" or an @"…"@ here-string) and as a
// whole argument; PowerShell has no way to close a single-quoted string around a reference in
// argument mode, and a reference glued to other text may be read as member access (`$x.txt`), so
// those positions are refused with the rewrite. Typographic quotes count as quotes, as in PowerShell.
import {
  afterEscape,
  endCommand,
  endWord,
  extendWord,
  reparseRefusal,
  slotBook,
  type CommandWords,
} from './shell-scan-slots.js';
import {
  ENV_HINT,
  reference,
  refused,
  SLOT_CHAR,
  type MarkedScript,
  type SlotVerdict,
} from './shell-slots.js';

type Frame =
  | ({
      readonly k: 'cmd';
      readonly close: ')' | '}' | 'end';
      parens: number;
      readonly opener: string;
    } & CommandWords)
  | { readonly k: 'dq' }
  | { readonly k: 'sq' }
  | { readonly k: 'here_dq' }
  | { readonly k: 'here_sq' }
  | { readonly k: 'comment'; readonly block: boolean };

const SQ = "'\u2018\u2019\u201a\u201b";
const DQ = '"\u201c\u201d\u201e';
// Methods that turn a string into code.
const CODE_METHODS =
  /(::create|\.create|expandstring|invokescript|newscriptblock|invoke-expression|iex)\s*$/i;

const WORD_BEFORE = /^$|[\s(,;|={]$/;
const WORD_AFTER = /^$|^[\s),;|}]/;

/** The verdict on each template position of a PowerShell script, in order. */
export const scanPowerShell = (script: MarkedScript): ReadonlyArray<SlotVerdict> => {
  const { text } = script;
  const book = slotBook(script);
  const stack: Frame[] = [
    { k: 'cmd', close: 'end', parens: 0, words: [], word: '', inWord: false, opener: '' },
  ];
  const top = (): Frame => stack[stack.length - 1]!;
  const cmds = (): Array<Extract<Frame, { k: 'cmd' }>> =>
    stack.filter((f): f is Extract<Frame, { k: 'cmd' }> => f.k === 'cmd');
  const addChar = (ch: string): void => extendWord(cmds().pop()!, ch);
  const push = (close: ')' | '}', at: number): void => {
    stack.push({
      k: 'cmd',
      close,
      parens: 0,
      words: [],
      word: '',
      inWord: false,
      opener: text.slice(Math.max(0, at - 40), at),
    });
  };
  const slot = (at: number, afterBacktick: boolean): void => {
    const f = top();
    let verdict: SlotVerdict;
    if (afterBacktick) verdict = afterEscape('backtick');
    else
      switch (f.k) {
        case 'dq':
        case 'here_dq':
          verdict = reference('double_quoted');
          break;
        case 'sq':
        case 'here_sq':
          verdict = refused(
            'inside a single-quoted PowerShell string, which no reference can be placed in',
            `use a double-quoted string ("…{{ … }}…"), or ${ENV_HINT.replace('$VALUE', '$env:VALUE')}`,
          );
          break;
        case 'comment':
          verdict = reference('comment');
          break;
        case 'cmd':
          verdict =
            WORD_BEFORE.test(text.slice(at - 1, at)) && WORD_AFTER.test(text.slice(at + 1, at + 2))
              ? reference('unquoted')
              : refused(
                  'glued to other text outside quotes, where PowerShell may read what follows as a member (`$x.txt`)',
                  'put the whole word in double quotes: "{{ … }}.txt"',
                );
          break;
      }
    const reparsed = reparseRefusal(
      cmds(),
      () => ENV_HINT.replace('$VALUE', '$env:VALUE'),
      (c) => (CODE_METHODS.test(c.opener) ? 'a method that makes code of a string' : undefined),
    );
    book.set(at, reparsed ?? verdict);
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
    switch (f.k) {
      case 'comment':
        if (f.block ? ch === '#' && next === '>' : ch === '\n') stack.pop();
        i += f.block && ch === '#' && next === '>' ? 2 : f.block ? 1 : ch === '\n' ? 0 : 1;
        continue;
      case 'sq':
        if (SQ.includes(ch) && SQ.includes(next ?? '')) i += 2;
        else {
          if (SQ.includes(ch)) stack.pop();
          else addChar(ch);
          i++;
        }
        continue;
      case 'here_sq':
        if (ch === '\n' && SQ.includes(next ?? '') && text[i + 2] === '@') {
          stack.pop();
          i += 3;
        } else i++;
        continue;
      case 'dq':
      case 'here_dq':
      case 'cmd':
        break;
    }
    if (ch === '`') {
      if (book.isSlot(i + 1)) {
        slot(i + 1, true);
        i += 2;
        continue;
      }
      addChar(next ?? '');
      i += 2;
      continue;
    }
    if (f.k === 'dq' || f.k === 'here_dq') {
      if (f.k === 'here_dq' && ch === '\n' && DQ.includes(next ?? '') && text[i + 2] === '@') {
        stack.pop();
        i += 3;
      } else if (f.k === 'dq' && DQ.includes(ch) && DQ.includes(next ?? '')) i += 2;
      else if (f.k === 'dq' && DQ.includes(ch)) {
        stack.pop();
        i++;
      } else if (ch === '$' && next === '(') {
        addChar('$');
        push(')', i);
        i += 2;
      } else {
        addChar(ch);
        i++;
      }
      continue;
    }
    // A statement.
    if (
      ch === '@' &&
      (DQ.includes(next ?? '') || SQ.includes(next ?? '')) &&
      /^[ \t]*\r?\n/.test(text.slice(i + 2))
    ) {
      f.inWord = true;
      stack.push(DQ.includes(next!) ? { k: 'here_dq' } : { k: 'here_sq' });
      i += 2;
      continue;
    }
    if (SQ.includes(ch) || DQ.includes(ch)) {
      f.inWord = true;
      stack.push(SQ.includes(ch) ? { k: 'sq' } : { k: 'dq' });
      i++;
      continue;
    }
    if (ch === '<' && next === '#') {
      stack.push({ k: 'comment', block: true });
      i += 2;
      continue;
    }
    if (ch === '#' && !f.inWord) {
      stack.push({ k: 'comment', block: false });
      i++;
      continue;
    }
    if (ch === '(' || ch === '{') {
      addChar(ch);
      push(ch === '(' ? ')' : '}', i);
      i++;
      continue;
    }
    if ((ch === ')' || ch === '}') && f.close === ch) {
      endCommand(f);
      stack.pop();
      addChar(ch);
      i++;
      continue;
    }
    if (ch === '|' || ch === ';' || ch === '&' || ch === '\n') {
      endCommand(f);
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === ',') {
      endWord(f);
      i++;
      continue;
    }
    addChar(ch);
    i++;
  }
  return book.inOrder('PowerShell');
};
