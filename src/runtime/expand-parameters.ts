// Expands the templates of one step's parameters when it starts. In the command line of a
// `shell` step, a value is never written into the script: it travels in an environment variable
// of the child (MISSIONKIT_VALUE_<n>) and the script reads it through a reference chosen for the
// quoting around the template, so no value is ever parsed by the shell (src/plan/shell-templates.ts).
import type { Step } from '../mission/model.js';
import { formatPath } from '../mission/path.js';
import {
  renderReference,
  shellLanguage,
  shellScripts,
  shellTemplates,
  stepShell,
  type ShellLanguage,
} from '../plan/shell-templates.js';
import { expandTemplates, parseTemplate, type Expansion, type Resolver } from '../plan/templates.js';
import { templateResolver, type TemplateSources } from './template-values.js';

/** The prefix of the environment variables that carry substituted values into a shell. */
export const VALUE_VARIABLE_PREFIX = 'MISSIONKIT_VALUE_';

const setAt = (
  target: Record<string, unknown>,
  path: ReadonlyArray<string | number>,
  value: string,
): void => {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    const copy = (
      Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) }
    ) as Record<string | number, unknown>;
    node[key] = copy;
    node = copy;
  }
  node[path[path.length - 1]!] = value;
};

/** The command lines of a shell step with references in place of templates, and the values' variables. */
const expandShellLines = (
  params: Readonly<Record<string, unknown>>,
  shell: true | string,
  language: ShellLanguage,
  resolve: Resolver,
): Expansion => {
  const out: Record<string, unknown> = { ...params };
  const values: Record<string, string> = {};
  const done = new Set<string>();
  let n = 0;
  for (const { pieces, platform } of shellScripts(params)) {
    const lang = platform === undefined ? language : shellLanguage(shell, platform);
    const found = shellTemplates(lang, pieces);
    let k = 0;
    for (const [index, piece] of pieces.entries()) {
      const key = formatPath(piece.path);
      const parts = parseTemplate(piece.text).parts;
      if (done.has(key)) {
        k += parts.filter((p) => p._tag === 'ref').length;
        continue;
      }
      done.add(key);
      let text = '';
      for (const part of parts) {
        if (part._tag === 'text') {
          text += part.text;
          continue;
        }
        const t = found[k++];
        if (t === undefined || t.piece !== index) throw new TypeError('shell template positions out of step');
        const value = resolve(part.ref);
        if (typeof value !== 'string')
          return { _tag: 'missing', ref: part.ref.text, path: key, why: value.missing };
        const v = t.verdict;
        if (v._tag === 'refused')
          return { _tag: 'refused', ref: part.ref.text, path: key, where: v.where, hint: v.hint };
        if (v.arithmetic && !/^-?[0-9]+$/.test(value))
          return {
            _tag: 'refused',
            ref: part.ref.text,
            path: key,
            where: 'where the shell evaluates it as arithmetic, and its value is not an integer',
            hint: "read the value from the step's `env:` and check it is a number first",
          };
        const name = `${VALUE_VARIABLE_PREFIX}${++n}`;
        values[name] = value;
        text += renderReference(lang, v.context, name);
      }
      setAt(out, piece.path, text);
    }
  }
  // The values travel beside the lines, under `env` (merged over the step's own by the caller).
  return { _tag: 'ok', value: { ...out, env: values } };
};

/**
 * The step's parameters with every template replaced, or the first reference that has no value.
 * With `rustChain` (the RustChain variables), `{name}` is replaced too, in the same single pass.
 * `platform` decides what `shell: true` means (cmd.exe on `win32`, sh elsewhere).
 */
export const expandStepParameters = (
  step: Step,
  sources: TemplateSources,
  rustChain?: Readonly<Record<string, string>>,
  platform?: string,
): Expansion => {
  const resolve = templateResolver(sources);
  const shell = step.step_type === 'command' ? stepShell(step.parameters) : undefined;
  if (shell === undefined) return expandTemplates(step.parameters, resolve, undefined, rustChain);
  // Everything but the command lines is expanded as data, verbatim (the `env:` values included).
  const rest = expandTemplates(step.parameters, resolve, undefined, rustChain);
  if (rest._tag !== 'ok') return rest;
  const lines = expandShellLines(step.parameters, shell, shellLanguage(shell, platform), resolve);
  if (lines._tag !== 'ok') return lines;
  const rendered = lines.value as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...(rest.value as Record<string, unknown>) };
  for (const key of ['command', 'args', 'platform_commands', 'fallback_command'])
    if (Object.hasOwn(rendered, key)) merged[key] = rendered[key];
  if (Object.keys(rendered['env'] as Record<string, string>).length > 0)
    merged['env'] = {
      ...((merged['env'] as Record<string, string> | undefined) ?? {}),
      ...(rendered['env'] as Record<string, string>),
    };
  return { _tag: 'ok', value: merged };
};
