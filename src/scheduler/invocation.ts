// What a step runs, in one line for people: the command as planned (templates unexpanded, so a
// secret given through `{{ … }}` never appears) or an HTTP request's method and URL.
import type { PlannedStep } from '../plan/plan.js';

// Words a POSIX shell reads as they are; anything else is shown single-quoted.
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

const quoted = (word: string): string => (PLAIN_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The command or request of a planned step, or undefined for a step type without one. */
export const invocationOf = (planned: PlannedStep): string | undefined => {
  const c = planned.command;
  if (c !== undefined) {
    if (c.command === undefined) return undefined;
    // A shell command is one script: shown as written.
    if (c.shell !== false && c.args.length === 0) return c.command;
    return [c.command, ...c.args].map(quoted).join(' ');
  }
  const p = planned.step.parameters;
  if (planned.step.step_type === 'http' && typeof p.url === 'string')
    return `${typeof p.method === 'string' ? p.method : 'GET'} ${p.url}`;
  return undefined;
};
