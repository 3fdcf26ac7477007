// The real executor port: starts processes with child_process, streams their raw output, and
// keeps each one's whole process tree under control (kill-tree.ts). It never buffers output:
// bounded capture and line splitting belong to the runtime, so a child printing gigabytes
// costs the host only the chunk in flight. Expected failures are values, never exceptions.
import { spawn as spawnChild } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Executor, ProcessExit, SpawnedProcess, SpawnRequest } from '../ports/executor.js';
import { unreachable } from '../unreachable.js';
import type { KillTreeOptions } from './kill-tree.js';
import type { ChoiceReading, ContainmentChoice } from './containment/choose-containment.js';
import {
  chooseContainment,
  readContainmentChoice,
  CONTAINMENT_VARIABLE,
} from './containment/choose-containment.js';
import type { Containment, StepContainer } from './containment/containment.js';
import type { HostPlatform } from './platform.js';
import { invocation, treeSignalling, tracksEnvironmentMarker, windowsCommandCandidates } from './platform.js';
import { readPipeRest } from './pipe-rest.js';
import { markerValue, TREE_MARKER_VARIABLE } from './process-tree.js';
import type { SpawnFailure } from './spawn-failure.js';
import { checkWorkingDirectory, explainSpawnError } from './spawn-failure.js';

/** Tuning of the Node executor; the defaults suit every mission we know of. */
export interface NodeExecutorOptions {
  /**
   * Pause between two sweeps of a kill (each sweep reads the process table), and between two
   * checks while descendants left behind get their grace period.
   * @default 20
   */
  readonly killSweepIntervalMs?: number;
  /**
   * A kill stops sweeping after this long: a process stuck in the kernel (state D) cannot be
   * killed by anyone, and `exited` must settle eventually.
   * @default 30000
   */
  readonly killSweepTimeoutMs?: number;
  /**
   * After the process exited, how long to wait for its output pipes to close when something still
   * holds them (a daemon it left with `detach: true`); then what is in the pipes is read, they are
   * closed, and later output is dropped. Without `detach`, a pipe still open then makes the exit
   * carry `output_incomplete`.
   * @default 250
   * @example createNodeExecutor({ outputDrainMs: 1000 })
   */
  readonly outputDrainMs?: number;
  /**
   * How each process and everything it starts are held together and killed: `auto` picks the
   * best the host allows (a Linux control group where it may create one, else the process group
   * and an environment marker); the others force one (a cgroup kind the host lacks falls back to
   * `process-group`). See docs/processes.md.
   * @default the `MISSIONKIT_CONTAINMENT` environment variable, else 'auto'
   * @example createNodeExecutor({ containment: 'process-group' })
   */
  readonly containment?: ContainmentChoice;
}

const spawnFailed = (failure: SpawnFailure): SpawnedProcess => ({
  pid: undefined,
  exited: Promise.resolve(failure),
  kill: () => undefined,
});

