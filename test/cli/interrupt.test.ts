// Ctrl-C (SIGINT) and SIGTERM sent to a real CLI process while a real process tree runs: the
// first cancels gracefully — every process of the tree is gone, the reports are written, exit 1;
// a second one kills every tree at once instead of waiting out a long grace period.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectAllGone, killQuietly } from '../node/liveness';
import { builtCli } from './built-cli';
import { mission, nodeStep, workspace } from './missions';
import { startCli } from './run-cli';
import { expectValidJUnit, xpath } from './xmllint';

const ws = workspace();
beforeAll(() => builtCli(), 240_000);
afterAll(() => ws.cleanup());

/** Every `pid <n>` a tree fixture printed (each process of the tree prints its own). */
const pidsIn = (text: string): number[] => [...text.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));

interface Report {
  readonly status: string;
  readonly cancel_reason?: string;
  readonly steps: ReadonlyArray<{
    id: string;
    status: string;
    stdout: { text: string };
    signal: string | null;
  }>;
}

const readReport = (file: string): Report => JSON.parse(fs.readFileSync(file, 'utf8')) as Report;

// A failed test must not leave a CLI or its tree running: everything started is killed after each.
const started: Array<{ cli: ReturnType<typeof startCli>; pids: () => number[] }> = [];
afterEach(() => {
  for (const s of started.splice(0)) {
    if (s.cli.child.pid !== undefined) killQuietly(s.cli.child.pid);
    for (const pid of s.pids()) killQuietly(pid);
  }
});

/** Runs a mission whose step is a process tree (`tree.js depth width`), and waits until every leaf is up. */
const startTree = async (
  name: string,
  treeArgs: readonly [number, number, ...string[]],
  config: string,
  extra: ReadonlyArray<string> = [],
) => {
  const file = ws.write(
    `${name}.mission.yaml`,
    mission(
      name,
      [
        nodeStep('tree', 'tree', treeArgs),
        `  - { id: later, name: Later, step_type: noop, depends_on: [tree] }\n`,
      ],
      config,
    ),
  );
  const report = path.join(ws.dir, `${name}.report.json`);
  const junit = path.join(ws.dir, `${name}.junit.xml`);
  const cli = startCli(['run', file, '--verbose', '--report', report, '--junit', junit, ...extra], {
    cwd: ws.dir,
  });
  const pids = (): number[] => pidsIn(cli.stdout());
  started.push({ cli, pids });
  const leaves = treeArgs[1] ** treeArgs[0];
  await cli.waitFor((out) => (out.match(/│ leaf \d+/g) ?? []).length === leaves);
  return { cli, report, junit, pids };
};

describe('interrupting missionkit run', () => {
  it('cancels on the first Ctrl-C: the whole tree is terminated, the reports are written, exit 1', async () => {
    const { cli, report, junit, pids } = await startTree(
      'sigint',
      [2, 2],
      'config: { kill_grace_seconds: 10 }\n',
    );
    const tree = pids();
    expect(tree).toHaveLength(7);
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SIGINT: cancelling — stopping every step gracefully (Ctrl-C again to force)');
    await expectAllGone(tree);
    const written = readReport(report);
    expect(written.status).toBe('cancelled');
    expect(written.cancel_reason).toContain('interrupted (SIGINT)');
    expect(written.steps.map((s) => [s.id, s.status])).toEqual([
      ['tree', 'cancelled'],
      ['later', 'cancelled'],
    ]);
    expect(pidsIn(written.steps[0]!.stdout.text).sort()).toEqual([...tree].sort());
    await expectValidJUnit(junit);
    expect(await xpath(junit, 'string(/testsuites/testsuite/@errors)')).toBe('1');
    expect(r.stdout).toMatch(/✖ mission cancelled in .* \(interrupted \(SIGINT\)\)/);
  });

  it('cancels on SIGTERM the same way when the run is not journaled', async () => {
    const { cli, report, pids } = await startTree('sigterm', [1, 2], 'config: { kill_grace_seconds: 10 }\n', [
      '--no-journal',
    ]);
    const tree = pids();
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    expect(r.code).toBe(1);
    await expectAllGone(tree);
    expect(readReport(report).cancel_reason).toContain('terminated (SIGTERM)');
  });

  it('suspends a journaled run on SIGTERM: the tree is terminated, the report says suspended, exit 75', async () => {
    const { cli, report, pids } = await startTree('suspend', [1, 2], 'config: { kill_grace_seconds: 10 }\n');
    const tree = pids();
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    expect(r.code).toBe(75);
    await expectAllGone(tree);
    const written = readReport(report) as Report & { suspended?: { reason: string } };
    expect(written.status).toBe('cancelled');
    expect(written.suspended?.reason).toBe('received SIGTERM');
    expect(r.stderr).toMatch(/is suspended \(received SIGTERM\): `missionkit resume \S+` resumes it/);
  });

  it('kills every tree at once on a second Ctrl-C, without waiting for the grace period', async () => {
    // Every process ignores SIGTERM and the grace period is far longer than this test may take:
    // only the forced kill can end this run in time.
    const { cli, report, pids } = await startTree(
      'force',
      [2, 2, 'ignore-term'],
      'config: { kill_grace_seconds: 600 }\n',
    );
    const tree = pids();
    cli.child.kill('SIGINT');
    await cli.waitFor((err) => err.includes('cancelling'), 'stderr');
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.stderr).toContain('SIGINT again: killing every process tree now (Ctrl-C again to exit at once)');
    expect(r.code).toBe(1);
    await expectAllGone(tree);
    const written = readReport(report);
    expect(written.status).toBe('cancelled');
    expect(written.steps[0]).toMatchObject({ status: 'cancelled', signal: 'SIGKILL' });
  });
});
