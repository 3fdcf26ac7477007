// What journaling a run costs, as ratios against the same run unjournaled, measured in this run:
//  - 200 `true` commands, one after another (each start waits for one group commit: the end of the
//    step before it is fsynced first);
//  - 10,000 no-op steps (the journal's write path with nothing else to hide it; no-op steps reach
//    nothing outside the run, so they wait for no commit);
//  - resuming a journal of 10,000 steps that ran to their end (reading it, planning the mission
//    again, replaying every event) against running the same 10,000 steps unjournaled.
// Run after `npm run build`: node bench/journal.bench.mjs
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileJournal, resumeMission, runMission } from '../dist/esm/index.js';

const ROUNDS = 7;
const COMMANDS = 200;
const NOOPS = 10_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const commandMission = {
  version: '1.0',
  name: 'journal bench: commands',
  steps: Array.from({ length: COMMANDS }, (_, i) => ({
    id: `c${i}`,
    name: `c${i}`,
    step_type: 'command',
    parameters: { command: 'true' },
    ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}),
  })),
};

const noopMission = {
  version: '1.0',
  name: 'journal bench: no-ops',
  config: { max_parallel_steps: 16 },
  steps: Array.from({ length: NOOPS }, (_, i) => ({
    id: `s${i}`,
    name: `s${i}`,
    step_type: 'noop',
    parameters: {},
    ...(i > 0 && i % 3 !== 0 ? { depends_on: [`s${i - 1}`] } : {}),
  })),
};

const root = mkdtempSync(join(tmpdir(), 'mk-journal-bench-'));
let runs = 0;

/**
 * What the flush policy itself costs here: one fdatasync of a small append, on the disk the journal
 * uses, median of 200. A chained step may not start before its predecessor's end is durable, so
 * every command step of the chain waits for one of these whatever the journal's code does. Measured
 * with `gapMs` of idleness before each, as in the run (a step's process runs between two commits):
 * a virtual disk's flush costs more after an idle gap than back to back.
 */
const fdatasyncMs = async (gapMs) => {
  const fd = openSync(join(root, 'fdatasync-probe'), 'w');
  const times = [];
  try {
    for (let i = 0; i < 200; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      writeSync(fd, `${'x'.repeat(200)}\n`);
      const t0 = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
  }
  return median(times);
};

const time = async (f) => {
  globalThis.gc?.();
  const t0 = performance.now();
  const report = await f();
  const ms = performance.now() - t0;
  if (report.status !== 'succeeded') throw new Error(`the bench mission ${report.status}`);
  return ms;
};

const plain = (mission) => () => runMission({ mission });
const journaled = (mission, runId) => () =>
  runMission({ mission }, { journal: fileJournal(root), runId: runId ?? `r${(runs += 1)}` });

try {
  for (const [label, mission, target] of [
    [`${COMMANDS} \`true\` commands`, commandMission, 1.05],
    [`${NOOPS.toLocaleString('en')} no-op steps`, noopMission, 1.5],
  ]) {
    const off = [];
    const on = [];
    await time(plain(mission)); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      // Alternated, so drift on the shared machine falls on both alike.
      off.push(await time(plain(mission)));
      on.push(await time(journaled(mission)));
    }
    console.log(
      `journal ${label}: journal on ${(median(on) / median(off)).toFixed(2)}× off — ${median(on).toFixed(0)} ms vs ${median(off).toFixed(0)} ms (median of ${ROUNDS}; target ≤ ${target}×)`,
    );
    if (mission === commandMission) {
      // The part no journal can remove: one fdatasync per chained step, measured now, with the
      // idle gap a step's process leaves between two commits (and back to back, for comparison).
      const stepMs = median(off) / COMMANDS;
      const sync = await fdatasyncMs(Math.max(1, Math.round(stepMs)));
      const backToBack = await fdatasyncMs(0);
      const floor = median(off) + COMMANDS * sync;
      console.log(
        `journal ${label}: the flush policy's floor here — ${COMMANDS} fdatasyncs of ${sync.toFixed(3)} ms (after a ${Math.round(stepMs)} ms idle gap; ${backToBack.toFixed(3)} ms back to back) = ${(floor / median(off)).toFixed(3)}× off; journal on is ${(median(on) / floor).toFixed(2)}× that floor`,
      );
    }
  }

  await time(journaled(noopMission, 'resume-me'));
  const resumes = [];
  const floor = [];
  for (let r = 0; r < ROUNDS; r++) {
    floor.push(await time(plain(noopMission)));
    resumes.push(await time(() => resumeMission('resume-me', { journal: fileJournal(root) })));
  }
  console.log(
    `journal resume of ${NOOPS.toLocaleString('en')} steps: ${(median(resumes) / median(floor)).toFixed(2)}× running them unjournaled — ${median(resumes).toFixed(0)} ms vs ${median(floor).toFixed(0)} ms (median of ${ROUNDS}; target under 1 s)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
