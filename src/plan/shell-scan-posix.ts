// The lexical context of each template position in a POSIX shell script (sh, dash, bash, zsh,
// ksh): a small scanner of the shell's quoting — quotes, `$'…'`, `$(…)`, backquotes, `${…}`,
// arithmetic, here-documents, comments — that also keeps the words of each simple command, so it
// can tell when a position lies in an argument another program parses again as code (`sh -c`,
// `eval`, a here-document fed to a shell). It never has to be perfect to keep values data: the
// references it chooses hold no value, only a variable's name.
import { readsCodeFromStdin } from './shell-reparse.js';
import { afterEscape, extendWord, reparseRefusal, slotBook } from './shell-scan-slots.js';
import {
  ENV_HINT,
  reference,
  refused,
  SLOT_CHAR,
  type MarkedScript,
  type SlotVerdict,
} from './shell-slots.js';

/** What the scanner needs to know about the shell. */
export interface PosixOptions {
  /** The shell reads `$'…'` as ANSI-C quoting (bash, zsh, ksh; not dash). */
  readonly ansiC: boolean;
}

interface Command {
  /** The words so far, quotes removed (expansions kept as written), redirections left out. */
  readonly words: string[];
  word: string;
  inWord: boolean;
  /** The word being read is the target of a redirection (`> file`), not an operand. */
  redirect: boolean;
  /** The word being read is a here-string (`<<< word`): the command's standard input. */
  herestring: boolean;
  /** Template positions in this command: offset, word index, whether `=` came first in the word. */
  readonly slots: Array<{ readonly at: number; readonly word: number; readonly afterEquals: boolean }>;
  /** Template positions in the here-string of this command. */
  readonly herestringSlots: number[];
  /** The here-documents this command reads. */
  readonly heredocs: Heredoc[];
  /** Template positions and here-documents of the earlier commands of the same pipeline. */
  pipeline: { readonly slots: ReadonlyArray<number>; readonly heredocs: ReadonlyArray<Heredoc> };
}

interface Heredoc {
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
  /** The program that runs the body as code (a shell it is fed to), once known. */
  reparsedBy: string | undefined;
}

type Frame =
  | {
      readonly k: 'cmd';
      readonly close: ')' | '`' | 'end';
      parens: number;
      cmd: Command;
      readonly nested: boolean;
    }
  | { readonly k: 'dq' }
  | { readonly k: 'sq' }
  | { readonly k: 'ansi' }
  | {
      readonly k: 'param';
      phase: 'start' | 'name' | 'subscript' | 'word' | 'pattern' | 'arith';
      readonly inDq: boolean;
      /** zsh's `${(e)…}` and kin: flags may evaluate the result as code. */
      flagged: boolean;
      braces: number;
    }
  | { readonly k: 'arith'; parens: number; readonly close: '))' | ']' }
  | { readonly k: 'heredoc'; readonly doc: Heredoc }
  | { readonly k: 'comment' };

const newCommand = (): Command => ({
  words: [],
  word: '',
  inWord: false,
  redirect: false,
  herestring: false,
  slots: [],
  herestringSlots: [],
  heredocs: [],
  pipeline: { slots: [], heredocs: [] },
});

