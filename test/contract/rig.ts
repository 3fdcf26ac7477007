// What the executor contract suite needs from an executor under test. One rig per executor: the
// Node rig runs real fixture programs in real time, the fake rig runs scripts on a VirtualClock.
// The contract only talks to this interface, so both executors face exactly the same tests.
import type { Executor } from '../../src/ports/executor.js';

/**
 * A named behaviour every rig can start. The semantics are fixed; each rig maps a name to its own
 * command line (a fixture script for the Node rig, a script for the FakeExecutor).
 *
 * - `exit <code>`: exits with that code, printing nothing.
 * - `print <line>...`: prints each argument as one line on stdout (`line\n`), then exits 0.
 * - `print-stderr <line>...`: the same on stderr.
 * - `no-newline <text>`: prints `text` on stdout with no trailing newline, then exits 0.
 * - `forever`: prints `ready\n`, then runs until killed; a graceful kill ends it by SIGTERM.
 * - `ignore-sigterm`: prints `ready\n` once SIGTERM is ignored, survives a graceful kill, dies only on force.
 * - `missing`: a command that does not exist, so spawning it fails with ENOENT.
 */
export type ContractProgram =
  'exit' | 'print' | 'print-stderr' | 'no-newline' | 'forever' | 'ignore-sigterm' | 'missing';

/** Every program name, for rigs that want to check their table covers them all. */
export const contractPrograms: ReadonlyArray<ContractProgram> = [
  'exit',
  'print',
  'print-stderr',
  'no-newline',
  'forever',
  'ignore-sigterm',
  'missing',
];

/** A command line, as a SpawnRequest takes it. */
export interface ProgramLine {
  readonly command: string;
  readonly args: ReadonlyArray<string>;
}

/** An executor plus the means to drive time around it. Made fresh for every contract test. */
export interface ExecutorRig {
  /** Shown in failure messages, e.g. `node` or `fake`. */
  readonly name: string;
  readonly executor: Executor;
  /** An absolute directory the programs run in. */
  readonly cwd: string;
  /** The complete environment given to every spawn (the real rig needs PATH in it). */
  readonly env: Readonly<Record<string, string>>;
  /** Maps a named behaviour and its arguments to a command line this rig's executor can start. */
  program(name: ContractProgram, ...args: string[]): ProgramLine;
  /**
   * Resolves or rejects as `p` does. The real rig just awaits it; the fake rig advances its
   * virtual clock until `p` settles (and throws if `p` can never settle).
   */
  settle<T>(p: Promise<T>): Promise<T>;
  /** Lets `ms` pass: a real sleep, or a virtual advance that fires the timers due meanwhile. */
  wait(ms: number): Promise<void>;
  /** Called after each test, once every process the test started has been force-killed and has exited. */
  dispose?(): void | Promise<void>;
}
