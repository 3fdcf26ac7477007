// `${shimmy_path}` in a real RustChain mission: its author meant a shell variable, RustChain
// substituted nothing there, and a `{name}` pass that replaced the inner `{shimmy_path}` would
// leave a stray `$` glued to the value (a directory literally named `$`). missionkit leaves
// `${name}` whole (see plan/templates.ts); this says so at load, with what to write instead.
import type { StepTypeRegistry } from '../ports/step-type.js';
import { warning, type Draft } from './draft.js';
import type { Step } from './model.js';
import type { Path } from './path.js';

const DOLLAR_BRACE = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

// A plain scan first: most steps hold no `${`, and then no path is built.
const hasDollarBrace = (value: unknown): boolean => {
  if (typeof value === 'string') return value.includes('${');
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasDollarBrace);
  for (const k in value) if (hasDollarBrace((value as Record<string, unknown>)[k])) return true;
  return false;
};

const strings = (value: unknown, path: Path, out: Array<{ path: Path; text: string }>): void => {
  if (typeof value === 'string') {
    if (value.includes('${')) out.push({ path, text: value });
  } else if (Array.isArray(value)) value.forEach((v, i) => strings(v, [...path, i], out));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) strings(v, [...path, k], out);
};

/** The names RustChain's `{name}` would read: the mission's variables and each step's results. */
const rustChainNames = (
  steps: ReadonlyArray<Step>,
  variables: Readonly<Record<string, unknown>>,
): ReadonlySet<string> => {
  const names = new Set(Object.keys(variables));
  for (const s of steps) for (const n of [s.id, `${s.id}_result`, `${s.id}_response`]) names.add(n);
  return names;
};

const rewrite = (name: string, step: Step, substitutes: boolean): string => {
  const shell = step.parameters['shell'];
  const viaShell = shell === true || (typeof shell === 'string' && shell !== '');
  const insert = substitutes ? `\`{${name}}\`` : `\`{{ variables.${name} }}\``;
  return viaShell
    ? `write ${insert} to insert the mission's \`${name}\`, or \`$${name}\` for the shell's own variable`
    : `write ${insert} to insert the mission's \`${name}\` (\`\${${name}}\` is left as written: nothing here expands it)`;
};

/** Warnings for each `${name}` whose `name` is a mission variable or a step result, in the steps' parameters. */
export const dollarBraceWarnings = (
  steps: ReadonlyArray<Step>,
  variables: Readonly<Record<string, unknown>>,
  registry: StepTypeRegistry,
): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [];
  let names: ReadonlySet<string> | undefined;
  steps.forEach((step, i) => {
    if (!hasDollarBrace(step.parameters)) return;
    const found: Array<{ path: Path; text: string }> = [];
    strings(step.parameters, ['steps', i, 'parameters'], found);
    if (found.length === 0) return;
    names ??= rustChainNames(steps, variables);
    const substitutes = registry.get(step.step_type)?.rustChainSubstitution === true;
    for (const { path, text } of found) {
      for (const m of text.matchAll(DOLLAR_BRACE)) {
        const name = m[1]!;
        if (!names.has(name)) continue;
        drafts.push(
          warning({
            code: 'invalid_reference',
            path,
            message: `\`\${${name}}\` is not substituted (a \`{name}\` right after \`$\` is a shell's variable, and RustChain left it as written too), but \`${name}\` is a ${Object.hasOwn(variables, name) ? 'mission variable' : 'step result'}`,
            found: JSON.stringify(m[0]),
            pointAt: m[0],
            hint: rewrite(name, step, substitutes),
          }),
        );
      }
    }
  });
  return drafts;
};
