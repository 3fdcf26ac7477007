// Load-time checks of `{{ … }}` references in step parameters: a reference to an unknown step, or
// to a step this one does not (transitively) depend on, is an error — at run time its value might
// not exist yet. An unknown mission variable is a warning (the host may pass it with `variables`).
import { dependencyIds } from '../plan/graph.js';
import { shellLanguage, shellScripts, shellTemplates, stepShell } from '../plan/shell-templates.js';
import { parseTemplate, type TemplateRef } from '../plan/templates.js';
import { error, warning, type Draft } from './draft.js';
import type { Mission, Step, StepId } from './model.js';
import type { Path } from './path.js';
import { suggest } from './suggest.js';
import { fanOutTemplateProblem, outputsProblem } from './validate-fan-out-templates.js';

type Found = {
  readonly path: Path;
  readonly ref?: TemplateRef;
  readonly problem?: { readonly text: string; readonly message: string; readonly hint: string };
};

// `path` is one array pushed and popped on the way down, copied only where a template is found:
// most values of a big mission hold none, and a new array per value was most of this check's time.
const walk = (value: unknown, path: Array<string | number>, out: Found[]): void => {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return;
    const { parts, problems } = parseTemplate(value);
    for (const p of parts) if (p._tag === 'ref') out.push({ path: [...path], ref: p.ref });
    for (const problem of problems) out.push({ path: [...path], problem });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, out);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      path.push(k);
      walk((value as Record<string, unknown>)[k], path, out);
      path.pop();
    }
  }
};

/**
 * Whether `start` waits for `target`, directly or through others. The search stops at the first
 * way found, and a template nearly always reads a direct or near dependency: building the whole
 * set of a step's ancestors for each step instead was quadratic on long chains.
 */
const waitsFor = (start: Step, target: StepId, byId: ReadonlyMap<string, Step>): boolean => {
  const direct = dependencyIds(start);
  if (direct.includes(target)) return true;
  const seen = new Set<StepId>(direct);
  const stack = [...direct];
  while (stack.length > 0) {
    const step = byId.get(stack.pop()!);
    if (step === undefined) continue;
    for (const id of dependencyIds(step)) {
      if (id === target) return true;
      if (!seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    }
  }
  return false;
};

/**
 * Templates in a shell step's command line that no reference can keep data (the code of `sh -c`,
 * a quoted here-document, arithmetic, cmd.exe…), each with where it stands and the rewrite.
 * `platform` decides what `shell: true` means; without it, sh.
 */
export const unsafeShellTemplates = (
  steps: ReadonlyArray<Pick<Step, 'step_type' | 'parameters'>>,
  platform?: string,
): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [];
  steps.forEach((step, i) => {
    if (step.step_type !== 'command') return;
    const shell = stepShell(step.parameters);
    if (shell === undefined) return;
    const seen = new Set<string>();
    for (const { pieces, platform: only } of shellScripts(step.parameters)) {
      const language = shellLanguage(shell, only ?? platform);
      for (const t of shellTemplates(language, pieces)) {
        if (t.verdict._tag !== 'refused') continue;
        const path: Path = ['steps', i, 'parameters', ...pieces[t.piece]!.path];
        const key = `${JSON.stringify(path)} ${t.ref.text} ${t.verdict.where}`;
        if (seen.has(key)) continue;
        seen.add(key);
        drafts.push(
          error({
            code: 'unsafe_template',
            path,
            message: `template ${t.ref.text} stands ${t.verdict.where}: its value cannot be passed there safely (${language.name})`,
            found: t.ref.text,
            hint: t.verdict.hint,
          }),
        );
      }
    }
  });
  return drafts;
};

/** Checks the templates of a decoded mission's steps. */
export const validateTemplates = (
  mission: Pick<Mission, 'steps'> & { readonly variables: Readonly<Record<string, unknown>> },
): ReadonlyArray<Draft> => {
  const drafts: Draft[] = [...unsafeShellTemplates(mission.steps)];
  const byId = new Map<string, Step>(mission.steps.map((s) => [s.id, s]));
  mission.steps.forEach((step, i) => {
    const found: Found[] = [];
    walk(step.parameters, ['steps', i, 'parameters'], found);
    if (found.length === 0) return;
    for (const { path, ref, problem } of found) {
      if (problem !== undefined) {
        drafts.push(
          error({
            code: 'invalid_reference',
            path,
            message: problem.message,
            found: problem.text,
            hint: problem.hint,
          }),
        );
        continue;
      }
      if (ref === undefined) continue;
      switch (ref._tag) {
        case 'step': {
          if (!byId.has(ref.step)) {
            const guess = suggest(ref.step, byId.keys());
            drafts.push(
              error({
                code: 'invalid_reference',
                path,
                message: `template ${ref.text} names no step of this mission`,
                found: ref.step,
                ...(guess !== undefined
                  ? { hint: `did you mean \`${guess}\`?` }
                  : { hint: 'use the `id` of an earlier step' }),
              }),
            );
            break;
          }
          if (ref.step === step.id) {
            drafts.push(
              error({
                code: 'invalid_reference',
                path,
                message: `template ${ref.text} reads this step's own result`,
                hint: 'a step can only read the results of steps that ran before it',
              }),
            );
            break;
          }
          if (!waitsFor(step, ref.step as StepId, byId)) {
            drafts.push(
              error({
                code: 'invalid_reference',
                path,
                message: `template ${ref.text} reads step \`${ref.step}\`, which \`${step.id}\` does not depend on, so it may not have run yet`,
                hint: `add "${ref.step}" to this step's depends_on`,
              }),
            );
          } else if (ref.field === 'outputs') {
            const d = outputsProblem(byId.get(ref.step)!, ref.text, path);
            if (d !== undefined) drafts.push(d);
          }
          break;
        }
        case 'matrix':
        case 'item':
        case 'item_index': {
          const d = fanOutTemplateProblem(step, ref, path);
          if (d !== undefined) drafts.push(d);
          break;
        }
        case 'variable':
          if (!Object.hasOwn(mission.variables, ref.name)) {
            const guess = suggest(ref.name, Object.keys(mission.variables));
            drafts.push(
              warning({
                code: 'invalid_reference',
                path,
                message: `template ${ref.text} names a variable the mission does not define`,
                hint:
                  guess !== undefined
                    ? `did you mean \`${guess}\`? (or pass it with --var / the variables option)`
                    : 'define it under `variables:` or pass it with --var / the variables option',
              }),
            );
          }
          break;
        case 'env':
          break;
      }
    }
  });
  return drafts;
};
