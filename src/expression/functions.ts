// The functions a condition may call: string and list tests, and GitHub's status functions.
import { BOOLEAN, LIST, NULL, NUMBER, REGEX, STRING, type TypeSet } from './types.js';

/** The status functions, whose presence replaces the default "dependencies succeeded" gate. */
export type StatusFunction = 'success' | 'failure' | 'always' | 'cancelled';

/** One function's signature. */
export interface FunctionSignature {
  readonly params: ReadonlyArray<{ readonly name: string; readonly type: TypeSet }>;
  readonly status: boolean;
  /** One line for error hints. */
  readonly usage: string;
}

const text = { name: 'text', type: STRING };

/** Every function, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  [
    'contains',
    {
      params: [
        { name: 'text or list', type: STRING | LIST },
        { name: 'value', type: STRING | NUMBER | BOOLEAN | NULL },
      ],
      status: false,
      usage: "contains(steps.build.stdout, 'warning') or contains(steps.list.output.names, 'api')",
    },
  ],
  [
    'startsWith',
    {
      params: [text, { name: 'prefix', type: STRING }],
      status: false,
      usage: "startsWith(variables.branch, 'release/')",
    },
  ],
  [
    'endsWith',
    {
      params: [text, { name: 'suffix', type: STRING }],
      status: false,
      usage: "endsWith(variables.file, '.tar.gz')",
    },
  ],
  [
    'matches',
    {
      params: [text, { name: 'pattern', type: REGEX }],
      status: false,
      usage: 'matches(variables.tag, /^v\\d+\\.\\d+/)',
    },
  ],
  ['success', { params: [], status: true, usage: 'success()' }],
  ['failure', { params: [], status: true, usage: 'failure()' }],
  ['always', { params: [], status: true, usage: 'always()' }],
  ['cancelled', { params: [], status: true, usage: 'cancelled()' }],
]);

/** The function of this name, looked up among own entries only. */
export const functionNamed = (name: string): FunctionSignature | undefined => FUNCTIONS.get(name);
