// Specific help for the mistakes real RustChain missions make (see the corpus): planning
// documents handed to the engine, `command:` written on the step instead of under `parameters:`,
// `timeout:` for `timeout_seconds:`, and the names people reach for from other tools.
import type { StepTypeRegistry } from '../ports/step-type.js';
import { error, warning, type Draft } from './draft.js';
import type { Path } from './path.js';
import { renderValue } from './render-value.js';
import { splitShellWords } from './shell-hints.js';
import { suggest } from './suggest.js';

/** Keys of the ad-hoc planning format (contextlite's mission stacks) that missionkit does not read. */
export const PLANNING_KEYS: ReadonlySet<string> = new Set([
  'mission',
  'tasks',
  'objectives',
  'validation_criteria',
  'success_metrics',
  'deliverables',
  'follow_up_missions',
  'context',
  'inputs',
  'risk_assessment',
  'risk_notes',
  'model_rationale',
  'phase',
  'priority',
  'model_assignment',
  'estimated_duration',
]);

// Only these make a document *look* like a plan; the rest are reported as unknown keys.
const PLANNING_SIGNALS = ['mission', 'tasks', 'objectives'];

const indent = (lines: ReadonlyArray<string>): string => lines.map((l) => `\n      ${l}`).join('');

/** The shape of one step, for hints. */
export const STEP_EXAMPLE: ReadonlyArray<string> = [
  'steps:',
  '  - id: "auth_check"',
  '    name: "Check the Bearer token code"',
  '    step_type: "command"',
  '    parameters:',
  '      command: "grep"',
  '      args: ["-r", "Bearer", "internal/auth/"]',
  '    timeout_seconds: 30',
];

/** `parameters:` lines that run `line`: split into command and args, or through a shell when it needs one. */
export const parametersForCommandLine = (line: string): ReadonlyArray<string> => {
  const { words, needsShell } = splitShellWords(line);
  if (needsShell || words.length === 0)
    return ['parameters:', `  command: ${JSON.stringify(line)}`, '  shell: true'];
  return [
    'parameters:',
    `  command: ${JSON.stringify(words[0])}`,
    `  args: ${JSON.stringify(words.slice(1)).replace(/","/g, '", "')}`,
  ];
};

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first shell line of a numbered `steps:` map (`1: {command: "…"}` or `1: "…"`), if there is one. */
const firstShellLine = (
  steps: Readonly<Record<string, unknown>>,
): { readonly key: string; readonly line: string; readonly description?: string } | undefined => {
  for (const [key, v] of Object.entries(steps)) {
    if (typeof v === 'string') return { key, line: v };
    if (isMap(v) && typeof v['command'] === 'string') {
      const d = v['description'] ?? v['name'];
      return { key, line: v['command'], ...(typeof d === 'string' ? { description: d } : {}) };
    }
  }
  return undefined;
};

const exampleFrom = (steps: unknown): ReadonlyArray<string> => {
  if (!isMap(steps)) return STEP_EXAMPLE;
  const first = firstShellLine(steps);
  if (first === undefined) return STEP_EXAMPLE;
  return [
    'steps:',
    `  - id: "step_${first.key}"`,
    `    name: ${JSON.stringify(first.description ?? `Step ${first.key}`)}`,
    '    step_type: "command"',
    ...parametersForCommandLine(first.line).map((l) => `    ${l}`),
  ];
};

/**
 * Problems with the document as a whole or with its `steps:` (a planning document, a numbered
 * map, no list). Returns the drafts and whether `steps` can be decoded as a list.
 */
