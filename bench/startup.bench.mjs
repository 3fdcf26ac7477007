// What a user waits for before anything happens, and the first run's extra cost:
//  - start-up: `missionkit --version`, `missionkit run` of a one-step mission (a no-op step, so the
//    figure is the CLI's own start and not a program's; without the journal, whose fsyncs are the
//    disk's time and not start-up, and then with it, for context), `require('missionkit')`,
//    `await import('missionkit')` and the same for `missionkit/core`, each a fresh `node` process timed
//    from spawn to exit, against `node -e 0` (the floor: Node starting and doing nothing) timed in the
//    same rounds. Each round runs every case once, in turn, so drift on a shared machine falls on all
//    alike; the figure is the median over the rounds.
//    Every case meets the package's code cache as every process after the first one does (the
//    warm-up round below writes it); the same cases without it are printed for context.
//  - the first run: a fresh process imports missionkit by its name, as a host does, and runs a
//    10,000-step no-op mission once (cold: nothing of the run optimised yet, nothing warm) and then
//    again (warm); the ratio is the median cold time over the median warm time across several
//    processes. The floor's own first run, measured the same way, is printed beside it.
// Run after `npm run build`: node bench/startup.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = 21;
const FIRST_RUN_PROCESSES = 9;
const STARTUP_TARGET = 1.5;
const FIRST_RUN_TARGET = 2;

const repo = new URL('..', import.meta.url).pathname;
const cli = join(repo, 'dist', 'cjs', 'cli', 'main.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(join(tmpdir(), 'mk-startup-bench-'));
const mission = join(work, 'one.mission.yaml');
writeFileSync(
  mission,
  'version: "1.0"\nname: one step\nsteps:\n  - id: hello\n    name: Say hello\n    step_type: noop\n    parameters: {}\n',
);

/** Wall time of one fresh `node` process, from spawn to exit; throws if it fails (a broken build must not look fast). */
const timeProcess = ({ args, cwd, env }) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
};

const NO_CACHE = { NODE_DISABLE_COMPILE_CACHE: '1' };

// `require` and `import` by the package's name, resolved through its exports map from the
// repository itself (a package may name itself), as a host's code would.
const cases = {
  floor: { args: ['-e', '0'], cwd: work },
  version: { args: [cli, '--version'], cwd: work },
  run: { args: [cli, 'run', mission, '--no-journal'], cwd: work },
  runJournaled: { args: [cli, 'run', mission], cwd: work },
  require: { args: ['-e', "require('missionkit')"], cwd: repo },
  import: { args: ['--input-type=module', '-e', "await import('missionkit')"], cwd: repo },
  requireCore: { args: ['-e', "require('missionkit/core')"], cwd: repo },
  importCore: { args: ['--input-type=module', '-e', "await import('missionkit/core')"], cwd: repo },
  // The same without the code cache: a process's first load after an install or an upgrade, or
  // with NODE_DISABLE_COMPILE_CACHE set (context, not targets).
  runUncached: { args: [cli, 'run', mission, '--no-journal'], cwd: work, env: NO_CACHE },
  requireUncached: { args: ['-e', "require('missionkit')"], cwd: repo, env: NO_CACHE },
  importUncached: {
    args: ['--input-type=module', '-e', "await import('missionkit')"],
    cwd: repo,
    env: NO_CACHE,
  },
};

