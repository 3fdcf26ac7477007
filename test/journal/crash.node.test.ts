// The crash test of durable runs: a real host (test/fixtures/journal-host.js, the public API) runs
// a 20-step mission whose steps note every start, tick and end in marker files, and is SIGKILLed
// at 50 moments — before the first event, right after a spawn, mid-output, during a retry delay,
// during a kill grace, between two journal writes — chosen from a seeded random, so a failure
// reproduces (MK_CRASH_SEED picks another series). A new host resumes each run, and for every
// crash: attempts settled before the crash ran exactly once; an interrupted step ran at most once
// more and never beside its first copy; the `on_interrupt: fail` step ran at most once; the
// report is the uninterrupted run's, timing aside; no process of the first host is left.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { expectAllGone } from '../node/liveness.js';

const HOST = path.resolve(__dirname, '../fixtures/journal-host.js');
const STEP = path.resolve(__dirname, '../fixtures/journal-step.sh');
const SEED = Number(process.env.MK_CRASH_SEED ?? 18);
const CASES = 50;
const AT_ONCE = 6;

interface StepSpec {
  readonly id: string;
  readonly ms: number;
  readonly deps?: ReadonlyArray<string>;
  readonly extra?: string;
  readonly code?: number;
  readonly ignoreTerm?: boolean;
}

const W = Array.from({ length: 12 }, (_, i): StepSpec => ({
  id: `w${i}`,
  ms: 50,
  deps: [i < 4 ? 'b' : `w${i - 4}`],
}));

const STEPS: ReadonlyArray<StepSpec> = [
  { id: 'a', ms: 100 },
  { id: 'b', ms: 100, deps: ['a'] },
  { id: 'long', ms: 500, deps: ['b'] },
  { id: 'once', ms: 300, deps: ['b'], extra: '    on_interrupt: fail\n    continue_on_error: true\n' },
  {
    id: 'retry',
    ms: 100,
    code: 1,
    deps: ['b'],
    extra:
      '    retry: { max_attempts: 2, backoff: fixed, delay_seconds: 0.4 }\n    continue_on_error: true\n',
  },
  {
    id: 'grace',
    ms: 2000,
    ignoreTerm: true,
    deps: ['b'],
    extra: '    timeout_seconds: 0.3\n    continue_on_error: true\n',
  },
  ...W,
  {
    id: 'join',
    ms: 50,
    deps: ['long', 'once', 'retry', 'grace', 'w8', 'w9', 'w10', 'w11'],
    extra: '    dependency_strategy: best_effort\n',
  },
  { id: 'last', ms: 50, deps: ['join'] },
];
const IDS = STEPS.map((s) => s.id);
const index = (id: string): number => IDS.indexOf(id);

const MISSION = `version: "1.0"
name: crash
config:
  max_parallel_steps: 6
  kill_grace_seconds: 0.5
  fail_fast: false
steps:
${STEPS.map(
  (s) => `  - id: ${s.id}
    name: ${s.id}
    step_type: command
${s.deps !== undefined ? `    depends_on: [${s.deps.join(', ')}]\n` : ''}${s.extra ?? ''}    parameters:
      command: /bin/sh
      args: [${JSON.stringify(STEP)}, "${s.id}.log", "${s.ms}", "${s.code ?? 0}"${s.ignoreTerm === true ? ', "ignore-term"' : ''}]
`,
).join('')}`;

/** A crash moment, as journal-host.js reads it from MK_CRASH. */
interface Crash {
  readonly name: string;
  /** A named moment the first host must reach (a random one may come after the run ended). */
  readonly named?: boolean;
  readonly kind: string;
  readonly step?: number;
  readonly attempt?: number;
  readonly nth: number;
  readonly delayMs?: number;
}

/** mulberry32: a small seeded random, so the series of moments is the same on every run. */
const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The named moments, each once, then random ones: a step's spawn, output, or any journal entry. */
const moments = (entries: number): Crash[] => {
  const random = seeded(SEED);
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(random() * xs.length)]!;
  const named: Crash[] = [
    { name: 'before the first event', kind: 'create', nth: 1 },
    { name: 'right after a spawn', kind: 'process', step: index('long'), nth: 1 },
    {
      name: 'right after the spawn of the step that must not run twice',
      kind: 'process',
      step: index('once'),
      nth: 1,
    },
    { name: 'mid-output', kind: 'step_output', step: index('long'), nth: 3 },
    {
      name: 'mid-output of the step that must not run twice',
      kind: 'step_output',
      step: index('once'),
      nth: 2,
    },
    {
      name: 'during a retry delay',
      kind: 'step_finished',
      step: index('retry'),
      attempt: 1,
      nth: 1,
      delayMs: 250,
    },
    {
      // The timeout falls 0.3 s after the spawn and the grace lasts 0.5 s.
      name: 'during a kill grace',
      kind: 'process',
      step: index('grace'),
      nth: 1,
      delayMs: 550,
    },
    { name: 'between two journal writes at the end', kind: 'step_finished', step: index('join'), nth: 1 },
  ];
  const out: Crash[] = named.map((c) => ({ ...c, named: true }));
  while (out.length < CASES) {
    const r = random();
    if (r < 0.5) {
      const nth = 1 + Math.floor(random() * entries);
      out.push({
        name: `between journal writes ${nth} and ${nth + 1}`,
        kind: 'entry',
        nth,
        delayMs: pick([0, 0, 5, 30]),
      });
    } else if (r < 0.75) {
      const step = Math.floor(random() * IDS.length);
      out.push({
        name: `right after the spawn of ${IDS[step]!}`,
        kind: 'process',
        step,
        nth: 1,
        delayMs: pick([0, 2, 10]),
      });
    } else {
      const step = pick(['long', 'once', 'grace'].map(index));
      const nth = 1 + Math.floor(random() * 3);
      out.push({
        name: `mid-output of ${IDS[step]!} (${nth})`,
        kind: 'step_output',
        step,
        nth,
        delayMs: pick([0, 15]),
      });
    }
  }
  return out;
};

