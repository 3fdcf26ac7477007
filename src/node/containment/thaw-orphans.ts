// A host killed while it held one of its steps' control groups frozen (the cgroup kill is
// freeze → signal → thaw) leaves that group frozen for good: its processes sit in the kernel, a
// SIGKILL stays pending, and nothing ends them. A resuming host thaws the groups its orphans are
// held in — only missionkit's own groups — so the kills it sends can land.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCgroupFile } from './cgroup-files.js';
import { groupDirectory, parseCgroupMembership, parseCgroupMounts } from './cgroup-mounts.js';

const readOr = (file: string): string => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
};

/** Thaws every frozen missionkit group (v1 freezer, v2 `cgroup.freeze`) that holds one of `pids`. */
export const thawGroupsOf = (pids: Iterable<number>): void => {
  const mounts = parseCgroupMounts(readOr('/proc/self/mountinfo'));
  if (mounts.length === 0) return;
  const done = new Set<string>();
  for (const pid of pids) {
    for (const member of parseCgroupMembership(readOr(`/proc/${pid}/cgroup`))) {
      // Step groups are named `…/missionkit/<host>.<n>-<step>`: the host's own groups are left alone.
      if (!member.path.split('/').includes('missionkit')) continue;
      const v2 = member.controllers.length === 0;
      if (!v2 && !member.controllers.includes('freezer')) continue;
      const mount = mounts.find((m) =>
        v2 ? m.version === 2 : m.version === 1 && m.controllers.includes('freezer'),
      );
      const dir = mount === undefined ? undefined : groupDirectory(mount, member.path);
      if (dir === undefined || done.has(dir)) continue;
      done.add(dir);
      if (v2) writeCgroupFile(path.join(dir, 'cgroup.freeze'), '0');
      else writeCgroupFile(path.join(dir, 'freezer.state'), 'THAWED');
    }
  }
};
