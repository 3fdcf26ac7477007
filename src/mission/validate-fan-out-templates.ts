// Load-time checks of the templates only a fanned-out step's instances can read: `{{ matrix.x }}`
// needs a matrix with axis x, `{{ item }}` and `{{ item_index }}` need a `for_each`, and
// `{{ steps.<id>.outputs }}` needs `<id>` to fan out.
import type { TemplateRef } from '../plan/templates.js';
import { error, type Draft } from './draft.js';
import type { Step } from './model.js';
import type { Path } from './path.js';
import { suggest } from './suggest.js';

/** The problem with an instance template in `step`, if any. */
export const fanOutTemplateProblem = (
  step: Step,
  ref: Extract<TemplateRef, { _tag: 'matrix' | 'item' | 'item_index' }>,
  path: Path,
): Draft | undefined => {
  const f = step.fan_out;
  if (ref._tag === 'matrix') {
    if (f?._tag !== 'matrix')
      return error({
        code: 'invalid_reference',
        path,
        message: `template ${ref.text} reads a matrix value, and step \`${step.id}\` has no \`matrix\``,
        found: ref.text,
        hint: `add \`matrix: { ${ref.name}: [ … ] }\` to the step`,
      });
    if (f.axes.includes(ref.name)) return undefined;
    const guess = suggest(ref.name, f.axes);
    return error({
      code: 'invalid_reference',
      path,
      message: `template ${ref.text} names no axis of this step's matrix`,
      found: ref.name,
      hint: guess !== undefined ? `did you mean \`${guess}\`?` : `the axes are ${f.axes.join(', ')}`,
    });
  }
  if (f?._tag === 'for_each') return undefined;
  return error({
    code: 'invalid_reference',
    path,
    message: `template ${ref.text} reads a for_each item, and step \`${step.id}\` has no \`for_each\``,
    found: ref.text,
    hint:
      f?._tag === 'matrix'
        ? 'a matrix instance reads its values as {{ matrix.<axis> }}'
        : 'add `for_each: "{{ steps.<id>.output.<list> }}"` to run the step once per item',
  });
};

/** The problem with `{{ steps.<id>.outputs }}` when `<id>` does not fan out. */
export const outputsProblem = (target: Step, text: string, path: Path): Draft | undefined =>
  target.fan_out !== undefined
    ? undefined
    : error({
        code: 'invalid_reference',
        path,
        message: `template ${text} reads the outputs of a fanned-out step's instances, and \`${target.id}\` has no \`matrix\` or \`for_each\``,
        found: text,
        hint: `read its one output as {{ steps.${target.id}.output }}`,
      });
