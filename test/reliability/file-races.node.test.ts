// File steps racing a process that swaps their path for a symlink leading outside the working
// directory, as fast as it can: not one read returns the outside file, not one write lands outside.
// The paths are checked, then entered from the root without following a symlink, so a swap after
// the check fails the step (or the check refuses it) instead of escaping.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { fixture } from '../node/run-fixture.js';

const N = 300;

let base: string;
let root: string;
let outside: string;
let swapper: ChildProcess | undefined;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-races-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
});
afterEach(async () => {
  await stopSwapping();
  swapper = undefined;
  fs.rmSync(base, { recursive: true, force: true });
});

/** Stops the swapping loop. */
const stopSwapping = async (): Promise<void> => {
  if (swapper !== undefined && swapper.exitCode === null && swapper.signalCode === null) {
    const gone = new Promise((resolve) => swapper!.once('exit', resolve));
    swapper.kill('SIGKILL');
    await gone;
  }
};

/** Starts the swapping loop and waits until it runs. */
const swap = async (kind: 'file' | 'dir', target: string, to: string): Promise<void> => {
  swapper = spawn(process.execPath, [fixture('swap-loop'), kind, target, to], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => swapper!.stdout!.once('data', () => resolve()));
};

const steps = (make: (i: number) => string): string =>
  Array.from(
    { length: N },
    (_, i) => `  - { id: s${i}, name: s${i}, continue_on_error: true, ${make(i)} }`,
  ).join('\n');

const run = (body: string): Promise<MissionReport> =>
  runMission(
    { text: `version: "1.0"\nname: races\nconfig: { max_parallel_steps: 6 }\nsteps:\n${body}\n` },
    { cwd: root },
  );

describe('a path swapped for a symlink to outside while file steps use it', () => {
  it(`read_file: 0 of ${N} reads return the outside file`, async () => {
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'OUTSIDE');
    fs.writeFileSync(path.join(root, 'data.txt'), 'inside');
    await swap('file', path.join(root, 'data.txt'), path.join(outside, 'secret.txt'));
    const report = await run(steps(() => 'step_type: read_file, parameters: { path: data.txt }'));
    const contents = report.steps.map((s) => (s.output as { content?: string } | undefined)?.content);
    expect(contents.filter((c) => c === 'OUTSIDE')).toHaveLength(0);
    expect(JSON.stringify(report)).not.toContain('OUTSIDE');
    // The race was real: reads went through, and others were refused or failed as changed.
    expect(contents.filter((c) => c === 'inside').length).toBeGreaterThan(0);
    for (const s of report.steps.filter((x) => x.outcome === 'failed'))
      expect(s.message).toMatch(/outside the working directory|changed while in use|no such file/);
  }, 120_000);

  it(`create_file: 0 of ${N} writes land outside, and nothing is left there`, async () => {
    fs.mkdirSync(path.join(root, 'sub'));
    await swap('dir', path.join(root, 'sub'), outside);
    const report = await run(
      steps((i) => `step_type: create_file, parameters: { path: sub/out-${i}.txt, content: "written ${i}" }`),
    );
    await stopSwapping();
    expect(fs.readdirSync(outside)).toEqual([]);
    // The race was real: writes went through, every one of them inside.
    const written = report.steps.filter((s) => s.outcome === 'succeeded');
    expect(written.length).toBeGreaterThan(0);
    // Wherever the swapping left the directory (aside, or kept beside one a step created anew).
    const inside = (fs.readdirSync(root, { recursive: true }) as string[]).filter((n) =>
      path.basename(n).startsWith('out-'),
    );
    expect(inside.length).toBe(written.length);
    for (const s of report.steps.filter((x) => x.outcome === 'failed'))
      expect(s.message).toMatch(
        /outside the working directory|changed while in use|no such file|cannot be checked|could not write/,
      );
  }, 120_000);

  it(`edit_file (append): 0 of ${N} edits land outside`, async () => {
    fs.mkdirSync(path.join(root, 'sub'));
    await swap('dir', path.join(root, 'sub'), outside);
    const report = await run(
      steps(
        (i) =>
          `step_type: edit_file, parameters: { path: sub/log-${i % 5}.txt, content: "line ${i}", append: true }`,
      ),
    );
    await stopSwapping();
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(report.steps.filter((s) => s.outcome === 'succeeded').length).toBeGreaterThan(0);
  }, 120_000);

  it(`copy_file: 0 of ${N} copies read the outside file, 0 write outside`, async () => {
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'OUTSIDE');
    fs.writeFileSync(path.join(root, 'data.txt'), 'inside');
    await swap('file', path.join(root, 'data.txt'), path.join(outside, 'secret.txt'));
    const report = await run(
      steps((i) => `step_type: copy_file, parameters: { source: data.txt, destination: copies/c-${i}.txt }`),
    );
    await stopSwapping();
    const copies = fs.readdirSync(path.join(root, 'copies'));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(fs.readFileSync(path.join(root, 'copies', c), 'utf8')).toBe('inside');
    expect(report.steps.filter((s) => s.outcome === 'succeeded').length).toBe(copies.length);
  }, 120_000);

  it(`copy_file and move_file into a swapped directory: nothing lands outside`, async () => {
    fs.writeFileSync(path.join(root, 'data.txt'), 'inside');
    for (let i = 0; i < N; i++) fs.writeFileSync(path.join(root, `m-${i}.txt`), `${i}`);
    fs.mkdirSync(path.join(root, 'sub'));
    await swap('dir', path.join(root, 'sub'), outside);
    const report = await run(
      steps((i) =>
        i % 2 === 0
          ? `step_type: copy_file, parameters: { source: data.txt, destination: sub/c-${i}.txt }`
          : `step_type: move_file, parameters: { source: m-${i}.txt, destination: sub/m-${i}.txt }`,
      ),
    );
    await stopSwapping();
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(report.steps.filter((s) => s.outcome === 'succeeded').length).toBeGreaterThan(0);
  }, 120_000);

  it(`delete_file in a swapped directory: 0 of ${N} deletions remove an outside file`, async () => {
    fs.mkdirSync(path.join(root, 'sub'));
    for (let i = 0; i < N; i++) {
      fs.writeFileSync(path.join(outside, `v-${i}.txt`), 'keep');
      fs.writeFileSync(path.join(root, 'sub', `v-${i}.txt`), 'delete me');
    }
    await swap('dir', path.join(root, 'sub'), outside);
    const report = await run(steps((i) => `step_type: delete_file, parameters: { path: sub/v-${i}.txt }`));
    await stopSwapping();
    expect(fs.readdirSync(outside)).toHaveLength(N);
    expect(report.steps.filter((s) => s.outcome === 'succeeded').length).toBeGreaterThan(0);
  }, 120_000);
});
