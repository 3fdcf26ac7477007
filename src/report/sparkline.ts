// A resource trend as a small inline SVG line: no script, no external image, a title for words.
import { esc } from './html-escape.js';

const W = 120;
const H = 24;

/** An inline SVG sparkline of `values`, with `label` as its accessible title; '' for no values. */
export const sparkline = (values: ReadonlyArray<number>, label: string, css: string): string => {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1e-9);
  const stepX = values.length === 1 ? 0 : W / (values.length - 1);
  const points = (values.length === 1 ? [values[0]!, values[0]!] : values)
    .map(
      (v, k) =>
        `${Math.round((values.length === 1 ? k * W : k * stepX) * 10) / 10},${Math.round((H - 2 - (v / max) * (H - 4)) * 10) / 10}`,
    )
    .join(' ');
  return `<svg class="spark ${css}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title><polyline points="${points}"/></svg>`;
};
