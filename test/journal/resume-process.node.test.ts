// A real host dies: a Node process running a journaled mission through the public API is SIGKILLed
// while two steps run, and a new process resumes the run. What ran before the crash does not run
// again, the interrupted step reruns only after its first copy is gone, the step that must not run
// twice does not, and nothing the first host started is left. (crash.node.test.ts crashes a host
// at 50 moments.)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { expectAllGone } from '../node/liveness.js';
import { runCli } from '../cli/run-cli.js';

const FIXTURE = path.resolve(__dirname, '../fixtures/journal-step.js');

const step = (id: string, ms: number, extra: string): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FIXTURE)}, "${id}.log", "${ms}"] }
`;

const MISSION = `version: "1.0"
name: durable
steps:
${step('a', 50, '')}${step('b', 50, '    depends_on: [a]\n')}${step('long', 1500, '    depends_on: [b]\n')}${step(
  'once',
  1500,
  '    depends_on: [b]\n    on_interrupt: fail\n    continue_on_error: true\n',
)}${step('c', 50, '    depends_on: [long]\n')}${step('d', 50, '    depends_on: [c, once]\n    dependency_strategy: best_effort\n')}config:
  max_parallel_steps: 4
`;

const runHost = (dir: string, body: string) =>
  spawn(
    process.execPath,
    [
      '-e',
      `const mk = require(${JSON.stringify(path.join(path.dirname(path.dirname(builtCli())), 'index.js'))});
       const journal = mk.fileJournal(${JSON.stringify(path.join(dir, 'runs'))});
       ${body}.then((r) => console.log('REPORT ' + JSON.stringify(r)), (e) => console.log('ERROR ' + e.message));`,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );

const linesOf = (dir: string, id: string): string[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
};

const pidsStarted = (lines: ReadonlyArray<string>): number[] =>
  lines.filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[1]));

const waitFor = async (what: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

it('resumes a run whose host was SIGKILLed: settled steps once, interrupted rerun after its copy is gone', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-resume-'));
  try {
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
    const first = runHost(dir, `mk.runMission('mission.yaml', { journal, runId: 'r1' })`);
    const firstExit = new Promise((resolve) => first.on('exit', resolve));
    // Both long steps are running (each has ticked): the host dies now.
    await waitFor(
      () =>
        linesOf(dir, 'long').some((l) => l.startsWith('tick')) &&
        linesOf(dir, 'once').some((l) => l.startsWith('tick')),
      30_000,
    );
    first.kill('SIGKILL');
    await firstExit;
    const orphans = [...pidsStarted(linesOf(dir, 'long')), ...pidsStarted(linesOf(dir, 'once'))];
    expect(orphans).toHaveLength(2);

    const second = runHost(dir, `mk.resumeMission('r1', { journal })`);
    let out = '';
    second.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise((resolve) => second.on('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('REPORT ') || l.startsWith('ERROR '));
    expect(line).toMatch(/^REPORT /);
    const report = JSON.parse(line!.slice('REPORT '.length));

    // Settled before the crash: ran exactly once.
    for (const id of ['a', 'b']) expect(pidsStarted(linesOf(dir, id))).toHaveLength(1);
    // Interrupted and rerun: twice at most, and the first copy never ticked after the second started.
    const long = linesOf(dir, 'long');
    const longPids = pidsStarted(long);
    expect(longPids).toHaveLength(2);
    const secondStart = long.indexOf(`start ${longPids[1]}`);
    expect(long.slice(secondStart).filter((l) => l.endsWith(` ${longPids[0]}`))).toEqual([]);
    // on_interrupt: fail — ran once, never again.
    expect(pidsStarted(linesOf(dir, 'once'))).toHaveLength(1);
    // After the resume: once each.
    for (const id of ['c', 'd']) expect(pidsStarted(linesOf(dir, id))).toHaveLength(1);

    expect(report.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
    const byId = Object.fromEntries(report.steps.map((s: { id: string }) => [s.id, s]));
    expect(byId.long.conclusion).toBe('succeeded');
    expect(byId.long.attempts.map((a: { interrupted?: boolean }) => a.interrupted === true)).toEqual([
      true,
      false,
    ]);
    expect(byId.once.conclusion).toBe('succeeded_with_warnings');
    expect(byId.once.attempts).toEqual([expect.objectContaining({ interrupted: true, outcome: 'failed' })]);
    expect(byId.d.conclusion).toBe('succeeded');
    // Nothing the first host started is left.
    await expectAllGone([first.pid!, ...orphans]);
    expect(fs.existsSync(path.join(dir, 'runs', 'r1', 'lock'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

it('`missionkit resume` refuses a run whose mission changed, and resumes it once restored', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-resume-cli-'));
  try {
    const mission = `version: "1.0"\nname: cli resume\nsteps:\n${step('first', 50, '')}${step('long', 1000, '    depends_on: [first]\n')}${step('after', 50, '    depends_on: [long]\n')}`;
    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission);
    const first = runHost(dir, `mk.runMission('mission.yaml', { journal, runId: 'r1' })`);
    const firstExit = new Promise((resolve) => first.on('exit', resolve));
    await waitFor(() => linesOf(dir, 'long').some((l) => l.startsWith('tick')), 30_000);
    first.kill('SIGKILL');
    await firstExit;

    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission.replace('cli resume', 'changed'));
    const refused = await runCli(['resume', 'r1', '--journal', 'runs'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /✖ cannot resume: run r1: the mission .*mission\.yaml changed since the run started/,
    );
    expect(refused.stderr).toMatch(/hint: restore the mission as it was to resume/);

    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission);
    const resumed = await runCli(['resume', 'r1', '--journal', 'runs', '--report', 'report.json'], {
      cwd: dir,
    });
    expect(resumed.code).toBe(0);
    // The log shows the whole run: what settled before the crash first, then the resumed rest.
    const log = resumed.stdout.split('\n');
    const recorded = log.findIndex((l) => l.includes('recorded before the host stopped'));
    const resumedAt = log.findIndex((l) => l.includes('── resumed ──'));
    expect(recorded).toBeGreaterThanOrEqual(0);
    expect(resumedAt).toBeGreaterThan(recorded);
    expect(log.slice(recorded, resumedAt).join('\n')).toMatch(/✔ first succeeded/);
    // (The summary table after the log, past its empty line, lists every step.)
    const live = log.slice(resumedAt, log.indexOf('', resumedAt)).join('\n');
    expect(live).not.toMatch(/✔ first succeeded/);
    expect(live).toMatch(/✔ after succeeded/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.status).toBe('succeeded');
    expect(report.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
    expect(report.steps[1].attempts.map((a: { interrupted?: boolean }) => a.interrupted === true)).toEqual([
      true,
      false,
    ]);
    expect(pidsStarted(linesOf(dir, 'after'))).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

it("a host's SIGTERM suspends its journaled run: the report says so, the host still ends, a new host resumes", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-suspend-'));
  try {
    const mission = `version: "1.0"\nname: suspend\nsteps:\n${step('first', 50, '')}${step('long', 1500, '    depends_on: [first]\n')}${step('after', 50, '    depends_on: [long]\n')}`;
    fs.writeFileSync(path.join(dir, 'mission.yaml'), mission);
    const first = runHost(dir, `mk.runMission('mission.yaml', { journal, runId: 'r1' })`);
    let out = '';
    first.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const ended = new Promise<NodeJS.Signals | null>((resolve) =>
      first.on('exit', (_code, signal) => resolve(signal)),
    );
    await waitFor(() => linesOf(dir, 'long').some((l) => l.startsWith('tick')), 30_000);
    first.kill('SIGTERM');
    // The app's own default for SIGTERM still happens once the run is suspended.
    expect(await ended).toBe('SIGTERM');
    const report = JSON.parse(
      out
        .split('\n')
        .find((l) => l.startsWith('REPORT '))!
        .slice('REPORT '.length),
    );
    expect(report.status).toBe('cancelled');
    expect(report.suspended).toEqual({
      at: expect.any(String),
      run_id: 'r1',
      reason: 'the host received SIGTERM',
    });
    await expectAllGone(pidsStarted(linesOf(dir, 'long')));

    const second = runHost(dir, `mk.resumeMission('r1', { journal })`);
    let resumed = '';
    second.stdout.on('data', (b: Buffer) => (resumed += b.toString()));
    await new Promise((resolve) => second.on('exit', resolve));
    const final = JSON.parse(
      resumed
        .split('\n')
        .find((l) => l.startsWith('REPORT '))!
        .slice('REPORT '.length),
    );
    expect(final.status).toBe('succeeded');
    expect(final.steps.map((s: { attempts: unknown[] }) => s.attempts.length)).toEqual([1, 2, 1]);
    expect(pidsStarted(linesOf(dir, 'first'))).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
