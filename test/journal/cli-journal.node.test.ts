// `missionkit run` journals every run by default, so a run whose process dies can be found
// (`missionkit runs`) and resumed (`missionkit resume --last`); old finished runs are pruned.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, startCli } from '../cli/run-cli.js';

const FIXTURE = path.resolve(__dirname, '../fixtures/journal-step.js');

const commandStep = (id: string, ms: number, extra = ''): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FIXTURE)}, "${id}.log", "${ms}"] }
`;

const QUICK = `version: "1.0"\nname: quick\nsteps:\n${commandStep('a', 10)}`;
const LONG = `version: "1.0"\nname: long\nsteps:\n${commandStep('long', 1500)}${commandStep('after', 10, '    depends_on: [long]\n')}`;

const linesOf = (dir: string, id: string): string[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];
};

const runsIn = (dir: string): string[] => {
  const root = path.join(dir, '.missionkit', 'runs');
  return fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-cli-journal-'));
  fs.writeFileSync(path.join(dir, 'quick.yaml'), QUICK);
  fs.writeFileSync(path.join(dir, 'long.yaml'), LONG);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Starts `missionkit run long.yaml`, and SIGKILLs it while `long` runs. */
const crashedRun = async (extra: ReadonlyArray<string> = []): Promise<string> => {
  const cli = startCli(['run', 'long.yaml', ...extra], { cwd: dir });
  const until = Date.now() + 30_000;
  while (!linesOf(dir, 'long').some((l) => l.startsWith('tick'))) {
    if (Date.now() > until) throw new Error(`the step never ran:\n${cli.stdout()}\n${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  cli.child.kill('SIGKILL');
  await cli.done;
  return cli.stderr();
};

it('journals a run under .missionkit/runs by default and says its id on stderr; --json prints the report alone', async () => {
  const plain = await runCli(['run', 'quick.yaml'], { cwd: dir });
  expect(plain.code).toBe(0);
  const [id] = runsIn(dir);
  expect(id).toMatch(/^\d{8}T\d{6}-\d{3}-[a-z0-9]+$/);
  expect(plain.stderr).toContain(
    `run ${id!} is journaled: if this process dies, \`missionkit resume ${id!}\``,
  );
  expect(plain.stdout).not.toContain(id);
  expect(fs.readdirSync(path.join(dir, '.missionkit', 'runs', id!)).sort()).toEqual([
    'events.jsonl',
    'inputs.json',
    'outcome.json',
  ]);

  const json = await runCli(['run', 'quick.yaml', '--json'], { cwd: dir });
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout).status).toBe('succeeded');
  expect(json.stderr).toBe('');
  expect(runsIn(dir)).toHaveLength(2);
});

it('--no-journal records nothing; --journal DIR records there and names it in the resume command', async () => {
  const none = await runCli(['run', 'quick.yaml', '--no-journal'], { cwd: dir });
  expect(none.code).toBe(0);
  expect(none.stderr).not.toContain('journaled');
  expect(fs.existsSync(path.join(dir, '.missionkit'))).toBe(false);

  const elsewhere = await runCli(['run', 'quick.yaml', '--journal', 'j'], { cwd: dir });
  expect(elsewhere.code).toBe(0);
  const [id] = fs.readdirSync(path.join(dir, 'j'));
  expect(elsewhere.stderr).toContain(`\`missionkit resume ${id!} --journal j\``);
  expect(fs.existsSync(path.join(dir, '.missionkit'))).toBe(false);

  // A directory runs cannot be recorded in does not stop the run.
  fs.writeFileSync(path.join(dir, 'occupied'), 'a file, not a directory');
  const blocked = await runCli(['run', 'quick.yaml', '--journal', 'occupied/runs'], { cwd: dir });
  expect(blocked.code).toBe(0);
  expect(blocked.stderr).toMatch(
    /missionkit: the run is not journaled: cannot write to occupied\/runs: .*(EEXIST|ENOTDIR)/,
  );
  expect(blocked.stderr).toContain(
    'hint: pass --journal DIR with a directory you can write to, or --no-journal',
  );
  expect(blocked.stderr).not.toContain('is journaled');

  const both = await runCli(['run', 'quick.yaml', '--journal', 'j', '--no-journal'], { cwd: dir });
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('--journal and --no-journal contradict each other');
});

