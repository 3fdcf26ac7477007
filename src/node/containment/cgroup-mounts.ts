// Where this process's own control groups are: the cgroup filesystems mounted here
// (/proc/self/mountinfo) and the group this process belongs to in each (/proc/self/cgroup). A
// host creates its steps' groups below its own, so whatever limits its own group carries (a
// container's memory limit, say) still hold for them.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One mounted cgroup hierarchy. */
export interface CgroupMount {
  /** Where it is mounted, e.g. /sys/fs/cgroup/freezer. */
  readonly mountPoint: string;
  /** The group shown at the mount point (not `/` inside a cgroup namespace or a bind mount). */
  readonly root: string;
  readonly version: 1 | 2;
  /** v1: the controllers (and `name=`) the hierarchy holds, from the mount options. */
  readonly controllers: ReadonlyArray<string>;
}

/** One line of /proc/<pid>/cgroup: a hierarchy and the group in it. */
export interface CgroupMembership {
  /** Empty for the v2 hierarchy (the `0::` line). */
  readonly controllers: ReadonlyArray<string>;
  readonly path: string;
}

// Mountinfo escapes space, tab, newline and backslash in paths as octal.
const unescapeMountPath = (text: string): string =>
  text.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The cgroup hierarchies in a /proc/<pid>/mountinfo text. */
export const parseCgroupMounts = (mountinfo: string): ReadonlyArray<CgroupMount> =>
  mountinfo.split('\n').flatMap((line): ReadonlyArray<CgroupMount> => {
    const dash = line.indexOf(' - ');
    if (dash < 0) return [];
    const before = line.slice(0, dash).split(' ');
    const after = line.slice(dash + 3).split(' ');
    const [fsType, , superOptions] = after;
    const root = before[3];
    const mountPoint = before[4];
    if (root === undefined || mountPoint === undefined) return [];
    if (fsType === 'cgroup2')
      return [
        {
          mountPoint: unescapeMountPath(mountPoint),
          root: unescapeMountPath(root),
          version: 2,
          controllers: [],
        },
      ];
    if (fsType !== 'cgroup') return [];
    return [
      {
        mountPoint: unescapeMountPath(mountPoint),
        root: unescapeMountPath(root),
        version: 1,
        controllers: (superOptions ?? '').split(',').filter((o) => o !== 'rw' && o !== 'ro'),
      },
    ];
  });

/** The groups in a /proc/<pid>/cgroup text. */
export const parseCgroupMembership = (text: string): ReadonlyArray<CgroupMembership> =>
  text.split('\n').flatMap((line): ReadonlyArray<CgroupMembership> => {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m === null) return [];
    return [{ controllers: m[2] === '' ? [] : (m[2] ?? '').split(','), path: m[3] ?? '' }];
  });

/**
 * The directory of the group at `groupPath` under `mount`, or undefined when the mount does not
 * show it (the group lies outside the mounted subtree).
 */
export const groupDirectory = (mount: CgroupMount, groupPath: string): string | undefined => {
  const root = mount.root === '/' ? '' : mount.root.replace(/\/$/, '');
  if (root !== '' && groupPath !== root && !groupPath.startsWith(`${root}/`)) return undefined;
  const inside = groupPath.slice(root.length);
  // A path outside the cgroup namespace reads `/..`: not ours to reach.
  if (inside.split('/').includes('..')) return undefined;
  return path.join(mount.mountPoint, inside);
};

/** This process's own group directory in each hierarchy, read once. */
export interface OwnGroups {
  /** The v2 group, if a cgroup2 hierarchy is mounted and shows it. */
  readonly v2: string | undefined;
  /** The v1 group of a controller (`freezer`, `pids`…), if its hierarchy is mounted and shows it. */
  readonly v1: (controller: string) => string | undefined;
}

const readOr = (file: string): string => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
};

/** This process's own groups, from its mountinfo and cgroup files. */
export const ownGroups = (): OwnGroups => {
  const mounts = parseCgroupMounts(readOr('/proc/self/mountinfo'));
  const membership = parseCgroupMembership(readOr('/proc/self/cgroup'));
  const v2Mount = mounts.find((m) => m.version === 2);
  const v2Path = membership.find((m) => m.controllers.length === 0)?.path;
  return {
    v2: v2Mount === undefined || v2Path === undefined ? undefined : groupDirectory(v2Mount, v2Path),
    v1: (controller) => {
      const mount = mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
      const own = membership.find((m) => m.controllers.includes(controller));
      return mount === undefined || own === undefined ? undefined : groupDirectory(mount, own.path);
    },
  };
};
