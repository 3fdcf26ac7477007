// How a step's processes are held together on this host, behind one interface: a Linux control
// group where the host may create one (nothing started inside can leave it, whatever it does to
// its session, process group, title or environment), else the process group plus the inherited
// environment marker. Chosen once at start (choose-containment.ts); each spawned process gets a
// container of its own, and the report names the kind it had.
import type { ContainmentKind } from '../../ports/executor.js';
import type { TreeRoot } from '../kill-tree.js';

export type { TreeRoot };

/** The program about to be started, as `child_process.spawn` would be given it. */
export interface Program {
  readonly file: string;
  readonly args: ReadonlyArray<string>;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Names the group (the step id), for whoever reads the cgroup tree; any characters. */
  readonly label: string | undefined;
}

/** The processes of one spawned root, held together. */
export interface ContainedTree {
  /** Tells the tree its root exited and was reaped: its pid no longer identifies it. */
  rootExited(): void;
  /** How many members are alive now, besides the root. Cheap when nothing was left behind. */
  leftovers(): Promise<number>;
  /** Sends SIGTERM to every member (Windows: terminates the tree, there is no gentler way). */
  terminate(): Promise<void>;
  /** Kills every member and sweeps until none is left (or the sweep timeout passed). */
  forceKill(): Promise<void>;
  /** Resolves true once no member is left, or false after `ms`. */
  waitGone(ms: number): Promise<boolean>;
}

/** What a control group's counters say (undefined: the hierarchy has no such counter here). */
export interface GroupUsage {
  /** The live members, by pid. */
  readonly pids: ReadonlyArray<number>;
  /** CPU time used by every process that ever ran in the group, in milliseconds. */
  readonly cpuMs: number | undefined;
  /** Resident memory of the group (anonymous and mapped file pages, each page once), in bytes. */
  readonly memoryBytes: number | undefined;
}

/** The container of one spawned process, from before it starts until its tree is gone. */
export interface StepContainer {
  readonly kind: ContainmentKind;
  /** What to start instead of the program, so that it runs inside from its first instruction. */
  readonly file: string;
  readonly args: ReadonlyArray<string>;
  /** Takes control of the started process's tree. */
  control(root: TreeRoot): ContainedTree;
  /** The group's counters, where there is a group. */
  usage(): GroupUsage | undefined;
  /**
   * Removes the group. Members still inside (a step with `detach: true` leaves its daemons) are
   * moved out to the host's own group first. Never throws.
   */
  dispose(): void;
}

/** The containment method of this host. */
export interface Containment {
  readonly kind: ContainmentKind;
  /** A container for one process about to start (a lesser kind when this one cannot be had for it). */
  contain(program: Program): StepContainer;
}
