// A glob compiled to a nondeterministic automaton and run on every state at once (Thompson's
// construction), so matching costs at most (path length + 1) × (states) steps whatever the
// pattern: a backtracking RegExp takes exponential time on `*a*a*a*a*a*a*a*a*a*a*b` against a run
// of `a`s, and a glob may come from a mission file.

/** One piece of a parsed glob. */
export type GlobNode =
  | { readonly _tag: 'char'; readonly test: (c: string) => boolean }
  /** Any run of characters `test` accepts (`*`: all but `/`; a final `**`: all). */
  | { readonly _tag: 'run'; readonly test: (c: string) => boolean }
  /** Zero or more whole segments, each ending in `/` (a `**` segment followed by more). */
  | { readonly _tag: 'segments' }
  | { readonly _tag: 'either'; readonly alternatives: ReadonlyArray<ReadonlyArray<GlobNode>> };

type State =
  | { readonly _tag: 'char'; readonly test: (c: string) => boolean; next: number }
  | { readonly _tag: 'split'; readonly outs: number[] }
  | { readonly _tag: 'match' };

/** A compiled automaton. */
export interface GlobAutomaton {
  /** Whether the whole of `text` matches; `count.steps` (when given) grows by the states visited. */
  readonly test: (text: string, count?: { steps: number }) => boolean;
}

const notSlash = (c: string): boolean => c !== '/';
const isSlash = (c: string): boolean => c === '/';

/** Builds the automaton for a sequence of nodes that must match the whole text. */
export const globAutomaton = (nodes: ReadonlyArray<GlobNode>): GlobAutomaton => {
  const states: State[] = [{ _tag: 'match' }];
  const add = (s: State): number => states.push(s) - 1;

  // Continuation style: each piece is compiled knowing the state that follows it.
  const sequence = (seq: ReadonlyArray<GlobNode>, next: number): number => {
    let at = next;
    for (let i = seq.length - 1; i >= 0; i--) at = node(seq[i]!, at);
    return at;
  };
  const node = (n: GlobNode, next: number): number => {
    switch (n._tag) {
      case 'char':
        return add({ _tag: 'char', test: n.test, next });
      case 'run': {
        const loop = add({ _tag: 'split', outs: [] });
        (states[loop] as { outs: number[] }).outs.push(add({ _tag: 'char', test: n.test, next: loop }), next);
        return loop;
      }
      case 'segments': {
        // (non-slash* '/')*: the outer loop chooses another segment or the rest.
        const outer = add({ _tag: 'split', outs: [] });
        const inner = add({ _tag: 'split', outs: [] });
        (states[inner] as { outs: number[] }).outs.push(
          add({ _tag: 'char', test: notSlash, next: inner }),
          add({ _tag: 'char', test: isSlash, next: outer }),
        );
        (states[outer] as { outs: number[] }).outs.push(inner, next);
        return outer;
      }
      case 'either':
        return add({ _tag: 'split', outs: n.alternatives.map((alt) => sequence(alt, next)) });
    }
  };
  const start = sequence(nodes, 0);

  return {
    test: (text, count) => {
      // Each state enters a set at most once per position (`mark`), so one position costs at most
      // the number of states, including the splits followed without consuming a character.
      const mark = new Int32Array(states.length).fill(-1);
      let current: number[] = [];
      let steps = 0;
      const enter = (set: number[], s: number, generation: number): void => {
        const stack = [s];
        while (stack.length > 0) {
          const k = stack.pop()!;
          if (mark[k] === generation) continue;
          mark[k] = generation;
          steps++;
          const st = states[k]!;
          if (st._tag === 'split') for (let j = st.outs.length - 1; j >= 0; j--) stack.push(st.outs[j]!);
          else set.push(k);
        }
      };
      enter(current, start, 0);
      for (let i = 0; i < text.length && current.length > 0; i++) {
        const c = text[i]!;
        const next: number[] = [];
        for (const k of current) {
          steps++;
          const st = states[k]!;
          if (st._tag === 'char' && st.test(c)) enter(next, st.next, i + 1);
        }
        current = next;
      }
      if (count !== undefined) count.steps += steps;
      return current.includes(0);
    },
  };
};