try {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const c of Object.values(cases)) timeProcess(c); // warm the file cache
  for (let round = 0; round < ROUNDS; round++)
    for (const [k, c] of Object.entries(cases)) times[k].push(timeProcess(c));
  const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
  const line = (label, key, target, against = 'floor') => {
    const ratio = m[key] / m[against];
    const ok = ratio <= target ? 'ok' : 'MISSED';
    const floorName = against === 'floor' ? '`node -e 0`' : label.replace('/core', '');
    console.log(
      `startup ${label}: ${m[key].toFixed(0)} ms vs ${floorName} ${m[against].toFixed(0)} ms → ${ratio.toFixed(2)}× (target ≤ ${target}×) ${ok}`,
    );
  };
  console.log(`(median of ${ROUNDS} fresh processes each)`);
  line('`missionkit --version`', 'version', STARTUP_TARGET);
  line('`missionkit run --no-journal` of a one-step (no-op) mission', 'run', STARTUP_TARGET);
  // For context, not a start-up target: the default journal creates a run directory and fsyncs it
  // (what journaling costs is bench/journal.bench.mjs's to measure).
  console.log(
    `startup \`missionkit run\` of the same mission, journaled (the default): ${m.runJournaled.toFixed(0)} ms → ${(m.runJournaled / m.floor).toFixed(2)}× \`node -e 0\` (context: the journal's directory and fsyncs)`,
  );
  line("`require('missionkit')`", 'require', STARTUP_TARGET);
  line("`await import('missionkit')`", 'import', STARTUP_TARGET);
  line("`require('missionkit/core')`", 'requireCore', STARTUP_TARGET);
  line("`await import('missionkit/core')`", 'importCore', STARTUP_TARGET);
  // "Lighter still": the core alone against the whole package, both over the floor.
  for (const [label, core, root] of [
    ['require', 'requireCore', 'require'],
    ['import', 'importCore', 'import'],
  ]) {
    const coreCost = m[core] - m.floor;
    const rootCost = m[root] - m.floor;
    console.log(
      `startup missionkit/core by ${label}: ${coreCost.toFixed(0)} ms over the floor vs ${rootCost.toFixed(0)} ms for missionkit (target: less) ${coreCost < rootCost ? 'ok' : 'MISSED'}`,
    );
  }

  console.log(
    `startup without the code cache (a first load after an install, or NODE_DISABLE_COMPILE_CACHE=1; context): ${[
      ['run --no-journal', 'runUncached'],
      ['require', 'requireUncached'],
      ['import', 'importUncached'],
    ]
      .map(([label, key]) => `${label} ${m[key].toFixed(0)} ms → ${(m[key] / m.floor).toFixed(2)}×`)
      .join(', ')}`,
  );

  // The first run: each process prints its cold and warm times as JSON. The floor's own first run
  // (the scheduler bench's floor: an async loop over the same graph, a dozen lines, no engine) is
  // measured the same way in processes of its own, alternating with missionkit's, for context:
  // what any JavaScript pays on Node before V8 has optimised it.
  const firstRun = (run) => `
    import { noopMission, kahn } from ${JSON.stringify(join(repo, 'bench', 'noop-mission.mjs'))};
    ${run === 'missionkit' ? "import { runMission } from 'missionkit';" : ''}
    const mission = noopMission(10_000);
    const once = ${
      run === 'missionkit'
        ? "async () => { const report = await runMission(mission); if (report.status !== 'succeeded') throw new Error('the bench mission ' + report.status); }"
        : 'async () => { if ((await kahn(mission)).length !== 10_000) throw new Error("the floor lost steps"); }'
    };
    const time = async () => {
      const t0 = performance.now();
      await once();
      return performance.now() - t0;
    };
    const cold = await time();
    const warm = [];
    for (let i = 0; i < 5; i++) warm.push(await time());
    console.log(JSON.stringify({ cold, warm: warm.sort((a, b) => a - b)[2] }));
  `;
  const firstRuns = { missionkit: { cold: [], warm: [] }, floor: { cold: [], warm: [] } };
  for (let p = 0; p < FIRST_RUN_PROCESSES; p++)
    for (const run of ['missionkit', 'floor']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', firstRun(run)], {
        cwd: repo,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`the first-run process (${run}) failed:\n${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
      firstRuns[run].cold.push(out.cold);
      firstRuns[run].warm.push(out.warm);
    }
  const perStep = (ms) => ((ms * 1000) / 10_000).toFixed(1);
  const { cold, warm } = firstRuns.missionkit;
  const ratio = median(cold) / median(warm);
  const floorRatio = median(firstRuns.floor.cold) / median(firstRuns.floor.warm);
  console.log(
    `first run of a 10,000-step no-op mission: ${perStep(median(cold))} µs/step cold vs ${perStep(median(warm))} µs/step warm → ${ratio.toFixed(2)}× (target ≤ ${FIRST_RUN_TARGET}×) ${ratio <= FIRST_RUN_TARGET ? 'ok' : 'MISSED'} (median of ${FIRST_RUN_PROCESSES} fresh processes)`,
  );
  console.log(
    `  the floor's own first run (context: an async loop over the same graph, no engine): ${perStep(median(firstRuns.floor.cold))} µs/step cold vs ${perStep(median(firstRuns.floor.warm))} µs/step warm → ${floorRatio.toFixed(2)}×`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
