// Glob patterns for file sets (`files: {include, exclude}`) and for what commands skip (grep's
// `--include`, find's `-name`): a small matcher compiled to an automaton that runs in time
// proportional to (path length × pattern length) whatever the pattern (a RegExp would backtrack),
// the same on every platform (Node 20 has no `fs.glob`, and the pure core may not use it anyway).
//
// Syntax: `*` any run of characters but `/`; `?` one character but `/`; `[abc]`, `[a-z]`,
// `[!a]`/`[^a]` a class; `**` as a whole path segment: any number of segments (none included);
// `{a,b}` alternatives (nested allowed); `\x` the character x itself. A leading `*` matches a
// leading dot too, as in find and grep (not as in a shell).
//
// A pattern without `/` matches a file's base name at any depth (`*.go`, like `.gitignore` and
// grep's `--include`); a pattern with `/` matches the whole path relative to where the walk
// starts (`src/**/*.go`). A leading `./` or `/` is dropped.

import { globAutomaton, type GlobNode } from './glob-automaton.js';

/** A compiled glob. */
export interface Glob {
  readonly pattern: string;
  /** Whether it is matched against the base name (no `/` in the pattern) or the whole relative path. */
  readonly basename: boolean;
  /**
   * Tests a relative path written with `/` separators; `count.steps`, when given, grows by the
   * automaton states visited (at most (path length + 1) × states, whatever the pattern).
   */
  readonly test: (relativePath: string, count?: { steps: number }) => boolean;
}

/** The index of the `]` closing a class opened at `start`, or -1. */
const classEnd = (p: string, start: number): number => {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ']') return i;
  }
  return -1;
};

/** The index of the `}` closing a brace opened at `start` and its top-level commas, or undefined. */
const braceEnd = (p: string, start: number): { end: number; commas: number[] } | undefined => {
  let depth = 0;
  const commas: number[] = [];
  for (let i = start; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const e = classEnd(p, i);
      if (e > 0) i = e;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return commas.length > 0 ? { end: i, commas } : undefined;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return undefined;
};

const literal =
  (x: string) =>
  (c: string): boolean =>
    c === x;
const any = (): boolean => true;
const notSlash = (c: string): boolean => c !== '/';

/** The pattern as automaton pieces (see the syntax at the top of this file). */
const parse = (p: string): GlobNode[] => {
  const out: GlobNode[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      out.push({ _tag: 'char', test: literal(i + 1 < p.length ? p[++i]! : '\\') });
    } else if (c === '*') {
      if (p[i + 1] === '*' && (i === 0 || p[i - 1] === '/') && (i + 2 === p.length || p[i + 2] === '/')) {
        // `**/` is zero or more whole segments; a final `**` is everything below.
        out.push(i + 2 === p.length ? { _tag: 'run', test: any } : { _tag: 'segments' });
        i += 2;
      } else {
        while (p[i + 1] === '*') i++;
        out.push({ _tag: 'run', test: notSlash });
      }
    } else if (c === '?') {
      out.push({ _tag: 'char', test: notSlash });
    } else if (c === '[') {
      const end = classEnd(p, i);
      if (end < 0) {
        out.push({ _tag: 'char', test: literal('[') });
        continue;
      }
      let body = p.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const inner = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, (m) => `\\${m}`);
      // One character against one class: a RegExp without any repetition, so constant time.
      const re = new RegExp(negate ? `^[^/${inner}]$` : `^[${inner}]$`, 's');
      out.push({ _tag: 'char', test: (x) => re.test(x) });
      i = end;
    } else if (c === '{') {
      const brace = braceEnd(p, i);
      if (brace === undefined) {
        out.push({ _tag: 'char', test: literal('{') });
        continue;
      }
      const cuts = [i, ...brace.commas, brace.end];
      out.push({
        _tag: 'either',
        alternatives: cuts.slice(1).map((cut, k) => parse(p.slice(cuts[k]! + 1, cut))),
      });
      i = brace.end;
    } else {
      out.push({ _tag: 'char', test: literal(c) });
    }
  }
  return out;
};

/** Compiles a glob (see the syntax at the top of this file). */
export const compileGlob = (pattern: string): Glob => {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.startsWith('/')) p = p.slice(1);
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const basename = !p.includes('/');
  const automaton = globAutomaton(parse(p));
  return {
    pattern,
    basename,
    test: basename
      ? (path, count) => automaton.test(path.slice(path.lastIndexOf('/') + 1), count)
      : (path, count) => automaton.test(path.replace(/^(\.\/|\/)+/, ''), count),
  };
};

/** Whether `relativePath` matches `pattern`. Compile once with `compileGlob` when matching many paths. */
export const matchesGlob = (pattern: string, relativePath: string): boolean =>
  compileGlob(pattern).test(relativePath);

/** The directory a glob's matches all lie under (its segments before the first wildcard), or `''`. */
export const globBase = (pattern: string): string => {
  let p = pattern;
  while (p.startsWith('./')) p = p.slice(2);
  if (!p.includes('/')) return '';
  const segments = p.split('/');
  const fixed: string[] = [];
  for (const s of segments.slice(0, -1)) {
    if (/[*?[{\\]/.test(s)) break;
    fixed.push(s);
  }
  return fixed.join('/');
};

/** `*.GO` → `*.[gG][oO]`: find's `-iname` as a case-sensitive glob, so every matcher can read it. */
export const caseInsensitiveGlob = (pattern: string): string => {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[++i]!;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    out += !inClass && lower !== upper ? `[${lower}${upper}]` : c;
  }
  return out;
};