export const checkDocumentShape = (
  root: unknown,
): { readonly drafts: ReadonlyArray<Draft>; readonly stepsOk: boolean; readonly rootOk: boolean } => {
  if (root === null || root === undefined) {
    return {
      drafts: [
        error({
          code: 'not_a_mission',
          path: [],
          message: 'the mission is empty',
          expected: 'a map with `version`, `name` and `steps`',
          hint: `a minimal mission:${indent(['version: "1.0"', 'name: "my mission"', ...STEP_EXAMPLE])}`,
        }),
      ],
      stepsOk: false,
      rootOk: false,
    };
  }
  if (!isMap(root)) {
    return {
      drafts: [
        error({
          code: 'not_a_mission',
          path: [],
          message: 'a mission is a map with `version`, `name` and `steps`',
          found: renderValue(root),
          expected: 'a map',
          hint: `a minimal mission:${indent(['version: "1.0"', 'name: "my mission"', ...STEP_EXAMPLE])}`,
        }),
      ],
      stepsOk: false,
      rootOk: false,
    };
  }
  const steps = root['steps'];
  if (Array.isArray(steps)) return { drafts: [], stepsOk: true, rootOk: true };
  const signals = PLANNING_SIGNALS.filter((k) => k in root);
  const numbered =
    isMap(steps) && Object.keys(steps).length > 0 && Object.keys(steps).every((k) => /^\d+$/.test(k));
  if (signals.length > 0) {
    const what =
      steps === undefined
        ? 'it has no `steps:` list'
        : numbered
          ? 'its `steps:` is a numbered map of shell commands, not a list of steps'
          : '`steps:` is not a list of steps';
    return {
      drafts: [
        error({
          code: 'not_a_mission',
          path: steps === undefined ? [] : ['steps'],
          message: `this is a planning document (it has ${signals.map((s) => `\`${s}:\``).join(', ')}), not a mission: ${what}`,
          hint: `missionkit runs a \`steps:\` list; each step has an id, a name, a step_type and parameters, for example:${indent(exampleFrom(steps))}`,
        }),
      ],
      stepsOk: false,
      rootOk: true,
    };
  }
  if (steps === undefined) {
    return {
      drafts: [
        error({
          code: 'missing_field',
          path: ['steps'],
          message: 'missing required field `steps`',
          expected: 'a list of steps',
          hint:
            'missions' in root
              ? missionStackRewrite(root['missions'])
              : `add the steps to run, for example:${indent(STEP_EXAMPLE)}`,
        }),
      ],
      stepsOk: false,
      rootOk: true,
    };
  }
  return {
    drafts: [
      error({
        code: 'invalid_type',
        path: ['steps'],
        message: numbered
          ? '`steps` is a numbered map, but it must be a list of steps'
          : 'wrong type for `steps`',
        found: renderValue(steps),
        expected: 'a list of steps',
        hint: `write each step as a list item starting with \`- id:\`, for example:${indent(exampleFrom(steps))}`,
      }),
    ],
    stepsOk: false,
    rootOk: true,
  };
};

// Names people bring from RustChain's ignored fields and from other tools, and what missionkit calls them.
const ALIASES: Readonly<Record<string, string>> = {
  timeout: 'timeout_seconds',
  timeout_secs: 'timeout_seconds',
  timeout_ms: 'timeout_seconds',
  depends: 'depends_on',
  dependsOn: 'depends_on',
  needs: 'depends_on',
  type: 'step_type',
  steptype: 'step_type',
  stepType: 'step_type',
  retries: 'retry',
  max_retries: 'retry',
  on_error: 'continue_on_error',
  continueOnError: 'continue_on_error',
  max_parallel: 'max_parallel_steps',
  parallelism: 'max_parallel_steps',
  cwd: 'working_dir',
  workdir: 'working_dir',
  working_directory: 'working_dir',
  environment: 'env',
  params: 'parameters',
  vars: 'variables',
};

/** A top-level `dependencies: [{from, to}]` (RustChain's examples) as `depends_on:` lines, one per target step. */
const dependsOnRewrite = (value: unknown): string | undefined => {
  if (!Array.isArray(value)) return undefined;
  const byTarget = new Map<string, string[]>();
  for (const edge of value) {
    if (!isMap(edge) || typeof edge['from'] !== 'string' || typeof edge['to'] !== 'string') return undefined;
    byTarget.set(edge['to'], [...(byTarget.get(edge['to']) ?? []), edge['from']]);
  }
  if (byTarget.size === 0) return undefined;
  const lines = [...byTarget].map(
    ([to, from]) => `on step "${to}": depends_on: [${from.map((f) => JSON.stringify(f)).join(', ')}]`,
  );
  return `RustChain's loader does not read a top-level \`dependencies:\` either, so these steps ran in file order; write each edge on its target step instead:${indent(lines)}`;
};

/** The first entry of a mission stack's `missions:`, as the file it becomes. */
const missionStackRewrite = (value: unknown): string => {
  const first = Array.isArray(value) ? (value[0] as unknown) : undefined;
  const id = isMap(first) && typeof first['id'] === 'string' ? first['id'] : 'first_mission';
  const name = isMap(first) && typeof first['name'] === 'string' ? first['name'] : id;
  return `a mission stack is not a mission (RustChain's loader does not read \`missions:\` either): give each entry its own file and run them in order, for example \`${id}.yaml\`:${indent(['version: "1.0"', `name: ${JSON.stringify(name)}`, 'steps:', `  # the steps of "${id}"`])}\n      then \`missionkit run ${id}.yaml && missionkit run <next>.yaml\`; or merge every mission's steps into one \`steps:\` list, ordered with \`depends_on\``;
};

/** The concrete rewrite of a key RustChain missions carry but no loader reads, when there is one. */
const rustChainRewrite = (key: string, value: unknown, place: KeyPlace): string | undefined => {
  if (key === 'on_error' && (place === 'parameters' || place === 'step')) {
    const where = place === 'parameters' ? 'on the step (beside `parameters:`, not inside it)' : 'instead';
    return value === 'continue' || value === 'ignore' || value === 'skip'
      ? `RustChain ignored \`on_error\` too, so a failure here stopped the mission; to go on when this step fails, write \`continue_on_error: true\` ${where} and remove \`on_error\``
      : 'RustChain ignored `on_error` too: remove it (a failed step fails the mission by default; `continue_on_error: true` on the step lets the mission go on)';
  }
  if (place !== 'top') return undefined;
  if (key === 'dependencies') return dependsOnRewrite(value);
  if (key === 'missions') return missionStackRewrite(value);
  return undefined;
};

