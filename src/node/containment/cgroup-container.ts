// The step container both cgroup versions hand out once a step's groups exist: the program
// starts through the wrapper that writes it into the groups, its tree is killed through the
// group, its counters are registered for the sampler, and dispose removes the groups.
import type { ContainmentKind } from '../../ports/executor.js';
import type { KillTreeOptions } from '../kill-tree.js';
import { cgroupTree, type GroupOps } from './cgroup-tree.js';
import type { GroupUsage, Program, StepContainer } from './containment.js';
import { enterGroup } from './enter-group.js';
import { forgetGroup, registerGroup } from './group-registry.js';

/** One step's groups, made by a cgroup version. */
export interface StepGroups {
  readonly kind: Extract<ContainmentKind, 'cgroup-v1' | 'cgroup-v2'>;
  /** The `cgroup.procs` file of every group the program enters. */
  readonly procsFiles: ReadonlyArray<string>;
  /** Kills through the group that holds the tree. */
  readonly ops: GroupOps;
  /** The groups' counters; a function of its own per container, as the registry tells them apart by it. */
  readonly usage: () => GroupUsage | undefined;
  /** Removes the groups, moving any members still inside (a detached step's daemons) out first. */
  readonly remove: () => void;
}

/** The container of `program` in the groups `groups`. */
export const cgroupContainer = (
  program: Program,
  groups: StepGroups,
  options: KillTreeOptions,
): StepContainer => {
  const how = enterGroup(groups.procsFiles, program.file, program.args);
  const { usage } = groups;
  let rootPid: number | undefined;
  return {
    kind: groups.kind,
    file: how.file,
    args: how.args,
    control: (root) => {
      rootPid = root.pid;
      registerGroup(root.pid, usage);
      return cgroupTree(groups.ops, root, options);
    },
    usage,
    dispose: () => {
      if (rootPid !== undefined) forgetGroup(rootPid, usage);
      groups.remove();
    },
  };
};
