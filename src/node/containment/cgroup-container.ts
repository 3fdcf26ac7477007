// What both cgroup versions do with a step's groups once a version has made them: the program
// starts through the wrapper that writes it into the groups, its tree is killed through the
// group, its counters are registered for the sampler, and dispose removes the groups. A program
// the wrapper cannot start, or whose groups cannot be made, goes to the fallback containment.
import type { ContainmentKind } from '../../ports/executor.js';
import type { KillTreeOptions } from '../kill-tree.js';
import { cgroupTree, type GroupOps } from './cgroup-tree.js';
import type { Containment, GroupUsage, Program, StepContainer } from './containment.js';
import { enterGroup, runnable } from './enter-group.js';
import { forgetGroup, registerGroup } from './group-registry.js';

/** One step's groups, made by a cgroup version. */
export interface StepGroups {
  /** The `cgroup.procs` file of every group the program enters. */
  readonly procsFiles: ReadonlyArray<string>;
  /** Kills through the group that holds the tree. */
  readonly ops: GroupOps;
  /** The groups' counters; a function of its own per container, as the registry tells them apart by it. */
  readonly usage: () => GroupUsage | undefined;
  /** Removes the groups, moving any members still inside (a detached step's daemons) out first. */
  readonly remove: () => void;
}

type CgroupKind = Extract<ContainmentKind, 'cgroup-v1' | 'cgroup-v2'>;

const container = (
  kind: CgroupKind,
  program: Program,
  groups: StepGroups,
  options: KillTreeOptions,
): StepContainer => {
  const how = enterGroup(groups.procsFiles, program.file, program.args);
  const { usage } = groups;
  let rootPid: number | undefined;
  return {
    kind,
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

/** A cgroup containment; `groupsFor` makes a step's groups, or gives undefined where they cannot be made. */
export const cgroupContainment = (
  kind: CgroupKind,
  fallback: Containment,
  options: KillTreeOptions,
  groupsFor: (program: Program) => StepGroups | undefined,
): Containment => ({
  kind,
  contain: (program) => {
    if (!runnable(program.file, program.env, program.cwd)) return fallback.contain(program);
    const groups = groupsFor(program);
    return groups === undefined ? fallback.contain(program) : container(kind, program, groups, options);
  },
});
