// A problem found before it has a place in the text: the parser's stages report drafts by path,
// and parse.ts turns each into a MissionError once, with file, line and column looked up.
import type { MissionError } from './errors.js';
import type { Path } from './path.js';

/**
 * A MissionError still addressed by path segments; `at: 'key'` points at the key rather than its
 * value. A draft that already knows its place (a YAML syntax error) carries `position` itself.
 */
export type Draft = Omit<MissionError, 'file' | 'path'> & {
  readonly path: Path;
  readonly at?: 'key' | 'value';
  /** Text inside the value to put the column on (`${name}` in a long path), when it is on the value's first line. */
  readonly pointAt?: string;
  /** The character the problem is about inside a string value (an `if:` expression): the value read, and the offset in it. */
  readonly inValue?: { readonly value: string; readonly offset: number };
};

/** An error-severity draft. */
export const error = (d: Omit<Draft, 'severity'>): Draft => ({ ...d, severity: 'error' });

/** A warning-severity draft: reported, but the mission still loads. */
export const warning = (d: Omit<Draft, 'severity'>): Draft => ({ ...d, severity: 'warning' });
