// The containment every POSIX host has: the root leads its own process group, and the process
// table finds members that left it by their parent or by the environment marker they inherited
// (kill-tree.ts). It cannot hold a daemon that leaves the group (setsid) and also loses the marker
// (`env -i`, `env -u`, or a rewritten process title that overwrites what /proc/<pid>/environ
// shows): such a process is out of reach once its parent exits. On Windows, taskkill /T.
import type { KillTreeOptions } from '../kill-tree.js';
import { processTreeControl } from '../kill-tree.js';
import type { HostPlatform } from '../platform.js';
import { treeSignalling } from '../platform.js';
import type { Containment, Program, StepContainer } from './containment.js';

/** The process-group (POSIX) or taskkill (Windows) containment. */
export const processGroupContainment = (platform: HostPlatform, options: KillTreeOptions): Containment => {
  const kind = treeSignalling(platform) === 'taskkill' ? 'taskkill' : 'process-group';
  const contain = (program: Program): StepContainer => ({
    kind,
    file: program.file,
    args: program.args,
    control: (root) => {
      const tree = processTreeControl(platform, root, options);
      return {
        rootExited: () => tree.rootExited(),
        leftovers: async () => (await tree.leftovers()).length,
        terminate: () => tree.terminate(),
        forceKill: () => tree.forceKill(),
        waitGone: (ms) => tree.waitGone(ms),
      };
    },
    usage: () => undefined,
    dispose: () => undefined,
  });
  return { kind, contain };
};
