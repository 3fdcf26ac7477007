// The pure parts of choosing a containment: reading where this process's control groups are,
// and the forced choice. The containments themselves are tested with real processes in
// test/reliability/escape.node.test.ts.
import {
  groupDirectory,
  parseCgroupMembership,
  parseCgroupMounts,
} from '../../src/node/containment/cgroup-mounts.js';
import { readContainmentChoice } from '../../src/node/containment/choose-containment.js';
import { NodeExecutor } from '../../src/node/node-executor.js';
import { keyedValue } from '../../src/node/containment/cgroup-files.js';

const MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 /outer /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
42 31 0:39 / /mnt/with\\040space rw - cgroup2 cgroup2 rw`;

describe('where the host’s control groups are', () => {
  it('finds the v1 hierarchies with their controllers, and cgroup2 mounts, from mountinfo', () => {
    const mounts = parseCgroupMounts(MOUNTINFO);
    expect(mounts).toEqual([
      { mountPoint: '/sys/fs/cgroup/cpu,cpuacct', root: '/', version: 1, controllers: ['cpu', 'cpuacct'] },
      { mountPoint: '/sys/fs/cgroup/memory', root: '/', version: 1, controllers: ['memory'] },
      { mountPoint: '/sys/fs/cgroup/freezer', root: '/outer', version: 1, controllers: ['freezer'] },
      { mountPoint: '/sys/fs/cgroup/unified', root: '/', version: 2, controllers: [] },
      { mountPoint: '/mnt/with space', root: '/', version: 2, controllers: [] },
    ]);
  });

  it('reads /proc/self/cgroup, the v2 line having no controllers', () => {
    expect(
      parseCgroupMembership('4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/user.slice/x.service\n'),
    ).toEqual([
      { controllers: ['memory'], path: '/process_api/abc' },
      { controllers: ['cpu', 'cpuacct'], path: '/' },
      { controllers: [], path: '/user.slice/x.service' },
    ]);
  });

  it('places the own group under the mount, minus the part of the path the mount hides', () => {
    const [, memory, freezer] = parseCgroupMounts(MOUNTINFO);
    expect(groupDirectory(memory!, '/process_api/abc')).toBe('/sys/fs/cgroup/memory/process_api/abc');
    expect(groupDirectory(freezer!, '/outer/inner')).toBe('/sys/fs/cgroup/freezer/inner');
    expect(groupDirectory(freezer!, '/outer')).toBe('/sys/fs/cgroup/freezer');
    // Outside what the mount shows (another subtree, or beyond a cgroup namespace): unusable.
    expect(groupDirectory(freezer!, '/elsewhere')).toBeUndefined();
    expect(groupDirectory(memory!, '/../host')).toBeUndefined();
  });

  it('reads a counter from a flat keyed file, not a longer key that ends the same', () => {
    const stat = 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nfile_mapped 7\ntotal_mapped_file 9\n';
    expect(keyedValue(stat, 'usage_usec')).toBe(1500);
    expect(keyedValue(stat, 'file_mapped')).toBe(7);
    expect(keyedValue(stat, 'anon')).toBeUndefined();
  });
});

describe('forcing a containment', () => {
  const chosen = (option: string | undefined, variable: string | undefined): unknown => {
    const r = readContainmentChoice(option, variable);
    return r._tag === 'chosen' ? r.choice : r.message;
  };

  it('takes the option first, then MISSIONKIT_CONTAINMENT, else auto', () => {
    expect(chosen('process-group', 'cgroup-v1')).toBe('process-group');
    expect(chosen(undefined, 'cgroup-v1')).toBe('cgroup-v1');
    expect(chosen(undefined, undefined)).toBe('auto');
    expect(chosen(undefined, '')).toBe('auto');
  });

  it('an unknown option is refused at once, saying what is accepted', () => {
    expect(() => new NodeExecutor({ containment: 'cgroups' as never })).toThrow(
      'the `containment` option is "cgroups"; expected one of auto, cgroup-v2, cgroup-v1, process-group',
    );
  });

  it('an unknown MISSIONKIT_CONTAINMENT fails each spawn as a value, with where, what and a hint', async () => {
    const saved = process.env.MISSIONKIT_CONTAINMENT;
    process.env.MISSIONKIT_CONTAINMENT = 'cgroups';
    try {
      const spawned = new NodeExecutor().spawn({
        command: 'true',
        args: [],
        cwd: process.cwd(),
        env: {},
        shell: false,
        detach: false,
        killGraceMs: 100,
        onOutput: () => undefined,
      });
      expect(spawned.pid).toBeUndefined();
      expect(await spawned.exited).toEqual({
        _tag: 'spawn_failed',
        code: 'OTHER',
        message:
          'MISSIONKIT_CONTAINMENT is "cgroups"; expected one of auto, cgroup-v2, cgroup-v1, process-group',
        hint: 'remove it to let missionkit choose, or set it to process-group to turn control groups off',
      });
    } finally {
      if (saved === undefined) delete process.env.MISSIONKIT_CONTAINMENT;
      else process.env.MISSIONKIT_CONTAINMENT = saved;
    }
  });
});