// Words that start a command rather than being one.
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
  'esac',
]);
const NAME_TAKERS = new Set([
  'read',
  'unset',
  'declare',
  'typeset',
  'local',
  'export',
  'readonly',
  'mapfile',
  'readarray',
  'getopts',
  'let',
]);
// `[[ -v name ]]` and `printf -v name` read a variable name (bash evaluates its subscript).
const NAME_TESTS = new Set(['[[', '[', 'test', 'printf']);
const ARITH_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** The verdict on each template position of a POSIX shell script, in order. */
export const scanPosix = (script: MarkedScript, options: PosixOptions): ReadonlyArray<SlotVerdict> => {
  const { text } = script;
  const book = slotBook(script);
  const stack: Frame[] = [{ k: 'cmd', close: 'end', parens: 0, cmd: newCommand(), nested: false }];
  let pending: Heredoc[] = [];
  let lineStart = false;

  const top = (): Frame => stack[stack.length - 1]!;
  const cmdFrames = (): Array<Extract<Frame, { k: 'cmd' }>> =>
    stack.filter((f): f is Extract<Frame, { k: 'cmd' }> => f.k === 'cmd');
  const innerCmd = (): Extract<Frame, { k: 'cmd' }> => cmdFrames().pop()!;

  // Characters inside quotes or expansions belong to the word of the innermost command.
  const addChar = (ch: string): void => extendWord(innerCmd().cmd, ch);
  const endWord = (c: Command): void => {
    if (!c.inWord) return;
    const word = c.word;
    c.word = '';
    c.inWord = false;
    if (c.redirect) {
      c.redirect = false;
      return;
    }
    if (c.herestring) {
      c.herestring = false;
      return;
    }
    if (c.words.length === 0 && RESERVED.has(word) && !c.slots.some((s) => s.word === 0)) return;
    c.words.push(word);
  };
  const refuse = (at: number, where: string, hint: string): void => {
    book.set(at, refused(where, hint));
  };
  // Checks that need the whole simple command: arithmetic tests, variable names, code read from stdin.
  const endCommand = (f: Extract<Frame, { k: 'cmd' }>, pipe: boolean): void => {
    const c = f.cmd;
    endWord(c);
    const first = c.words[0] ?? '';
    // `let` evaluates each argument as arithmetic; so do the operands of -eq and its kin.
    const arithmeticTest =
      first === 'let' ||
      ((first === '[[' || first === '[' || first === 'test') && c.words.some((w) => ARITH_TESTS.has(w)));
    for (const s of c.slots) {
      const v = book.get(s.at);
      if (v?._tag !== 'reference') continue;
      if (arithmeticTest) book.set(s.at, reference(v.context, true));
      const prev = c.words[s.word - 1];
      const namePosition =
        (NAME_TAKERS.has(first) && s.word > 0 && !s.afterEquals) ||
        (NAME_TESTS.has(first) && (prev === '-v' || prev === '-R'));
      if (namePosition)
        refuse(
          s.at,
          `in a variable name given to \`${first}\``,
          "the shell evaluates subscripts in variable names (`a[$(…)]`); use a fixed name and pass the value through the step's `env:`",
        );
    }
    const stdinCode = readsCodeFromStdin(c.words);
    for (const doc of c.heredocs) doc.reparsedBy ??= stdinCode;
    if (stdinCode !== undefined) {
      const where = `in the standard input of \`${stdinCode}\`, which runs what it reads as code`;
      for (const at of [...c.pipeline.slots, ...c.herestringSlots]) refuse(at, where, ENV_HINT);
      for (const doc of c.pipeline.heredocs) doc.reparsedBy ??= stdinCode;
    }
    const carried = pipe
      ? {
          slots: [...c.pipeline.slots, ...c.slots.map((s) => s.at)],
          heredocs: [...c.pipeline.heredocs, ...c.heredocs],
        }
      : { slots: [], heredocs: [] };
    f.cmd = newCommand();
    f.cmd.pipeline = carried;
  };

  const contextVerdict = (f: Frame): SlotVerdict => {
    switch (f.k) {
      case 'cmd':
        return reference('unquoted');
      case 'dq':
        return reference('double_quoted');
      case 'sq':
        return reference('single_quoted');
      case 'ansi':
        return reference('ansi_c_quoted');
      case 'comment':
        return reference('comment');
      case 'heredoc':
        return f.doc.quoted
          ? refused(
              `in a here-document whose delimiter is quoted (<<'${f.doc.delimiter}'), where nothing is expanded`,
              `unquote the delimiter (<<${f.doc.delimiter}) so the value can be read there, or ${ENV_HINT}`,
            )
          : f.doc.reparsedBy !== undefined
            ? refused(`in a here-document that \`${f.doc.reparsedBy}\` runs as code`, ENV_HINT)
            : reference('heredoc');
      case 'param':
        if (f.flagged)
          return refused('in a `${(…)…}` expansion with zsh flags, which may evaluate it (`(e)`)', ENV_HINT);
        return f.phase === 'start' || f.phase === 'name' || f.phase === 'subscript'
          ? refused('in the name of a `${…}` expansion', `name the variable in the script and ${ENV_HINT}`)
          : f.phase === 'arith'
            ? reference('double_quoted', true)
            : f.phase === 'pattern'
              ? reference('pattern')
              : reference(f.inDq ? 'double_quoted' : 'unquoted');
      case 'arith':
        return reference('double_quoted', true);
    }
  };

  const slot = (at: number, afterBackslash: boolean): void => {
    let verdict = afterBackslash ? afterEscape('backslash') : contextVerdict(top());
    if (cmdFrames().some((c) => c.nested))
      verdict = refused('inside nested backquotes', 'write the inner command substitution as $(…)');
    // An argument that another program parses as code, at any depth of the current word.
    verdict =
      reparseRefusal(
        cmdFrames().map((cf) => cf.cmd),
        (by) =>
          `${ENV_HINT} (\`${by}\` inherits it); or pass the value as an argument after the script: \`sh -c 'echo "$1"' sh "{{ … }}"\``,
      ) ?? verdict;
    const inner = innerCmd().cmd;
    if (verdict._tag === 'reference' && /^[A-Za-z_][A-Za-z0-9_]*\[[^\]]*$/.test(inner.word))
      verdict = reference(verdict.context, true);
    book.set(at, verdict);
    if (inner.herestring) inner.herestringSlots.push(at);
    inner.slots.push({ at, word: inner.words.length, afterEquals: inner.word.includes('=') });
    addChar(SLOT_CHAR);
  };

  // Reads the delimiter word of a here-document starting at `i`; returns the index after it.
  const readHeredoc = (from: number, stripTabs: boolean, c: Command): number => {
    let i = from;
    while (text[i] === ' ' || text[i] === '\t') i++;
    let delimiter = '';
    let quoted = false;
    while (i < text.length && !/[\s;&|<>()]/.test(text[i]!)) {
      const ch = text[i]!;
      if (book.isSlot(i)) {
        refuse(i, 'in the delimiter of a here-document', 'write the delimiter as plain text');
        delimiter += ch;
        i++;
      } else if (ch === "'" || ch === '"') {
        quoted = true;
        const end = text.indexOf(ch, i + 1);
        const stop = end < 0 ? text.length : end;
        for (let k = i + 1; k < stop; k++)
          if (book.isSlot(k))
            refuse(k, 'in the delimiter of a here-document', 'write the delimiter as plain text');
        delimiter += text.slice(i + 1, stop);
        i = stop + 1;
      } else if (ch === '\\') {
        quoted = true;
        delimiter += text[i + 1] ?? '';
        i += 2;
      } else {
        delimiter += ch;
        i++;
      }
    }
    const doc: Heredoc = { delimiter, quoted, stripTabs, reparsedBy: undefined };
    pending.push(doc);
    c.heredocs.push(doc);
    return i;
  };

  let i = 0;
  while (i < text.length) {
    const f = top();
    const ch = text[i]!;
    const next = text[i + 1];
    if (f.k === 'heredoc' && lineStart) {
      lineStart = false;
      const eol = text.indexOf('\n', i);
      const line = text.slice(i, eol < 0 ? text.length : eol);
      if ((f.doc.stripTabs ? line.replace(/^\t+/, '') : line) === f.doc.delimiter) {
        stack.pop();
        i = eol < 0 ? text.length : eol + 1;
        lineStart = top().k === 'heredoc';
        continue;
      }
    }
    if (book.isSlot(i)) {
      slot(i, false);
      i++;
      continue;
    }
    if (f.k === 'sq') {
      if (ch === "'") stack.pop();
      else addChar(ch);
      i++;
      continue;
    }
    if (f.k === 'comment') {
      if (ch === '\n') stack.pop();
      else i++;
      continue;
    }
    // A backslash: the next character is taken literally (a template there is refused).
    if (ch === '\\' && !(f.k === 'heredoc' && f.doc.quoted)) {
      if (book.isSlot(i + 1)) {
        slot(i + 1, true);
        i += 2;
        continue;
      }
      if (f.k === 'cmd' && f.close === '`' && next === '`') {
        // A backquote escaped inside backquotes opens (or closes) a nested substitution.
        if (f.nested) {
          endCommand(f, false);
          stack.pop();
        } else stack.push({ k: 'cmd', close: '`', parens: 0, cmd: newCommand(), nested: true });
        i += 2;
        continue;
      }
      if (next !== '\n') addChar(next ?? '');
      i += 2;
      continue;
    }
    if (f.k === 'ansi') {
      if (ch === "'") stack.pop();
      else addChar(ch);
      i++;
      continue;
    }
    if (f.k === 'heredoc') {
      if (ch === '\n') lineStart = true;
      else if (!f.doc.quoted && ch === '$' && (next === '(' || next === '{' || next === '[')) {
        i = openDollar(i);
        continue;
      } else if (!f.doc.quoted && ch === '`')
        stack.push({ k: 'cmd', close: '`', parens: 0, cmd: newCommand(), nested: false });
      i++;
      continue;
    }
    // `$(`, `$((`, `${`, `$[` open their contexts wherever expansions happen.
    if (ch === '$' && (next === '(' || next === '{' || next === '[')) {
      i = openDollar(i);
      continue;
    }
    if (ch === '`') {
      if (f.k === 'cmd' && f.close === '`' && !f.nested) {
        endCommand(f, false);
        stack.pop();
        addChar('`');
      } else {
        addChar('`');
        stack.push({ k: 'cmd', close: '`', parens: 0, cmd: newCommand(), nested: false });
      }
      i++;
      continue;
    }
    if (f.k === 'dq') {
      if (ch === '"') stack.pop();
      else addChar(ch);
      i++;
      continue;
    }
    if (f.k === 'arith') {
      if (f.close === ']' && ch === ']') stack.pop();
      else if (ch === '(') f.parens++;
      else if (ch === ')') {
        if (f.parens === 0 && next === ')') {
          stack.pop();
          i += 2;
          continue;
        }
        f.parens--;
      }
      addChar(ch);
      i++;
      continue;
    }
    if (f.k === 'param') {
      i = paramChar(f, i);
      continue;
    }
    // The unquoted level of a command.
    const c = f.cmd;
    if (ch === "'" || ch === '"') {
      c.inWord = true;
      stack.push(ch === "'" ? { k: 'sq' } : { k: 'dq' });
      i++;
      continue;
    }
    if (ch === '$' && next === "'" && options.ansiC) {
      c.inWord = true;
      stack.push({ k: 'ansi' });
      i += 2;
      continue;
    }
    if (ch === '#' && !c.inWord) {
      stack.push({ k: 'comment' });
      i++;
      continue;
    }
    if (ch === '(' && !c.inWord && c.words.length === 0 && next === '(') {
      stack.push({ k: 'arith', parens: 0, close: '))' });
      i += 2;
      continue;
    }
    if (ch === '<' && next === '<' && text[i + 2] === '<') {
      endWord(c);
      c.herestring = true;
      i += 3;
      while (text[i] === ' ' || text[i] === '\t') i++;
      continue;
    }
    if (ch === '<' && next === '<') {
      endWord(c);
      const strip = text[i + 2] === '-';
      i = readHeredoc(i + (strip ? 3 : 2), strip, c);
      continue;
    }
    if (ch === '<' || ch === '>') {
      // A redirection: a file-descriptor number before it and the target after it are not operands.
      if (c.inWord && /^[0-9]*$/.test(c.word)) {
        c.word = '';
        c.inWord = false;
      } else endWord(c);
      i++;
      while (i < text.length && /[<>&|]/.test(text[i]!) && !book.isSlot(i)) i++;
      while (text[i] === ' ' || text[i] === '\t') i++;
      c.redirect = true;
      c.inWord = false;
      continue;
    }
    if (ch === ')' && f.close === ')' && f.parens === 0) {
      endCommand(f, false);
      stack.pop();
      addChar(')');
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      f.parens += ch === '(' ? 1 : -1;
      endCommand(f, false);
      i++;
      continue;
    }
    if (ch === '|' || ch === ';' || ch === '&' || ch === '\n') {
      const double = (ch === '|' || ch === '&' || ch === ';') && next === ch;
      const pipe = ch === '|' && !double;
      endCommand(f, pipe);
      i += double || (ch === '|' && next === '&') ? 2 : 1;
      if (ch === '\n' && pending.length > 0) {
        for (const doc of [...pending].reverse()) stack.push({ k: 'heredoc', doc });
        pending = [];
        lineStart = true;
      }
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord(c);
      i++;
      continue;
    }
    addChar(ch);
    i++;
  }
  for (const f of cmdFrames().reverse()) endCommand(f, false);
  return book.inOrder('shell');

  // `$(`, `$((`, `${`, `$[` at `at`; returns the index after the opener.
  function openDollar(at: number): number {
    const after = text[at + 1];
    const inDq = stack.some((f) => f.k === 'dq' || f.k === 'heredoc');
    addChar('$');
    if (after === '(' && text[at + 2] === '(') {
      stack.push({ k: 'arith', parens: 0, close: '))' });
      return at + 3;
    }
    if (after === '(') {
      stack.push({ k: 'cmd', close: ')', parens: 0, cmd: newCommand(), nested: false });
      return at + 2;
    }
    if (after === '[') {
      stack.push({ k: 'arith', parens: 0, close: ']' });
      return at + 2;
    }
    stack.push({ k: 'param', phase: 'start', inDq, braces: 0, flagged: false });
    return at + 2;
  }

  // One character inside `${…}`; returns the index after it.
  function paramChar(f: Extract<Frame, { k: 'param' }>, at: number): number {
    const ch = text[at]!;
    const next = text[at + 1];
    addChar(ch);
    if (f.phase === 'start') {
      f.phase = 'name';
      if (ch === '#' || ch === '!') return at + 1;
      if (ch === '(') {
        f.flagged = true;
        const end = text.indexOf(')', at);
        for (let k = at; k < (end < 0 ? text.length : end); k++)
          if (book.isSlot(k)) refuse(k, 'in the flags of a `${(…)…}` expansion', ENV_HINT);
        return end < 0 ? text.length : end + 1;
      }
    }
    if (f.phase === 'subscript') {
      if (ch === ']') f.phase = 'name';
      return at + 1;
    }
    if (f.phase === 'name') {
      if (ch === '}') {
        stack.pop();
        return at + 1;
      }
      if (/[A-Za-z0-9_@*$!]/.test(ch)) return at + 1;
      if (ch === '[') {
        // An array subscript is arithmetic, part of the name.
        f.phase = 'subscript';
        return at + 1;
      }
      if (ch === ':') {
        if (next !== undefined && '-=?+'.includes(next)) {
          f.phase = 'word';
          return at + 2;
        }
        f.phase = 'arith';
        return at + 1;
      }
      f.phase = '-=?+'.includes(ch) ? 'word' : 'pattern';
      return at + 1;
    }
    if (ch === '}' && f.braces === 0) {
      stack.pop();
      return at + 1;
    }
    if (ch === '{') f.braces++;
    if (ch === '}') f.braces--;
    if (ch === '"') stack.push({ k: 'dq' });
    // Inside "${x:-…}", a single quote is an ordinary character; in a pattern, or unquoted, it quotes.
    if (ch === "'" && !(f.inDq && f.phase === 'word')) stack.push({ k: 'sq' });
    return at + 1;
  }
};
