// Chunked processing's cost: the roadmap's secret scan (`grep -r -l … --include=*.go
// --include=*.md`) as one grep over the tree versus the same step with `chunk_processing` (100
// files a chunk, 2 chunks at once), both run through missionkit, as a ratio in one run; and one
// grep through missionkit against spawning it directly, the floor. Two trees, generated under
// .tmp/ (not committed): 100,000 small files, where listing and 40 process starts are the cost, and
// 2,000 files of 100 KB, where the scanning is.
// Run after `npm run build`: node bench/chunked-scan.bench.mjs
// (MISSIONKIT_DIST=<dir> points it at another build of dist/esm.)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.MISSIONKIT_DIST ?? new URL('../dist/esm', import.meta.url).pathname;
const { runMission } = await import(pathToFileURL(join(dist, 'index.js')).href);

const FILES = 100_000;
const ROUNDS = 5;
const root = new URL('../.tmp/bench-chunked-scan', import.meta.url).pathname;
const PATTERN = 'API_KEY\\|SECRET\\|PASSWORD\\|TOKEN';
const ARGS = ['-r', '-l', PATTERN, '.', '--include=*.go', '--include=*.md'];

/** 200 packages × 10 directories × 50 files: 2% Markdown, 2% Go, a third of those with a secret. */
const generate = () => {
  const marker = `${root}.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(FILES)) return;
  rmSync(root, { recursive: true, force: true });
  rmSync(marker, { force: true });
  let n = 0;
  for (let a = 0; n < FILES; a++)
    for (let b = 0; b < 10 && n < FILES; b++) {
      const dir = join(root, `pkg${a}`, `sub${b}`);
      mkdirSync(dir, { recursive: true });
      for (let c = 0; c < 50; c++, n++) {
        const ext = n % 50 === 0 ? 'md' : n % 50 === 1 ? 'go' : ['js', 'json', 'txt'][n % 3];
        const body = `// file ${n}\n${'const x = 1;\n'.repeat(20)}${n % 150 < 2 ? `API_KEY=k${n}\n` : ''}`;
        writeFileSync(join(dir, `f${c}.${ext}`), body);
      }
    }
  writeFileSync(marker, String(FILES));
};

const LARGE_FILES = 2_000;
const large = new URL('../.tmp/bench-chunked-scan-large', import.meta.url).pathname;

/** Where the scan itself is the work: 2,000 Markdown and Go files of 100 KB (200 MB). */
const generateLarge = () => {
  const marker = `${large}.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(LARGE_FILES)) return;
  rmSync(large, { recursive: true, force: true });
  rmSync(marker, { force: true });
  const filler = 'the quick brown fox jumps over the lazy dog, again and again\n'.repeat(1_600);
  for (let n = 0; n < LARGE_FILES; n++) {
    const dir = join(large, `pkg${n % 20}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${n}.${n % 2 ? 'go' : 'md'}`), `${filler}${n % 10 === 0 ? 'TOKEN\n' : ''}`);
  }
  writeFileSync(marker, String(LARGE_FILES));
};

const mission = (chunked) => ({
  mission: {
    version: '1.0',
    name: chunked ? 'chunked scan' : 'one grep',
    steps: [
      {
        id: 'scan',
        name: 'scan',
        step_type: 'command',
        parameters: {
          command: 'grep',
          args: ARGS,
          ...(chunked ? { chunk_processing: true, max_files_per_chunk: 100, max_parallel_chunks: 2 } : {}),
        },
      },
    ],
    config: { max_parallel_steps: 2 },
  },
});

const direct = (cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn('grep', ARGS, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  const result = await fn();
  return [performance.now() - t, result];
};
const lines = (text) => text.trim().split('\n').sort();

/** Runs the three variants over `dir`, alternating, and prints their ratios. */
const compare = async (label, dir) => {
  const samples = { direct: [], single: [], chunked: [] };
  let check;
  await direct(dir); // warm the page cache
  for (let r = 0; r < ROUNDS; r++) {
    const [d, out] = await time(() => direct(dir));
    samples.direct.push(d);
    const [s, single] = await time(() => runMission(mission(false), { cwd: dir }));
    samples.single.push(s);
    const [c, chunked] = await time(() => runMission(mission(true), { cwd: dir }));
    samples.chunked.push(c);
    check = { out, single, chunked };
  }
  const expected = JSON.stringify(lines(check.out));
  const same =
    JSON.stringify(lines(check.single.steps[0].stdout.text)) === expected &&
    JSON.stringify(check.chunked.steps[0].stdout.text.trim().split('\n')) === expected;
  const chunks = check.chunked.steps[0].output.chunks;
  const ms = (xs) => `${median(xs).toFixed(0)} ms`;
  console.log(
    `chunked-scan ${label}: chunked (100 a chunk, 2 at once) ${(median(samples.chunked) / median(samples.single)).toFixed(2)}× one grep -r — ${ms(samples.chunked)} vs ${ms(samples.single)}, ${chunks.total} chunks over ${chunks.files.toLocaleString('en')} files, ${lines(check.out).length} matches, same output: ${same ? 'yes' : 'NO'}`,
  );
  console.log(
    `chunked-scan ${label}: one grep -r through missionkit ${(median(samples.single) / median(samples.direct)).toFixed(2)}× spawning it directly — ${ms(samples.single)} vs ${ms(samples.direct)}`,
  );
};

generate();
generateLarge();
await compare('100k files', root);
await compare(`${LARGE_FILES.toLocaleString('en')} files of 100 KB`, large);
