// A host SIGKILLed in the middle of a cgroup kill (freeze → signal → thaw) leaves its step's group
// frozen: the processes in it cannot die, whatever is sent to them. A resuming host thaws the
// group its orphans are held in, and the kill lands. Real processes in a real v1 freezer group.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ownGroups } from '../../src/node/containment/cgroup-mounts.js';
import { probeCgroupV1, cgroupV1Containment } from '../../src/node/containment/cgroup-v1.js';
import { processGroupContainment } from '../../src/node/containment/process-group.js';
import { thawGroupsOf } from '../../src/node/containment/thaw-orphans.js';
import { orphanKiller } from '../../src/node/orphans.js';
import { isAlive, killQuietly } from './liveness.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const options = { sweepIntervalMs: 20, sweepTimeoutMs: 10_000 };
const host = process.platform === 'linux' ? probeCgroupV1((c) => ownGroups().v1(c)) : undefined;

/** A `sleep` in its own v1 group, the group frozen and the process SIGKILLed: stuck, as a dead host leaves it. */
const frozenOrphan = async (marker: string) => {
  const containment = cgroupV1Containment(host!, processGroupContainment('linux', options), options);
  const container = containment.contain({
    file: '/bin/sh',
    args: ['-c', 'exec sleep 30'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MISSIONKIT_TREE: marker },
    cwd: '/',
    label: 'thaw',
  });
  const child = spawn(container.file, container.args, {
    stdio: 'ignore',
    detached: true,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MISSIONKIT_TREE: marker },
  });
  container.control({ pid: child.pid!, marker: undefined, signal: (s) => child.kill(s) });
  const pid = child.pid!;
  const freezerLine = (): string =>
    fs
      .readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => /^\d+:[^:]*\bfreezer\b[^:]*:/.test(l))!;
  // The program enters its group itself, as it starts.
  for (const until = Date.now() + 10_000; !freezerLine().includes('/missionkit/');) {
    if (Date.now() > until) throw new Error(`pid ${pid} never entered its group: ${freezerLine()}`);
    await sleep(10);
  }
  const line = freezerLine();
  const groupPath = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
  const freezerHome = ownGroups().v1('freezer')!;
  const ownPath = fs
    .readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => /^\d+:[^:]*\bfreezer\b[^:]*:/.test(l))!;
  const own = ownPath.slice(ownPath.indexOf(':', ownPath.indexOf(':') + 1) + 1);
  const dir = path.join(freezerHome, path.relative(own, groupPath));
  fs.writeFileSync(path.join(dir, 'freezer.state'), 'FROZEN');
  child.kill('SIGKILL');
  await sleep(200);
  return {
    pid,
    dir,
    exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
    cleanup: () => {
      fs.writeFileSync(path.join(dir, 'freezer.state'), 'THAWED');
      killQuietly(pid);
      container.dispose();
    },
  };
};

if (host === undefined) {
  it('frozen orphan groups are not tested: this host has no writable cgroup v1 freezer', () => {
    expect(host).toBeUndefined();
  });
} else {
  it('a process in a group left frozen cannot die until the group is thawed', async () => {
    const orphan = await frozenOrphan(`mk.thaw-${process.pid}.0.1`);
    try {
      expect(isAlive(orphan.pid)).toBe(true);
      thawGroupsOf([orphan.pid]);
      await orphan.exited;
      expect(fs.readFileSync(path.join(orphan.dir, 'freezer.state'), 'utf8').trim()).toBe('THAWED');
    } finally {
      orphan.cleanup();
    }
  });

  it('a resume kills orphans a dead host left in a frozen group', async () => {
    const marker = `mk.thaw-${process.pid}.0.2`;
    const orphan = await frozenOrphan(marker);
    try {
      await orphanKiller('linux')([{ step: 0, step_id: 'x', attempt: 1, pids: [orphan.pid], marker }]);
      await orphan.exited;
    } finally {
      orphan.cleanup();
    }
  });
}