const distIndex = (): string => path.join(path.dirname(path.dirname(builtCli())), 'index.js');

/** Runs the host to its end (or its death); resolves how it ended. */
const host = (dir: string, mode: 'run' | 'resume', runId: string, crash?: Crash) =>
  new Promise<{ pid: number; signal: NodeJS.Signals | null; code: number | null }>((resolve) => {
    const child = spawn(process.execPath, [HOST, distIndex(), dir, mode, runId], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...(crash !== undefined ? { MK_CRASH: JSON.stringify(crash) } : {}) },
    });
    child.on('exit', (code, signal) => resolve({ pid: child.pid!, signal, code }));
  });

const logOf = (dir: string, id: string): string[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
};

const starts = (lines: ReadonlyArray<string>): number[] =>
  lines.filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[1]));

/** Every pid a step's copies noted (the shells; their `sleep`s are found by marker below). */
const allPids = (dir: string): number[] =>
  IDS.flatMap((id) => logOf(dir, id).map((l) => Number(l.split(' ')[1])));

/** Live processes carrying a tree marker of this run: the children of the steps' shells included. */
const markedProcesses = (runId: string): number[] =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const env = fs.readFileSync(`/proc/${d}/environ`, 'latin1');
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'latin1');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return env.includes(`mk.${runId}.`) && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);

interface Attempt {
  readonly interrupted?: boolean;
  readonly outcome: string;
  readonly exit_code?: number;
  readonly kill_reason?: string;
}
interface Step {
  readonly id: string;
  readonly status: string;
  readonly outcome: string;
  readonly conclusion: string;
  readonly exit_code?: number;
  readonly kill_reason?: string;
  readonly skip_reason?: string;
  readonly attempts: ReadonlyArray<Attempt>;
}
interface Report {
  readonly status: string;
  readonly steps: ReadonlyArray<Step>;
}

/** A step's result without timing and without interrupted attempts. */
const shape = (s: Step): unknown => ({
  id: s.id,
  status: s.status,
  outcome: s.outcome,
  conclusion: s.conclusion,
  exit_code: s.exit_code,
  kill_reason: s.kill_reason,
  skip_reason: s.skip_reason,
  attempts: s.attempts
    .filter((a) => a.interrupted !== true)
    .map((a) => [a.outcome, a.exit_code, a.kill_reason]),
});

/** Step index → how many of its attempts ended in the journal the dead host left. */
const endedInJournal = (dir: string, runId: string): Map<number, number> => {
  const file = path.join(dir, 'runs', runId, 'events.jsonl');
  const ended = new Map<number, number>();
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line.includes('"step_finished"')) continue;
    try {
      const step = (JSON.parse(line) as { event: { step: number } }).event.step;
      ended.set(step, (ended.get(step) ?? 0) + 1);
    } catch {
      // The line a crash cut short.
    }
  }
  return ended;
};