// Windows starts .exe files by name, but batch files (npm.cmd) only through cmd.exe, so the
// file a command names must be known before choosing how to start it.
const resolveWindowsCommand = (
  command: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): string | undefined =>
  windowsCommandCandidates(command, cwd, env).find((candidate) => {
    try {
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  });

/** How a started process ended (it did start: a failure to start is told elsewhere). */
type Ended = Exclude<ProcessExit, { readonly _tag: 'spawn_failed' }>;

const outcomeOf = (code: number | null, signal: NodeJS.Signals | null): Ended =>
  code !== null ? { _tag: 'exited', code } : { _tag: 'signaled', signal: signal ?? 'SIGKILL' };

/** Runs processes on this machine. */
export class NodeExecutor implements Executor {
  private readonly tree: KillTreeOptions;
  private readonly outputDrainMs: number;
  private readonly platform: HostPlatform = process.platform;
  // Unique per executor, so a sweep can only ever match processes this executor started. Made at the
  // first spawn: a run that starts no process (and a process that only creates a host) never loads
  // node:crypto for it.
  private prefix: string | undefined;
  private get markerPrefix(): string {
    return (this.prefix ??= `${process.pid.toString(36)}.${randomBytes(6).toString('hex')}`);
  }
  private spawned = 0;
  // What is still running, so a host that must exit now can take every tree down with it.
  private readonly running = new Set<SpawnedProcess>();
  private readonly choice: ChoiceReading;
  private chosen: Containment | undefined;

  /** Creates an executor; see `NodeExecutorOptions` for the tuning. */
  constructor(options: NodeExecutorOptions = {}) {
    this.tree = {
      sweepIntervalMs: options.killSweepIntervalMs ?? 20,
      sweepTimeoutMs: options.killSweepTimeoutMs ?? 30_000,
    };
    this.outputDrainMs = options.outputDrainMs ?? 250;
    this.choice = readContainmentChoice(options.containment, process.env[CONTAINMENT_VARIABLE]);
    // A wrong option is the host program's mistake; a wrong variable fails each spawn, saying so.
    if (options.containment !== undefined && this.choice._tag === 'invalid')
      throw new TypeError(`${this.choice.message}; ${this.choice.hint}`);
  }

  /** The containment, probed on first use: an executor that never spawns never probes. */
  private containment(): Containment | SpawnFailure {
    if (this.choice._tag === 'invalid')
      return { _tag: 'spawn_failed', code: 'OTHER', message: this.choice.message, hint: this.choice.hint };
    this.chosen ??= chooseContainment(this.platform, this.choice.choice, this.tree);
    return this.chosen;
  }

  /** How this executor contains the processes it starts (the report names it per step). */
  get containmentKind(): SpawnedProcess['containment'] {
    const c = this.containment();
    return 'kind' in c ? c.kind : undefined;
  }

  /** Starts one process; never throws for a failure to start (that is `exited`'s `spawn_failed`). */
  spawn(request: SpawnRequest): SpawnedProcess {
    const platform = this.platform;
    const cwdProblem = checkWorkingDirectory(request.cwd);
    if (cwdProblem !== undefined) return spawnFailed(cwdProblem);
    const resolved =
      platform === 'win32' && request.shell === false
        ? resolveWindowsCommand(request.command, request.cwd, request.env)
        : undefined;
    const how = invocation(platform, { ...request, resolved });
    const program = request.shell === false ? request.command : how.file;
    const explain = (error: unknown): SpawnFailure =>
      explainSpawnError(platform, error, program, request.cwd, request.env);

    this.spawned += 1;
    const marker = tracksEnvironmentMarker(platform) ? `${this.markerPrefix}.${this.spawned}` : undefined;
    const env =
      marker === undefined
        ? request.env
        : { ...request.env, [TREE_MARKER_VARIABLE]: markerValue(request.env[TREE_MARKER_VARIABLE], marker) };

    const containment = this.containment();
    if ('_tag' in containment) return spawnFailed(containment);
    const container = containment.contain({
      file: how.file,
      args: how.args,
      env,
      cwd: request.cwd,
      label: request.stepId,
    });
    let child: ChildProcess;
    try {
      child = spawnChild(container.file, container.args, {
        cwd: request.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // POSIX: the child leads a new process group (and session), so one signal reaches its tree.
        detached: treeSignalling(platform) === 'process-group',
        windowsHide: true,
        windowsVerbatimArguments: how.windowsVerbatimArguments,
      });
    } catch (error) {
      container.dispose();
      return spawnFailed(explain(error));
    }
    const pid = child.pid;
    if (pid === undefined) {
      container.dispose();
      // Node reports ENOENT, EACCES and resource exhaustion on the next tick, as an event.
      return {
        pid: undefined,
        exited: new Promise((resolve) => child.once('error', (error) => resolve(explain(error)))),
        kill: () => undefined,
      };
    }
    const supervised = this.supervise(child, pid, marker, request, container);
    this.running.add(supervised);
    void supervised.exited.then(() => this.running.delete(supervised));
    return supervised;
  }

  /**
   * Kills every tree this executor started that has not ended yet, and resolves once all of them
   * have. For a host that must exit at once (a second Ctrl-C): `force` sends SIGKILL to every
   * process group before it returns, and the sweeps finish before the promise resolves.
   * @example
   * await executor.killAll('force');
   * process.exit(130);
   */
  killAll(mode: 'graceful' | 'force'): Promise<void> {
    const all = [...this.running];
    for (const p of all) p.kill(mode);
    return Promise.all(all.map((p) => p.exited)).then(() => undefined);
  }

  private supervise(
    child: ChildProcess,
    pid: number,
    marker: string | undefined,
    request: SpawnRequest,
    container: StepContainer,
  ): SpawnedProcess {
    const tree = container.control({ pid, marker, signal: (signal) => child.kill(signal) });
    // Errors after a successful start (a failed kill of an exited child) carry no news.
    child.on('error', () => undefined);
    child.stdout?.on('data', (chunk: Buffer) => request.onOutput('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => request.onOutput('stderr', chunk));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);

    let closed = false;
    const allClosed = new Promise<void>((resolve) =>
      child.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    let settled = false;
    let killed = false;
    let terminated = false;
    const pending = new Set<Promise<void>>();
    const track = (work: Promise<void>): void => {
      const done = work.catch(() => undefined).finally(() => pending.delete(done));
      pending.add(done);
    };

    // Descendants left behind by a normal exit get the same ladder as a kill, with the step's grace.
    const removeLeftovers = async (): Promise<void> => {
      if ((await tree.leftovers()) === 0) return;
      if (!terminated) await tree.terminate();
      if (await tree.waitGone(request.killGraceMs)) return;
      await tree.forceKill();
    };

    // Output already in the pipe is read; a pipe still open after that is held by a daemon (or, in
    // a step that does not detach, by a process that escaped its tree). The wait is wall-clock time
    // but the pipes are read only when the event loop polls them, so once it is over what is left
    // is read directly (pipe-rest.ts) rather than dropped. Says why the output is incomplete, if it is.
    const drainOutput = async (): Promise<string | undefined> => {
      if (closed) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        allClosed.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), this.outputDrainMs);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return undefined;
      const problems: string[] = [];
      for (const [name, stream] of [
        ['stdout', child.stdout],
        ['stderr', child.stderr],
      ] as const) {
        if (stream === null || stream.destroyed) continue;
        const rest = readPipeRest(stream, (chunk) => request.onOutput(name, chunk));
        stream.destroy();
        if (rest === 'ended' || (rest === 'open' && request.detach && !killed)) continue;
        problems.push(
          rest === 'open'
            ? `${name} was still held open ${this.outputDrainMs} ms after the program exited, by a process outside its tree; what was printed after that is not captured`
            : `${name} could not be read to its end`,
        );
      }
      await allClosed;
      return problems.length === 0 ? undefined : problems.join('; ');
    };

    const finish = (outcome: ProcessExit): ProcessExit => {
      container.dispose();
      settled = true;
      return outcome;
    };

    const settle = async (outcome: Ended): Promise<ProcessExit> => {
      try {
        tree.rootExited();
        if (!request.detach || killed) await removeLeftovers();
        const incomplete = await drainOutput();
        while (pending.size > 0) await Promise.all(pending);
        if (incomplete !== undefined) return finish({ ...outcome, output_incomplete: incomplete });
      } catch {
        // The outcome is known; a failure to tidy up must not hide it (exited never rejects).
      }
      return finish(outcome);
    };

    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        void settle(outcomeOf(code, signal)).then(resolve);
      });
    });

    return {
      pid,
      containment: container.kind,
      exited,
      kill: (mode) => {
        if (settled) return;
        killed = true;
        switch (mode) {
          case 'graceful':
            terminated = true;
            track(tree.terminate());
            return;
          case 'force':
            track(tree.forceKill());
            return;
          default:
            return unreachable(mode);
        }
      },
    };
  }
}

/** Creates the executor that runs real processes (the default of `runMission`). */
export const createNodeExecutor = (options: NodeExecutorOptions = {}): NodeExecutor =>
  new NodeExecutor(options);
