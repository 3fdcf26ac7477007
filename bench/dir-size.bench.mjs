// The size measurement behind adaptive timeouts, on a 100,000-file tree generated under .tmp/
// (not committed), as a ratio against `du -sb` measured in the same run:
//  - missionkit's measurement as a run uses it (GNU find where present, else the Node walk);
//  - the Node walk alone (what macOS and Windows get);
//  - what a time budget costs when it cuts the walk short, and how close the extrapolation lands.
// Run after `npm run build`: node bench/dir-size.bench.mjs
// (MISSIONKIT_DIST=<dir> points it at another, unbundled, build of dist/esm.)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.MISSIONKIT_DIST;
const { measurePaths, measureWithNode, hasGnuFind } = await import(
  dist === undefined ? './internals.mjs' : pathToFileURL(join(dist, 'node/dir-size.js')).href
);

const FILES = 100_000;
const ROUNDS = 7;
const TARGET = 2;
const root = new URL('../.tmp/bench-dir-size', import.meta.url).pathname;
const NO_FILTER = { include: [], exclude: [], exclude_dirs: [] };

/** 200 packages × 10 directories × 50 files of 0–2 KB; regenerated only when missing. */
const generate = () => {
  const marker = `${root}.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(FILES)) return;
  rmSync(root, { recursive: true, force: true });
  rmSync(marker, { force: true });
  const exts = ['js', 'json', 'txt', 'ts', 'go', 'md', 'log'];
  let n = 0;
  for (let a = 0; n < FILES; a++)
    for (let b = 0; b < 10 && n < FILES; b++) {
      const dir = join(root, `pkg${a}`, `sub${b}`);
      mkdirSync(dir, { recursive: true });
      for (let c = 0; c < 50 && n < FILES; c++, n++)
        writeFileSync(join(dir, `f${c}.${exts[n % exts.length]}`), 'x'.repeat((n * 37) % 2048));
    }
  writeFileSync(marker, String(FILES));
};

const du = () =>
  new Promise((resolve, reject) => {
    const child = spawn('du', ['-sb', root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(Number(out.split('\t')[0])));
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  const result = await fn();
  return [performance.now() - t, result];
};

generate();
const options = { cwd: root, filter: NO_FILTER, budget_ms: 60_000 };
const samples = { du: [], missionkit: [], node: [] };
let last;
// Warm the page cache and the code paths once, then alternate so drift hits every variant alike.
await du();
await measurePaths(['.'], options);
await measureWithNode(['.'], options);
for (let r = 0; r < ROUNDS; r++) {
  samples.du.push((await time(du))[0]);
  const [ms, m] = await time(() => measurePaths(['.'], options));
  samples.missionkit.push(ms);
  last = m;
  samples.node.push((await time(() => measureWithNode(['.'], options)))[0]);
}
const floor = median(samples.du);
const ratio = (xs) => (median(xs) / floor).toFixed(2);
const engine = (await hasGnuFind()) ? 'GNU find' : 'Node walk';
console.log(`du -sb: ${floor.toFixed(0)} ms for ${FILES.toLocaleString('en')} files (median of ${ROUNDS})`);
console.log(
  `dir-size 100k files: missionkit ${ratio(samples.missionkit)}× du -sb (target ≤ ${TARGET}×) — ${median(samples.missionkit).toFixed(0)} ms, ${engine}, ${last.files} files, ${(last.bytes / 1e6).toFixed(1)} MB`,
);
console.log(
  `dir-size 100k files: Node walk alone ${ratio(samples.node)}× du -sb (what macOS and Windows get) — ${median(samples.node).toFixed(0)} ms`,
);

// A budget far too short for the tree: what it costs, and how far the estimate is from the truth.
for (const [name, measure] of [
  [engine, measurePaths],
  ['Node walk', measureWithNode],
]) {
  for (const budget of [20, 50, 100]) {
    const cuts = [];
    for (let r = 0; r < ROUNDS; r++) cuts.push(await measure(['.'], { ...options, budget_ms: budget }));
    const m = cuts.sort((a, b) => a.elapsed_ms - b.elapsed_ms)[Math.floor(cuts.length / 2)];
    const estimate = m.complete
      ? 'walk finished'
      : `estimated ${m.files.toLocaleString('en')} files (${((m.files / FILES) * 100).toFixed(0)}% of the real ${FILES.toLocaleString('en')}), walked ${m.walked.files.toLocaleString('en')}`;
    console.log(
      `dir-size 100k files, budget ${budget} ms (${name}): stopped after ${m.elapsed_ms.toFixed(0)} ms (${(m.elapsed_ms / budget).toFixed(2)}× the budget), ${estimate}`,
    );
  }
}
