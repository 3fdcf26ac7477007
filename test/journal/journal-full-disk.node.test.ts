// A journal that cannot be written: its disk fills up mid-run. The run stops at once with an error
// that names the run, the directory and the cause and says how to go on; the step running then is
// killed and gone before the run rejects; the run's lock is released; and once there is room again
// the run resumes from its journal and finishes, without running again what had settled.
//
// The disk is a real one: a 64 KiB tmpfs where the host lets us mount one (root on Linux, as in CI);
// elsewhere the kernel's file-size limit (`ulimit -f`) refuses the journal's writes the same way.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';
import { isAlive } from '../node/liveness.js';
import { mountTinyDisk, unmountTinyDisk } from '../support/tiny-disk.js';

const INDEX = path.join(path.dirname(path.dirname(builtCli())), 'index.js');

/**
 * A step that records each run of it in <id>.log (with its pid) and prints `bytes` of output, once
 * the slow step has started (so the journal fills while that one runs).
 */
const step = (id: string, bytes: number, extra = ''): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters:
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", "const fs = require('fs'); fs.appendFileSync('${id}.log', process.pid + '\\\\n'); const t = setInterval(() => { if (fs.existsSync('slow.log')) { clearInterval(t); process.stdout.write('x'.repeat(${bytes})); } }, 10)"]
`;

/** A step that records its pid and then runs until a file `release` appears (or it is killed). */
const SLOW = `  - id: slow
    name: slow
    step_type: command
    parameters:
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", "const fs = require('fs'); fs.appendFileSync('slow.log', process.pid + '\\\\n'); setInterval(() => fs.existsSync('release') && process.exit(0), 20)"]
`;

const MISSION = `version: "1.0"
name: fills its journal
steps:
${SLOW}${step('s1', 3000)}${step('s2', 3000, '    depends_on: [s1]\n')}${step('s3', 3000, '    depends_on: [s2]\n')}${step(
  's4',
  3000,
  '    depends_on: [s3]\n',
)}${step('s5', 3000, '    depends_on: [s4]\n')}${step('s6', 3000, '    depends_on: [s5]\n')}config:
  max_parallel_steps: 2
`;

/** Runs `body` (a promise-valued expression over `mk` and `journal`) in a host process; resolves with its answer. */
const host = (
  dir: string,
  journalRoot: string,
  body: string,
  fileSizeLimitBlocks?: number,
): Promise<{ readonly report?: { status: string }; readonly error?: { name: string; message: string } }> =>
  new Promise((resolve, reject) => {
    const script = `const mk = require(${JSON.stringify(INDEX)});
       const journal = mk.fileJournal(${JSON.stringify(journalRoot)});
       ${body}.then((r) => console.log('REPORT ' + JSON.stringify(r)),
                    (e) => console.log('ERROR ' + JSON.stringify({ name: e.name, message: e.message })));`;
    const child =
      fileSizeLimitBlocks === undefined
        ? spawn(process.execPath, ['-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
        : spawn(
            '/bin/sh',
            ['-c', `ulimit -f ${fileSizeLimitBlocks} && exec "$0" -e "$1"`, process.execPath, script],
            {
              cwd: dir,
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('REPORT ') || l.startsWith('ERROR '));
      if (line === undefined) reject(new Error(`the host printed no answer:\n${out}`));
      else if (line.startsWith('REPORT ')) resolve({ report: JSON.parse(line.slice(7)) });
      else resolve({ error: JSON.parse(line.slice(6)) });
    });
  });

const runsOf = (dir: string, id: string): number[] => {
  const file = path.join(dir, `${id}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map(Number) : [];
};

