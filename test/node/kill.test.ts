// Killing whole process trees: after every kill, no process of the tree may be alive. The
// trees include children that ignore SIGTERM, daemons that left the process group, and a
// grandchild that keeps forking while it is being killed.
import * as fs from 'node:fs';
import { NodeExecutor } from '../../src/node/node-executor.js';
import { expectAllGone, survivors } from './liveness.js';
import { fixture, pidLines, start } from './run-fixture.js';

const executor = new NodeExecutor({ killSweepIntervalMs: 10 });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill', () => {
  it('graceful: SIGTERM reaches every process of the tree', async () => {
    const run = start(executor, 'tree', ['2', '2']);
    await run.waitFor((t) => pidLines(t) === 7);
    run.process.kill('graceful');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    expect(run.pids()).toHaveLength(8); // the root's pid, and 7 printed
    await expectAllGone(run.pids(), 100);
  });

  it('force: a tree that ignores SIGTERM is gone', async () => {
    const run = start(executor, 'tree', ['2', '2', 'ignore-term']);
    await run.waitFor((t) => pidLines(t) === 7);
    run.process.kill('force');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    await expectAllGone(run.pids(), 100);
  });

  it('the ladder: graceful leaves a SIGTERM-ignoring tree running, force then removes it', async () => {
    const run = start(executor, 'tree', ['1', '3', 'ignore-term']);
    await run.waitFor((t) => pidLines(t) === 4);
    let settled = false;
    void run.process.exited.then(() => (settled = true));
    run.process.kill('graceful');
    await sleep(300);
    expect(settled).toBe(false);
    expect(await survivors(run.pids(), 0)).toHaveLength(4);
    run.process.kill('force');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    await expectAllGone(run.pids(), 100);
  });

  it('graceful: children that ignore SIGTERM outlive their parent only for the grace period', async () => {
    const run = start(executor, '', [], {
      command: `"${process.execPath}" "${fixture('ignore-sigterm')}" & echo "pid $!"; sleep 30`,
      args: [],
      shell: true,
      killGraceMs: 300,
    });
    await run.waitFor((t) => t.includes('ready'));
    const started = Date.now();
    run.process.kill('graceful');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expectAllGone(run.pids(), 100);
  });

  it('force: a daemon started by the tree (a new session, re-parented) is found and killed', async () => {
    const run = start(executor, '', [], {
      command: `"${process.execPath}" "${fixture('daemon')}"; echo ready; sleep 30`,
      args: [],
      shell: true,
    });
    await run.waitFor((t) => t.includes('ready'));
    run.process.kill('force');
    await run.process.exited;
    expect(run.pids()).toHaveLength(2);
    if (process.platform === 'linux') await expectAllGone(run.pids(), 100);
    else await expectAllGone(run.pids());
  });

  it('force: a grandchild forking new children (some in new sessions) during the kill does not escape', async () => {
    // A sleep duration no other test uses, to find every child in /proc independently of the executor.
    const tag = `600.${process.pid}${Date.now() % 1000}`;
    const run = start(executor, 'fork-storm', [tag]);
    await run.waitFor((t) => t.includes('ready'));
    run.process.kill('force');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    expect(run.pids().length).toBeGreaterThanOrEqual(7);
    await expectAllGone(run.pids(), 100);
    if (process.platform === 'linux') {
      const sleepers = fs
        .readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .filter((pid) => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1') === `sleep\0${tag}\0`;
          } catch {
            return false;
          }
        })
        .map(Number);
      await expectAllGone(sleepers, 100);
    }
  });

  it('kill right after spawn, before the program even started', async () => {
    const run = start(executor, 'tree', ['1', '2']);
    run.process.kill('force');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    await expectAllGone(run.pids(), 100);
  });

  it('repeated and mixed kills are safe', async () => {
    const run = start(executor, 'ignore-sigterm');
    await run.waitFor((t) => t.includes('ready'));
    run.process.kill('graceful');
    run.process.kill('force');
    run.process.kill('force');
    run.process.kill('graceful');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    run.process.kill('force');
    await expectAllGone(run.pids(), 100);
  });

  it('killAll: takes down every tree still running, for a host that must exit now', async () => {
    const own = new NodeExecutor({ killSweepIntervalMs: 10 });
    const runs = [
      start(own, 'forever'),
      start(own, 'tree', ['1', '2', 'ignore-term']),
      start(own, 'ignore-sigterm'),
    ];
    const done = start(own, 'exit-code', ['0']);
    await done.process.exited;
    await Promise.all([
      runs[0]?.waitFor((t) => t.includes('ready')),
      runs[1]?.waitFor((t) => pidLines(t) === 3),
      runs[2]?.waitFor((t) => t.includes('ready')),
    ]);
    await own.killAll('force');
    for (const run of runs)
      await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    await expectAllGone(
      runs.flatMap((r) => r.pids()),
      100,
    );
    await expect(own.killAll('force')).resolves.toBeUndefined();
  });
});