const readReport = (dir: string, mode: string): Report => {
  const file = path.join(dir, `report-${mode}.json`);
  if (!fs.existsSync(file)) {
    const error = path.join(dir, `error-${mode}.txt`);
    throw new Error(
      `no report from the ${mode} host: ${fs.existsSync(error) ? fs.readFileSync(error, 'utf8') : 'it died'}`,
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
};

/** One crash and its resume; resolves the problems found (none when every promise held). */
const crashAndResume = async (
  root: string,
  n: number,
  crash: Crash,
  reference: Report,
): Promise<string[]> => {
  const dir = fs.mkdtempSync(path.join(root, `case-${n}-`));
  // Run ids differ between cases: a resume kills the processes of its own run id only.
  // Unique on this machine across test runs too: a marker is made of the run id.
  const runId = `crash-${SEED}-${n}-${process.pid}`;
  fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  const problems: string[] = [];
  const first = await host(dir, 'run', runId, crash);
  const crashed = fs.existsSync(path.join(dir, 'crashed'));
  if (crashed && first.signal !== 'SIGKILL')
    problems.push(`the first host was meant to die but ended ${first.signal ?? first.code}`);
  // Every named moment is reached: the mission always gets there.
  if (!crashed && crash.named === true)
    problems.push(`the first host ran to its end without reaching the moment "${crash.name}"`);
  if (crash.name === 'during a kill grace' && !logOf(dir, 'grace').some((l) => l.startsWith('term ')))
    problems.push('the kill grace had not started when the host died');
  const ended = endedInJournal(dir, runId);
  const before = Object.fromEntries(IDS.map((id) => [id, starts(logOf(dir, id))]));

  const second = await host(dir, 'resume', runId);
  if (second.code !== 0) problems.push(`the resuming host ended ${second.signal ?? second.code}`);
  const report = readReport(dir, 'resume');

  for (const [i, id] of IDS.entries()) {
    const lines = logOf(dir, id);
    const pids = starts(lines);
    const ref = reference.steps[i]!.attempts.length;
    const got = report.steps[i]!;
    // Attempts whose end the journal held: each ran once, none again.
    if ((ended.get(i) ?? 0) >= ref && pids.length !== ref)
      problems.push(`${id} had settled before the crash (${ref} attempts) but ran ${pids.length} times`);
    if (pids.length > ref + 1)
      problems.push(`${id} ran ${pids.length} times; at most ${ref} + 1 interrupted`);
    if (id === 'once' && pids.length > 1) problems.push(`once (on_interrupt: fail) ran ${pids.length} times`);
    // Never two copies at once: an earlier copy noted nothing after a later one started.
    for (let c = 1; c < pids.length; c++) {
      const from = lines.indexOf(`start ${pids[c]}`);
      const overlap = lines.slice(from).filter((l) => l.endsWith(` ${pids[c - 1]}`));
      if (overlap.length > 0)
        problems.push(`${id}: copy ${pids[c - 1]} went on after ${pids[c]} started: ${overlap[0]}`);
    }
    // The report is the uninterrupted run's, but for a step an interrupt settled (on_interrupt: fail).
    if (
      got.attempts.at(-1)?.interrupted !== true &&
      JSON.stringify(shape(got)) !== JSON.stringify(shape(reference.steps[i]!))
    )
      problems.push(
        `${id} ended ${JSON.stringify(shape(got))}, uninterrupted ${JSON.stringify(shape(reference.steps[i]!))}`,
      );
  }
  if (
    !report.steps.some((s) => s.attempts.at(-1)?.interrupted === true) &&
    report.status !== reference.status
  )
    problems.push(`the mission ended ${report.status}, uninterrupted ${reference.status}`);
  // Nothing of the first host is left: its own process, the steps' shells, their children.
  await expectAllGone([first.pid, ...Object.values(before).flat(), ...allPids(dir)]);
  const marked = markedProcesses(runId);
  if (marked.length > 0) problems.push(`processes of the run are left: ${marked.join(', ')}`);
  if (problems.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return problems.map((p) => `case ${n} (${crash.name}; MK_CRASH='${JSON.stringify(crash)}'; ${dir}): ${p}`);
};

const maybe = process.platform === 'linux' ? it : it.skip;

maybe(
  '50 crashes of a real host, each resumed by a new one, keep every promise of a durable run',
  async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-crash-'));
    try {
      // The uninterrupted run: the report every resumed run must end with, and its journal's length.
      const dir = path.join(root, 'reference');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
      const ran = await host(dir, 'run', `crash-${SEED}-reference`);
      expect(ran.code).toBe(0);
      const reference = readReport(dir, 'run');
      expect(
        reference.steps
          .map((s) => [s.id, s.outcome, s.attempts.length])
          .filter(([id]) => !String(id).startsWith('w')),
      ).toEqual([
        ['a', 'succeeded', 1],
        ['b', 'succeeded', 1],
        ['long', 'succeeded', 1],
        ['once', 'succeeded', 1],
        ['retry', 'failed', 2],
        ['grace', 'timed_out', 1],
        ['join', 'succeeded', 1],
        ['last', 'succeeded', 1],
      ]);
      const entries =
        fs.readFileSync(path.join(dir, 'runs', `crash-${SEED}-reference`, 'events.jsonl'), 'utf8').split('\n')
          .length - 1;

      const cases = moments(entries);
      const problems: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: AT_ONCE }, async () => {
          while (next < cases.length) {
            const n = next++;
            problems.push(...(await crashAndResume(root, n, cases[n]!, reference)));
          }
        }),
      );
      expect(problems).toEqual([]);
    } finally {
      if (fs.readdirSync(root).every((d) => d === 'reference'))
        fs.rmSync(root, { recursive: true, force: true });
    }
  },
  300_000,
);