describe('a journal whose disk fills up mid-run', () => {
  let dir: string;
  let disk: string;
  let mounted = false;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-journal-full-'));
    disk = path.join(dir, 'disk');
    fs.mkdirSync(disk);
    mounted = mountTinyDisk(disk);
    fs.writeFileSync(path.join(dir, 'mission.yaml'), MISSION);
  });
  afterEach(() => {
    if (mounted) unmountTinyDisk(disk);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops the run with an error that says why and what to do, kills its steps, and resumes once there is room', async () => {
    const journalRoot = path.join(disk, 'runs');
    const filler = path.join(disk, 'filler');
    // About 16 KiB are left for the journal: its inputs and the first steps fit, the rest does not.
    if (mounted) fs.writeFileSync(filler, Buffer.alloc(48 * 1024));

    const first = await host(
      dir,
      journalRoot,
      `mk.runMission('mission.yaml', { journal, runId: 'full' })`,
      // The shell's ulimit counts 512-byte blocks: 16 KiB.
      mounted ? undefined : 32,
    );
    expect(first.report).toBeUndefined();
    expect(first.error?.name).toBe('JournalWriteError');
    expect(first.error?.message).toContain('run full: its journal in ');
    expect(first.error?.message).toContain(path.join(journalRoot, 'full'));
    expect(first.error?.message).toMatch(
      mounted ? /\(no space left on the device, ENOSPC\)/ : /\(EFBIG: file too large/,
    );
    expect(first.error?.message).toContain('then resume it (missionkit resume full');
    // The run stopped where the journal did: not every step ran, and the slow step is gone.
    expect(runsOf(dir, 's6')).toEqual([]);
    const slow = runsOf(dir, 'slow');
    expect(slow).toHaveLength(1);
    expect(isAlive(slow[0]!)).toBe(false);

    // Resuming while the disk is still full stops the same way, and spoils nothing.
    const tooSoon = await host(
      dir,
      journalRoot,
      `mk.resumeMission('full', { journal })`,
      mounted ? undefined : 32,
    );
    expect(tooSoon.error?.name).toBe('JournalWriteError');
    expect(tooSoon.error?.message).toMatch(/could not be (reopened|written)/);

    // What has run so far, counted after both attempts.
    const before = Object.fromEntries(
      ['s1', 's2', 's3', 's4', 's5'].map((id) => [id, runsOf(dir, id).length]),
    );
    if (mounted) fs.rmSync(filler);
    fs.writeFileSync(path.join(dir, 'release'), '');
    const resumed = await host(dir, journalRoot, `mk.resumeMission('full', { journal })`);
    expect(resumed.error).toBeUndefined();
    expect(resumed.report?.status).toBe('succeeded');
    // Nothing lost: every step ran to its end once the run resumed; a step whose end was on record
    // did not run again, and a step runs at most once more (only if its end was not recorded).
    for (const id of ['s1', 's2', 's3', 's4', 's5', 's6']) {
      expect(runsOf(dir, id).length).toBeGreaterThanOrEqual(1);
      expect(runsOf(dir, id).length).toBeLessThanOrEqual((before[id] ?? 0) + 1);
    }
    // A step whose dependent had started had its end on record (the flush policy): it ran once.
    const chain = ['s1', 's2', 's3', 's4', 's5', 's6'];
    const settledBefore = chain.filter((_id, i) => i + 1 < chain.length && (before[chain[i + 1]!] ?? 0) > 0);
    expect(settledBefore.length).toBeGreaterThan(0);
    for (const id of settledBefore) expect(runsOf(dir, id)).toHaveLength(1);
  }, 60_000);
});

/** A command step running `node -e <script>`, in mission YAML. */
const nodeStep = (id: string, script: string, extra = ''): string =>
  `  - id: ${id}
    name: ${id}
    step_type: command
${extra}    parameters: { command: ${JSON.stringify(process.execPath)}, args: ["-e", ${JSON.stringify(script)}] }
`;

/**
 * Runs the built CLI with `args` in a new directory holding `steps` as mission.yaml, no file of
 * the process allowed past `blocks` 512-byte blocks (the shell's ulimit); gives what it printed and
 * the directory's state to `check`.
 */
const cliUnderFileLimit = (
  blocks: number,
  steps: string,
  args: ReadonlyArray<string>,
  check: (r: { status: number | null; stderr: string }, dir: string) => void,
): void => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-journal-limit-'));
  try {
    fs.writeFileSync(path.join(dir, 'mission.yaml'), `version: "1.0"\nname: limited\nsteps:\n${steps}`);
    const r = spawnSync(
      '/bin/sh',
      ['-c', `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, builtCli(), ...args],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_DISABLE_COMPILE_CACHE: '1' } },
    );
    check(r, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

it('`missionkit run` whose journal cannot be written exits 1 with the reason and the resume command, not a crash', () => {
  // 16 KiB per file: the end of step a, with its output, does not fit.
  const steps =
    nodeStep('a', "process.stdout.write('x'.repeat(30000))") +
    nodeStep('b', "require('fs').writeFileSync('b-ran', '')", '    depends_on: [a]\n');
  cliUnderFileLimit(32, steps, ['run', 'mission.yaml'], (r, dir) => {
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/✖ run (\S+): its journal in .*could not be written \(EFBIG: file too large/);
    expect(r.stderr).toMatch(/then resume it \(missionkit resume \S+/);
    expect(r.stderr).not.toContain('internal error');
    expect(fs.existsSync(path.join(dir, 'b-ran'))).toBe(false);
  });
});

it('a journal that cannot even be created: nothing runs, no run is left listed, and `missionkit run` says why (exit 1)', () => {
  // No file may grow at all: the run's lock file is the first thing refused.
  const steps = nodeStep('a', "require('fs').writeFileSync('a-ran', '')");
  cliUnderFileLimit(0, steps, ['run', 'mission.yaml', '--journal', 'runs'], (r, dir) => {
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /✖ run \S+: its journal could not be created in .*runs.* \(EFBIG: file too large/,
    );
    expect(r.stderr).toContain('nothing ran');
    expect(r.stderr).not.toContain('internal error');
    expect(fs.existsSync(path.join(dir, 'a-ran'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'runs'))).toEqual([]);
    const listed = spawnSync(process.execPath, [builtCli(), 'runs', '--journal', 'runs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(listed.status).toBe(0);
    expect(listed.stdout + listed.stderr).toMatch(/no runs/i);
  });
});
