// Fanned-out steps in the HTML report: each step with `matrix` or `for_each` is followed by its
// instances, indented under it with a count by status, rather than mixed in with the other steps.
import type { StepResult } from '../scheduler/report.js';
import { esc } from './html-escape.js';
import { statusLook } from './status-look.js';

/** The page's rules for instance groups. */
export const INSTANCES_CSS =
  '.instances{margin:.25rem 0 .75rem 1.5rem;padding-left:.75rem;border-left:2px solid var(--muted)}.instances>h3{font-size:.9rem;font-weight:normal;color:var(--muted);margin:.25rem 0}';

/**
 * The steps in report order, each fanned-out step's instances grouped under it. `render` draws one
 * step given its index in the report.
 */
export const groupedStepsHtml = (
  steps: ReadonlyArray<StepResult>,
  render: (s: StepResult, i: number) => string,
): string => {
  const index = new Map<string, number>();
  steps.forEach((s, i) => index.set(s.id, i));
  const out: string[] = [];
  steps.forEach((s, i) => {
    if (s.fan_out !== undefined && index.has(s.fan_out.group)) return;
    out.push(render(s, i));
    if (s.instances === undefined) return;
    const members = s.instances.flatMap((id) => {
      const j = index.get(id);
      return j === undefined ? [] : [[steps[j]!, j] as const];
    });
    const counts = new Map<string, number>();
    for (const [m] of members) counts.set(m.conclusion, (counts.get(m.conclusion) ?? 0) + 1);
    const summary = [...counts]
      .map(([status, n]) => {
        const look = statusLook(status as StepResult['conclusion']);
        return `<span class="${look.css}">${look.icon} ${n} ${esc(look.label)}</span>`;
      })
      .join(' · ');
    out.push(
      `<div class="instances" data-group="${esc(s.id)}"><h3>${members.length} instance${members.length === 1 ? '' : 's'} of <b>${esc(s.id)}</b>${summary !== '' ? `: ${summary}` : ''}</h3>` +
        members.map(([m, j]) => render(m, j)).join('\n') +
        '</div>',
    );
  });
  return out.join('\n');
};