it('a run whose process was SIGKILLed is listed as resumable and `resume --last` resumes it', async () => {
  expect((await runCli(['run', 'quick.yaml'], { cwd: dir })).code).toBe(0);
  const said = await crashedRun();
  const crashed = runsIn(dir).find((id) => said.includes(`run ${id} is journaled`));
  expect(crashed).toBeDefined();

  const listed = await runCli(['runs', '--json'], { cwd: dir });
  expect(listed.code).toBe(0);
  const runs = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
  expect(runs.map((r) => [r.status, r.outcome, r.resumable])).toEqual([
    ['finished', 'succeeded', false],
    ['interrupted', null, true],
  ]);
  expect(runs[1]).toMatchObject({
    id: crashed,
    started_at: expect.any(String),
    duration_ms: expect.any(Number),
  });

  const table = await runCli(['runs'], { cwd: dir });
  expect(table.stdout).toMatch(/^RUN\s+STATUS\s+STARTED\s+DURATION\s+RESUMABLE$/m);
  expect(table.stdout).toMatch(
    new RegExp(`^${crashed!}\\s+interrupted\\s+\\d{4}-\\d\\d-\\d\\d .*\\syes$`, 'm'),
  );

  const resumed = await runCli(['resume', '--last', '--json'], { cwd: dir });
  expect(resumed.code).toBe(0);
  const report = JSON.parse(resumed.stdout);
  expect(report.status).toBe('succeeded');
  expect(report.resumed).toEqual({ at: expect.any(String), from_event: expect.any(Number) });
  expect(linesOf(dir, 'after').filter((l) => l.startsWith('start'))).toHaveLength(1);

  // Resumed to its end, it is finished: nothing is left to resume.
  const again = await runCli(['resume', '--last'], { cwd: dir });
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/✖ cannot resume: none of the 2 runs? in \.missionkit\/runs can be resumed/);
  expect(again.stderr).toContain('hint: list them with `missionkit runs`');
}, 60_000);

it('says so when there are no runs', async () => {
  const listed = await runCli(['runs'], { cwd: dir });
  expect(listed.code).toBe(0);
  expect(listed.stdout).toBe('no runs recorded in .missionkit/runs\n');
  expect(JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout)).toEqual([]);
  const last = await runCli(['resume', '--last'], { cwd: dir });
  expect(last.code).toBe(2);
  expect(last.stderr).toContain('✖ cannot resume: no run is recorded in .missionkit/runs');
});

it('--keep-runs N keeps the N newest runs and prunes older finished ones, never a resumable or running one', async () => {
  await crashedRun();
  const [interrupted] = runsIn(dir);
  for (let i = 0; i < 3; i++) expect((await runCli(['run', 'quick.yaml'], { cwd: dir })).code).toBe(0);
  const finished = runsIn(dir).filter((id) => id !== interrupted);
  expect(finished).toHaveLength(3);

  expect((await runCli(['run', 'quick.yaml', '--keep-runs', '3'], { cwd: dir })).code).toBe(0);
  const kept = runsIn(dir);
  // Of the runs older than the newest 3, the finished one went and the resumable one stayed.
  expect(kept).toHaveLength(4);
  expect(kept).toContain(interrupted);
  expect(kept).not.toContain(finished[0]);
  expect(kept).toContain(finished[1]);
  expect(kept).toContain(finished[2]);

  // A finished run that a live process holds again (its lock names a live pid) is running: kept.
  const root = path.join(dir, '.missionkit', 'runs');
  fs.cpSync(path.join(root, finished[2]!), path.join(root, '00000000T000000-000-held'), { recursive: true });
  fs.writeFileSync(path.join(root, '00000000T000000-000-held', 'lock'), `${process.pid}\n`);
  const inputs = path.join(root, '00000000T000000-000-held', 'inputs.json');
  fs.writeFileSync(inputs, fs.readFileSync(inputs, 'utf8').replace(/"created_at":\d+/, '"created_at":1'));
  const listed = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Array<{
    id: string;
    status: string;
    pid: number | null;
  }>;
  expect(listed[0]).toMatchObject({ id: '00000000T000000-000-held', status: 'running', pid: process.pid });
  expect((await runCli(['run', 'quick.yaml', '--keep-runs', '1'], { cwd: dir })).code).toBe(0);
  const left = runsIn(dir);
  expect(left).toContain('00000000T000000-000-held');
  expect(left).toContain(interrupted);
  // …and the run just made: every other finished run went.
  expect(left).toHaveLength(3);

  const bad = await runCli(['run', 'quick.yaml', '--keep-runs', '0'], { cwd: dir });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--keep-runs takes a whole number ≥ 1, got "0"');
}, 60_000);

