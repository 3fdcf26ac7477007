// A plan as a Mermaid flowchart, for docs and editors that draw Mermaid (GitHub, GitLab, VS Code).
// Step ids can hold any character, so nodes get ids of their own (s0, s1…) and the step id is
// the node's quoted label, with Mermaid's entity codes for the characters a label cannot hold.
import type { PlanView } from '../runtime/plan-view.js';

const ENTITY: Readonly<Record<string, string>> = {
  '"': '#quot;',
  '#': '#35;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '`': '#96;',
};

/** Text as a Mermaid quoted label: one line, entity codes for what would end or change it. */
export const mermaidLabel = (text: string): string =>
  `"${text.replace(/[\r\n]+/g, ' ').replace(/["#<>&`]/g, (c) => ENTITY[c] ?? c)}"`;

/** The plan as a Mermaid `flowchart LR`: one node per step, one arrow per dependency, waves as columns. */
export const planToMermaid = (plan: PlanView): string => {
  const node = new Map<string, string>();
  plan.steps.forEach((s, i) => node.set(s.id, `s${i}`));
  const lines = [
    `%% ${plan.mission.name.replace(/[\r\n]+/g, ' ')}: ${plan.steps.length} steps in ${plan.waves.length} waves`,
    'flowchart LR',
  ];
  for (const s of plan.steps) lines.push(`  ${node.get(s.id)}[${mermaidLabel(s.id)}]`);
  for (const s of plan.steps)
    for (const d of s.depends_on) {
      const from = node.get(d);
      if (from !== undefined) lines.push(`  ${from} --> ${node.get(s.id)}`);
    }
  return `${lines.join('\n')}\n`;
};
