// The dependency graph of a report, laid out in waves: wave 0 waits for nothing, wave k for
// steps of earlier waves only. Derived from each step's `depends_on`, so it works for any report,
// also one whose steps ran on other hosts; a report without `depends_on` is one wave.
import type { StepResult } from '../scheduler/report.js';

/** Each step's wave (by index), and the steps of each wave (in declaration order). */
export interface WaveLayout {
  readonly waveOf: ReadonlyArray<number>;
  readonly waves: ReadonlyArray<ReadonlyArray<number>>;
  /** For each step, the indices of the steps it waits for (unknown ids left out). */
  readonly dependencies: ReadonlyArray<ReadonlyArray<number>>;
}

/** Lays out the steps in waves; linear in steps + edges, without recursion (chains can be long). */
export const waveLayout = (steps: ReadonlyArray<StepResult>): WaveLayout => {
  const index = new Map<string, number>();
  steps.forEach((s, i) => index.set(s.id, i));
  const dependencies = steps.map((s) =>
    (s.depends_on ?? []).map((d) => index.get(d)).filter((d): d is number => d !== undefined),
  );
  const wave = new Array<number>(steps.length).fill(-1);
  // -2 marks a step on the current path: a cycle (only in a hand-made report) is cut there.
  for (let root = 0; root < steps.length; root++) {
    if (wave[root] !== -1) continue;
    const stack: Array<[number, number]> = [[root, 0]];
    wave[root] = -2;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [i, k] = top;
      const deps = dependencies[i]!;
      if (k < deps.length) {
        top[1] = k + 1;
        const d = deps[k]!;
        if (wave[d] === -1) {
          wave[d] = -2;
          stack.push([d, 0]);
        }
        continue;
      }
      let w = 0;
      for (const d of deps) if (wave[d]! >= 0) w = Math.max(w, wave[d]! + 1);
      wave[i] = w;
      stack.pop();
    }
  }
  const waves: number[][] = [];
  wave.forEach((w, i) => (waves[w] ??= []).push(i));
  return { waveOf: wave, waves: Array.from(waves, (w) => w ?? []), dependencies };
};
