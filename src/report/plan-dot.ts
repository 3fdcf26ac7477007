// A plan as a Graphviz DOT digraph, for `dot -Tsvg` and the many tools that read DOT. Every id is
// a quoted string (any step id is allowed), and each wave is one rank, so waves line up as columns.
import type { PlanView } from '../runtime/plan-view.js';

/** Text as a DOT quoted string: backslashes and quotes escaped, line breaks as `\n`. */
export const dotString = (text: string): string =>
  `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n')}"`;

/** The plan as a DOT `digraph`: one node per step, one edge per dependency, one rank per wave. */
export const planToDot = (plan: PlanView): string => {
  const lines = [
    `digraph ${dotString(plan.mission.name)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
  ];
  for (const s of plan.steps) {
    const label = s.name !== s.id ? `${s.id}\n${s.name}` : s.id;
    lines.push(`  ${dotString(s.id)} [label=${dotString(label)}];`);
  }
  plan.waves.forEach((wave) => {
    if (wave.length > 1) lines.push(`  { rank=same; ${wave.map((id) => `${dotString(id)};`).join(' ')} }`);
  });
  for (const s of plan.steps)
    for (const d of s.depends_on) lines.push(`  ${dotString(d)} -> ${dotString(s.id)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
};