/** Starts `missionkit run long.yaml` and resolves once `long` runs, with the CLI still going. */
const whileLongRuns = async (extra: ReadonlyArray<string> = []) => {
  const cli = startCli(['run', 'long.yaml', ...extra], { cwd: dir });
  const until = Date.now() + 30_000;
  while (!linesOf(dir, 'long').some((l) => l.startsWith('tick'))) {
    if (Date.now() > until) throw new Error(`the step never ran:\n${cli.stdout()}\n${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return cli;
};

const pidsOf = (lines: ReadonlyArray<string>): number[] =>
  lines.filter((l) => l.startsWith('start ')).map((l) => Number(l.split(' ')[1]));

it('SIGTERM suspends a journaled run (exit 75, says how to resume), and `resume` finishes it; Ctrl-C still cancels', async () => {
  const cli = await whileLongRuns();
  cli.child.kill('SIGTERM');
  const suspended = await cli.done;
  expect(suspended.code).toBe(75);
  const id = runsIn(dir)[0]!;
  expect(suspended.stderr).toContain(`SIGTERM: suspending run ${id}`);
  expect(suspended.stderr).toContain(
    `run ${id} is suspended (received SIGTERM): \`missionkit resume ${id}\` resumes it`,
  );
  // Its step was stopped, not left running, and the run waits to be resumed.
  const first = pidsOf(linesOf(dir, 'long'));
  expect(first).toHaveLength(1);
  expect(() => process.kill(first[0]!, 0)).toThrow();
  const listed = await runCli(['runs', '--json'], { cwd: dir });
  expect(JSON.parse(listed.stdout)).toEqual([
    expect.objectContaining({ id, status: 'interrupted', resumable: true }),
  ]);

  const resumed = await runCli(['resume', id, '--json'], { cwd: dir });
  expect(resumed.code).toBe(0);
  const report = JSON.parse(resumed.stdout);
  expect(report.status).toBe('succeeded');
  expect(report.steps[0].attempts.map((a: { interrupted?: boolean }) => a.interrupted === true)).toEqual([
    true,
    false,
  ]);
  expect(pidsOf(linesOf(dir, 'after'))).toHaveLength(1);

  // Ctrl-C is a wish to stop: the run is cancelled and ends.
  fs.rmSync(path.join(dir, 'long.log'));
  const again = await whileLongRuns();
  again.child.kill('SIGINT');
  const cancelled = await again.done;
  expect(cancelled.code).toBe(1);
  const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Array<{
    status: string;
    outcome?: string;
  }>;
  expect(runs.at(-1)).toMatchObject({ status: 'finished', outcome: 'cancelled' });
}, 120_000);

it('with --parallel, the run records the mission file and the override: a changed file is refused on resume', async () => {
  await crashedRun(['--parallel', '3']);
  const id = runsIn(dir)[0]!;
  const inputs = JSON.parse(
    fs.readFileSync(path.join(dir, '.missionkit', 'runs', id, 'inputs.json'), 'utf8'),
  );
  expect(inputs.mission).toMatchObject({ file: path.join(dir, 'long.yaml'), text: LONG });
  expect(inputs.options.max_parallel_steps).toBe(3);

  fs.writeFileSync(path.join(dir, 'long.yaml'), LONG.replace('name: long', 'name: changed'));
  const refused = await runCli(['resume', id], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/long\.yaml changed since the run started/);

  fs.writeFileSync(path.join(dir, 'long.yaml'), LONG);
  const resumed = await runCli(['resume', id, '--json'], { cwd: dir });
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout).status).toBe('succeeded');
}, 120_000);
