// The dependency graph, laid out in waves (columns) as an inline SVG, with a list of the waves
// beside it for readers without SVG. Each node links to its step's details; an edge from a
// dependency that made a step skip is drawn as the cause.
import type { MissionReport, StepResult } from '../scheduler/report.js';
import { isSuccess } from '../scheduler/step-status.js';
import { esc } from './html-escape.js';
import { statusLook } from './status-look.js';
import { waveLayout } from './waves.js';

const NODE_W = 168;
const NODE_H = 26;
const GAP_X = 56;
const GAP_Y = 10;
const PAD = 8;
/** Characters of an id shown in a node; the whole id is in its title. */
const LABEL_CHARS = 20;

/** The dependencies of a step that did not run that explain why: those that did not succeed. */
export const causesOf = (byId: ReadonlyMap<string, StepResult>, s: StepResult): ReadonlyArray<StepResult> => {
  if (s.attempts.length > 0 || (s.conclusion !== 'skipped' && s.conclusion !== 'cancelled')) return [];
  // A step skipped by its own `if:` was not skipped because of its dependencies.
  if (s.skip_reason?.startsWith('condition false: ') === true) return [];
  return (s.depends_on ?? [])
    .map((d) => byId.get(d))
    .filter((d): d is StepResult => d !== undefined && !isSuccess(d.conclusion));
};

/** The graph section of the page. */
export const graphHtml = (report: MissionReport): string => {
  const steps = report.steps;
  const byId = new Map(steps.map((r) => [r.id, r]));
  const layout = waveLayout(steps);
  const x = (w: number): number => PAD + w * (NODE_W + GAP_X);
  const row = new Array<number>(steps.length).fill(0);
  layout.waves.forEach((wave) => wave.forEach((i, r) => (row[i] = r)));
  const y = (i: number): number => PAD + row[i]! * (NODE_H + GAP_Y);
  const width = x(Math.max(1, layout.waves.length)) - GAP_X + PAD;
  const tallest = Math.max(1, ...layout.waves.map((w) => w.length));
  const height = PAD * 2 + tallest * (NODE_H + GAP_Y) - GAP_Y;
  let edges = '';
  steps.forEach((s, i) => {
    const causes = new Set(causesOf(byId, s).map((c) => c.id));
    for (const d of layout.dependencies[i]!) {
      const x1 = x(layout.waveOf[d]!) + NODE_W;
      const y1 = y(d) + NODE_H / 2;
      const x2 = x(layout.waveOf[i]!);
      const y2 = y(i) + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      edges += `<path class="edge${causes.has(steps[d]!.id) ? ' cause' : ''}" d="M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}"/>`;
    }
  });
  const nodes = steps
    .map((s, i) => {
      const look = statusLook(s.conclusion);
      const label = s.id.length > LABEL_CHARS ? `${s.id.slice(0, LABEL_CHARS - 1)}…` : s.id;
      const causes = causesOf(byId, s);
      const why =
        s.skip_reason !== undefined
          ? ` — ${s.skip_reason}${causes.length > 0 ? ` (caused by ${causes.map((c) => c.id).join(', ')})` : ''}`
          : '';
      return (
        `<a href="#s${i}" class="node ${look.css}" data-step="${esc(s.id)}" data-status="${s.conclusion}"><title>${esc(`${s.id}: ${look.label}${why}`)}</title>` +
        `<rect x="${x(layout.waveOf[i]!)}" y="${y(i)}" width="${NODE_W}" height="${NODE_H}" rx="5"/>` +
        `<text x="${x(layout.waveOf[i]!) + 8}" y="${y(i) + NODE_H / 2 + 4}">${look.icon} ${esc(label)}</text></a>`
      );
    })
    .join('');
  const list = layout.waves
    .map(
      (wave, w) =>
        `<li><b>wave ${w + 1}:</b> ${wave
          .map((i) => {
            const s = steps[i]!;
            const look = statusLook(s.conclusion);
            return `<a href="#s${i}">${look.icon} ${esc(s.id)}</a>`;
          })
          .join(', ')}</li>`,
    )
    .join('');
  return (
    `<section id="graph"><h2>Dependency graph</h2>` +
    `<div class="graph"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="dependency graph of ${steps.length} steps in ${layout.waves.length} waves"><g class="edges">${edges}</g><g class="nodes">${nodes}</g></svg></div>` +
    `<details class="waves"><summary>The graph as text: ${layout.waves.length} waves</summary><ol>${list}</ol></details></section>`
  );
};