/** Where an unknown key is, for the wording of its message. */
export type KeyPlace = 'top' | 'step' | 'config' | 'parameters' | 'nested';

/** An `unknown_key` draft with the best "did you mean" for it. */
export const unknownKeyDraft = (
  key: string,
  path: Path,
  known: ReadonlyArray<string>,
  value: unknown,
  severity: 'error' | 'warning',
  place: KeyPlace,
): Draft => {
  const alias = ALIASES[key];
  const target =
    alias !== undefined && (known.includes(alias) || (place === 'parameters' && alias === 'timeout_seconds'))
      ? alias
      : suggest(key, known);
  const planning = place === 'top' && PLANNING_KEYS.has(key);
  const rewrite = rustChainRewrite(key, value, place);
  let hint: string | undefined;
  if (rewrite !== undefined) hint = rewrite;
  else if (planning)
    hint =
      'this key belongs to a planning document; missionkit does not read it (remove it, or keep it as documentation knowing it has no effect)';
  else if (key === '<<')
    hint =
      'YAML merge keys (`<<`) are not supported: repeat the fields, or reuse a whole value with an alias (`*name`)';
  else if (target === 'timeout_seconds' && alias !== undefined) {
    hint =
      `did you mean \`timeout_seconds: ${typeof value === 'number' ? value : '…'}\`?` +
      (key === 'timeout_ms' ? ' (it is in seconds)' : '');
  } else if (target !== undefined) hint = `did you mean \`${target}\`?`;
  const ignoredBy =
    key === 'timeout' ? '; RustChain ignored it too, so the step would silently get the default timeout' : '';
  const d = {
    code: 'unknown_key' as const,
    path,
    at: 'key' as const,
    message: `unknown key \`${key}\`${place === 'top' ? '' : ` in ${place === 'nested' ? 'this map' : place === 'parameters' ? '`parameters`' : place === 'step' ? 'a step' : '`config`'}`}${ignoredBy}`,
    ...(hint !== undefined ? { hint } : {}),
  };
  return severity === 'error' ? error(d) : warning(d);
};

/**
 * A step-level key that belongs under `parameters:` (RustChain's minimal missions put `command:`
 * there with `parameters: {}`, and the step failed at run time). An error: the step cannot run as written.
 */
export const misplacedParameterDraft = (
  key: string,
  value: unknown,
  stepPath: Path,
  alsoInParameters: boolean,
): Draft => {
  if (alsoInParameters) {
    return warning({
      code: 'misplaced_field',
      path: [...stepPath, key],
      at: 'key',
      message: `\`${key}\` is set on the step and under \`parameters:\`; only the one under \`parameters:\` is used`,
      hint: `remove \`${key}\` from the step`,
    });
  }
  const snippet =
    key === 'command' && typeof value === 'string'
      ? parametersForCommandLine(value)
      : [
          'parameters:',
          `  ${key}: ${typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? JSON.stringify(value) : '…'}`,
        ];
  return error({
    code: 'misplaced_field',
    path: [...stepPath, key],
    at: 'key',
    message: `\`${key}\` is a parameter of this step type and belongs under \`parameters:\`, not on the step`,
    found: renderValue(value),
    hint: `move it under \`parameters:\`:${indent(snippet)}`,
  });
};

/** Hints for the missing fields every newcomer meets (and RustChain's planning documents lack). */
export const missingHint = (
  path: Path,
  root: Readonly<Record<string, unknown>>,
  registry: StepTypeRegistry,
): string | undefined => {
  const [a, , c] = path;
  if (path.length === 1 && a === 'version') return 'add `version: "1.0"` at the top of the mission';
  if (path.length === 1 && a === 'name') {
    const planned = root['mission'];
    return isMap(planned) && typeof planned['name'] === 'string'
      ? `\`name\` belongs at the top level: move \`mission.name\` out, as \`name: ${JSON.stringify(planned['name'])}\``
      : 'add a `name:` at the top level; it names the mission in reports';
  }
  if (a === 'steps' && path.length === 3) {
    if (c === 'name')
      return 'every step needs a `name` (RustChain requires it too): a few words shown in progress and reports, such as `name: "Run the tests"`';
    if (c === 'id') return 'every step needs a unique `id`; other steps name it in `depends_on`';
    if (c === 'step_type')
      return `say what the step does: \`step_type:\` one of ${[...registry.keys()].map((k) => `\`${k}\``).join(', ')}`;
  }
  return undefined;
};
