// cgroup v2 on a kernel without `cgroup.kill` (before Linux 5.14): the group is frozen, every member
// is SIGKILLed, the group thawed, until it is empty. This kernel has cgroup.kill, so the probe's
// answer is overridden to take the freezer path, with real processes.
import { spawn } from 'node:child_process';
import { ownGroups } from '../../src/node/containment/cgroup-mounts.js';
import { probeCgroupV2, cgroupV2Containment } from '../../src/node/containment/cgroup-v2.js';
import { processGroupContainment } from '../../src/node/containment/process-group.js';
import { killQuietly, survivors, taggedPids } from './liveness.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const options = { sweepIntervalMs: 20, sweepTimeoutMs: 10_000 };
const host = process.platform === 'linux' ? probeCgroupV2(ownGroups().v2) : undefined;
const tag = `freeze-kill-${process.pid}`;

const tagged = (): number[] => taggedPids(tag);

// Whatever a failed test left: the root, the group's members, the group itself.
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const pid of tagged()) killQuietly(pid);
  for (const cleanup of cleanups.splice(0)) cleanup();
  await sleep(50);
});

if (host === undefined) {
  it('cgroup v2 without cgroup.kill is not tested: this host has no writable cgroup2 hierarchy', () => {
    expect(host).toBeUndefined();
  });
} else {
  it('without cgroup.kill: freezes, kills every member (an escaped, forking daemon too), and the group goes', async () => {
    const containment = cgroupV2Containment(
      { ...host, canKill: false },
      processGroupContainment('linux', options),
      options,
    );
    // A daemon out of the session, without the marker, that keeps forking short-lived children.
    const script = `(setsid env -i /bin/sh -c 'while :; do sleep 0.01 & wait; done' ${tag} </dev/null >/dev/null 2>&1 &); exec sleep 30`;
    const container = containment.contain({
      file: '/bin/sh',
      args: ['-c', script],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd: '/',
      label: 'freeze-kill',
    });
    expect(container.kind).toBe('cgroup-v2');
    const child = spawn(container.file, container.args, { stdio: 'ignore', detached: true });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const tree = container.control({ pid: child.pid!, marker: undefined, signal: (s) => child.kill(s) });
    cleanups.push(() => {
      child.kill('SIGKILL');
      for (const pid of container.usage()?.pids ?? []) killQuietly(pid);
      container.dispose();
    });
    // The daemon (found by its tag) and a child of its loop, besides the root.
    const seen = new Set<number>();
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      for (const pid of tagged()) seen.add(pid);
      if (seen.size > 0 && (container.usage()?.pids.length ?? 0) >= 3) break;
      await sleep(20);
    }
    expect(seen.size).toBeGreaterThan(0);
    expect(container.usage()?.pids.length).toBeGreaterThanOrEqual(2);

    await tree.forceKill();
    await exited;
    tree.rootExited();
    expect(await tree.waitGone(2000)).toBe(true);
    expect(await survivors([...seen, ...tagged()], 2000)).toEqual([]);
    container.dispose();
    expect(container.usage()).toBeUndefined();
  });
}
