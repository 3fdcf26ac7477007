// An Executor that runs scripts instead of processes, on an injected Clock (a VirtualClock in
// tests), and records what it was asked to do. It keeps the real executor's guarantees — the
// executor contract suite runs against both — so a mission tested with it behaves the same for real:
// output arrives in order and before `exited` settles, nothing arrives after, `exited` never
// rejects, a kill after exit is harmless, and a spawn failure is a value with no pid.
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Executor, ProcessExit, SpawnedProcess, SpawnRequest } from '../ports/executor.js';
import { unreachable } from '../unreachable.js';
import {
  resolveScript,
  spawnErrorMessage,
  type FakeScriptSource,
  type ResolvedScript,
} from './fake-script.js';

/** A kill as the executor port names it. */
export type KillMode = 'graceful' | 'force';

/** Where a spawn's script came from. */
export type ScriptOrigin = 'step' | 'command' | 'default' | 'unscripted';

/** Options for `new FakeExecutor(...)`. Scripts are chosen by step id, then by command, then the default. */
export interface FakeExecutorOptions {
  /**
   * The clock scripted times run on; usually the VirtualClock the runtime is given too.
   * @example new FakeExecutor({ clock: new VirtualClock() })
   */
  readonly clock: Clock;
  /**
   * Scripts by `request.stepId`; the first place a script is looked for. An instance of a
   * fanned-out step is scripted by its own id (`test[db=pg14]`, `process[3]`) or, failing that,
   * by its step's id (`test`), where a script function can read the instance's args.
   * @default {} (none)
   * @example { steps: { build: { exitAfterMs: 90_000 }, deploy: { hang: true } } }
   */
  readonly steps?: Readonly<Record<string, FakeScriptSource>>;
  /**
   * Scripts by `request.command` (matched exactly, e.g. `git`, not `/usr/bin/git`), for a
   * process whose step has no script of its own. A function reads the args.
   * @default {} (none)
   * @example { commands: { git: (req) => (req.args[0] === 'push' ? { exitCode: 1 } : {}) } }
   */
  readonly commands?: Readonly<Record<string, FakeScriptSource>>;
  /**
   * The script for a process that matches no step and no command. Without one, such a process
   * fails to spawn with ENOENT and a message saying how to script it.
   * @default undefined (unscripted processes fail to spawn)
   * @example { defaultScript: { exitCode: 0 } }
   */
  readonly defaultScript?: FakeScriptSource;
  /**
   * The pid of the first process started; each later one gets the next number.
   * @default 1000
   * @example { firstPid: 4242 }
   */
  readonly firstPid?: number;
}

/** The id of the fanned-out step an instance id belongs to: `test` for `test[db=pg14]`. */
const groupOf = (id: string): string | undefined => {
  if (!id.endsWith(']')) return undefined;
  const open = id.indexOf('[');
  return open > 0 ? id.slice(0, open) : undefined;
};

/** What the FakeExecutor remembers of one spawn; it is updated as the process lives and ends. */
export interface FakeSpawnRecord {
  readonly request: SpawnRequest;
  /** undefined when the spawn failed. */
  readonly pid: number | undefined;
  /** Every `kill()` call on this process, in order, including calls made after it ended. */
  readonly signals: ReadonlyArray<KillMode>;
  /** Clock time of the spawn. */
  readonly startedAt: number;
  /** Clock time it ended; undefined while it runs. */
  readonly endedAt?: number;
  /** How it ended; undefined while it runs. */
  readonly exit?: ProcessExit;
  readonly scriptedBy: ScriptOrigin;
}

/** The mutable record behind the readonly view handed out. */
interface LiveRecord {
  readonly request: SpawnRequest;
  readonly pid: number | undefined;
  readonly signals: KillMode[];
  readonly startedAt: number;
  endedAt?: number;
  exit?: ProcessExit;
  readonly scriptedBy: ScriptOrigin;
}

interface Choice {
  readonly origin: ScriptOrigin;
  readonly where: string;
  readonly source: FakeScriptSource | undefined;
}

const table = (
  scripts: Readonly<Record<string, FakeScriptSource>> | undefined,
): ReadonlyMap<string, FakeScriptSource> =>
  // A Map, not `scripts[key]`: a step named `constructor` or `toString` must not find Object's methods.
  new Map(Object.entries(scripts ?? {}));

const quoteList = (keys: Iterable<string>): string => {
  const list = [...keys].map((k) => JSON.stringify(k));
  return list.length === 0 ? 'none' : list.join(', ');
};

/**
 * An Executor for tests: scripted processes on virtual time, with a record of every spawn and signal.
 * Nothing a script does on its own happens until the clock moves (`advance(0)` for what is due
 * now); a kill takes effect at once, as SIGKILL does.
 * @example
 * const clock = new VirtualClock();
 * const executor = new FakeExecutor({ clock, steps: { deploy: { hang: true, ignoreGraceful: true } } });
 * // ...run a mission whose `deploy` step times out, then:
 * expect(executor.signalsFor('deploy')).toEqual(['graceful', 'force']);
 */
export class FakeExecutor implements Executor {
  private readonly clock: Clock;
  private readonly steps: ReadonlyMap<string, FakeScriptSource>;
  private readonly commands: ReadonlyMap<string, FakeScriptSource>;
  private readonly defaultScript: FakeScriptSource | undefined;
  /** Static scripts are checked once, up front, so a contradiction fails where the test builds the executor. */
  private readonly checked = new Map<FakeScriptSource, ResolvedScript>();
  private readonly records: LiveRecord[] = [];
  private nextPid: number;

  constructor(options: FakeExecutorOptions) {
    this.clock = options.clock;
    this.steps = table(options.steps);
    this.commands = table(options.commands);
    this.defaultScript = options.defaultScript;
    this.nextPid = options.firstPid ?? 1000;
    if (!Number.isInteger(this.nextPid) || this.nextPid <= 0) {
      throw new RangeError(
        `new FakeExecutor({ firstPid: ${options.firstPid} }): a pid must be a positive integer`,
      );
    }
    const precheck = (source: FakeScriptSource | undefined, where: string): void => {
      if (source !== undefined && typeof source !== 'function')
        this.checked.set(source, resolveScript(source, where));
    };
    for (const [id, source] of this.steps) precheck(source, `step ${JSON.stringify(id)}`);
    for (const [command, source] of this.commands) precheck(source, `command ${JSON.stringify(command)}`);
    precheck(this.defaultScript, 'defaultScript');
  }

  /** Every spawn so far, in order, including failed ones. */
  get spawns(): ReadonlyArray<FakeSpawnRecord> {
    return this.records;
  }

  /** The spawns of one step, in order (more than one when it was retried). */
  spawnsFor(stepId: string): ReadonlyArray<FakeSpawnRecord> {
    return this.records.filter((r) => r.request.stepId === stepId);
  }

  /** Every kill sent to a step's processes, over all its attempts, in order. */
  signalsFor(stepId: string): ReadonlyArray<KillMode> {
    return this.spawnsFor(stepId).flatMap((r) => r.signals);
  }

  /** The processes that started and have not ended yet. */
  running(): ReadonlyArray<FakeSpawnRecord> {
    return this.records.filter((r) => r.pid !== undefined && r.exit === undefined);
  }

  /** Starts a scripted process; never throws for an expected failure (a TypeError for a contradictory script). */
  spawn(request: SpawnRequest): SpawnedProcess {
    const choice = this.choose(request);
    if (choice.source === undefined) {
      return this.failed(request, choice.origin, {
        _tag: 'spawn_failed',
        code: 'ENOENT',
        message: this.unscriptedMessage(request),
        hint: 'script it with the FakeExecutor options `steps`, `commands` or `defaultScript`',
      });
    }
    const script = this.checked.get(choice.source) ?? this.resolve(choice.source, request, choice.where);
    switch (script._tag) {
      case 'spawn_error':
        return this.failed(request, choice.origin, {
          _tag: 'spawn_failed',
          code: script.code,
          message: script.message ?? spawnErrorMessage(script.code, request),
          ...(script.hint === undefined ? {} : { hint: script.hint }),
        });
      case 'process':
        return this.run(request, choice.origin, script);
      default:
        return unreachable(script);
    }
  }

  private choose(request: SpawnRequest): Choice {
    const byStep = request.stepId === undefined ? undefined : this.steps.get(request.stepId);
    if (byStep !== undefined)
      return { origin: 'step', where: `step ${JSON.stringify(request.stepId)}`, source: byStep };
    // An instance of a fanned-out step (`test[db=pg14]`, `process[3]`) without its own script runs its step's.
    const group = request.stepId === undefined ? undefined : groupOf(request.stepId);
    const byGroup = group === undefined ? undefined : this.steps.get(group);
    if (byGroup !== undefined)
      return { origin: 'step', where: `step ${JSON.stringify(group)}`, source: byGroup };
    const byCommand = this.commands.get(request.command);
    if (byCommand !== undefined)
      return { origin: 'command', where: `command ${JSON.stringify(request.command)}`, source: byCommand };
    if (this.defaultScript !== undefined)
      return { origin: 'default', where: 'defaultScript', source: this.defaultScript };
    return { origin: 'unscripted', where: 'nothing', source: undefined };
  }

  private resolve(source: FakeScriptSource, request: SpawnRequest, where: string): ResolvedScript {
    if (typeof source !== 'function') return resolveScript(source, where);
    return resolveScript(
      source(request),
      `${where} (returned by its script function for args ${JSON.stringify(request.args)})`,
    );
  }

  private unscriptedMessage(request: SpawnRequest): string {
    const step =
      request.stepId === undefined ? 'a process with no step id' : `step ${JSON.stringify(request.stepId)}`;
    const key = request.stepId ?? 'my_step';
    return (
      `FakeExecutor has no script for ${step} running command ${JSON.stringify(request.command)}. ` +
      `Add one: new FakeExecutor({ clock, steps: { ${JSON.stringify(key)}: { exitCode: 0 } } }), ` +
      `or by command: commands: { ${JSON.stringify(request.command)}: { exitCode: 0 } }, or give a defaultScript. ` +
      `Scripted steps: ${quoteList(this.steps.keys())}; scripted commands: ${quoteList(this.commands.keys())}.`
    );
  }

  private failed(request: SpawnRequest, origin: ScriptOrigin, exit: ProcessExit): SpawnedProcess {
    const now = this.clock.now();
    const record: LiveRecord = {
      request,
      pid: undefined,
      signals: [],
      startedAt: now,
      endedAt: now,
      exit,
      scriptedBy: origin,
    };
    this.records.push(record);
    return { pid: undefined, exited: Promise.resolve(exit), kill: (mode) => void record.signals.push(mode) };
  }

  private run(
    request: SpawnRequest,
    origin: ScriptOrigin,
    script: Extract<ResolvedScript, { _tag: 'process' }>,
  ): SpawnedProcess {
    const clock = this.clock;
    const pid = this.nextPid;
    this.nextPid += 1;
    const record: LiveRecord = { request, pid, signals: [], startedAt: clock.now(), scriptedBy: origin };
    this.records.push(record);

    let resolveExited: (exit: ProcessExit) => void = () => undefined;
    const exited = new Promise<ProcessExit>((resolve) => {
      resolveExited = resolve;
    });
    const timers: TimerHandle[] = [];
    let gracefulPending = false;

    // Ends the process once: output not printed by now never will be (a killed process prints no
    // more), and `exited` settles only after everything printed so far was delivered, which holds
    // because delivery is synchronous in the timer callbacks that ran before this.
    const end = (exit: ProcessExit): void => {
      if (record.exit !== undefined) return;
      for (const timer of timers) timer.cancel();
      record.endedAt = clock.now();
      record.exit = exit;
      resolveExited(exit);
    };

    // Output timers are armed before the exit timer, so a chunk due at the exit instant prints first.
    for (const chunk of script.output) {
      timers.push(
        clock.setTimer(chunk.atMs, () => {
          // Each delivery gets its own copy: a consumer may keep or mutate what it is given.
          if (record.exit === undefined) request.onOutput(chunk.stream, chunk.bytes.slice());
        }),
      );
    }
    const natural = script.end;
    switch (natural._tag) {
      case 'never':
        break;
      case 'exit':
        timers.push(clock.setTimer(natural.atMs, () => end({ _tag: 'exited', code: natural.code })));
        break;
      case 'signal':
        timers.push(clock.setTimer(natural.atMs, () => end({ _tag: 'signaled', signal: natural.signal })));
        break;
      default:
        unreachable(natural);
    }

    const graceful = (): void => {
      const reaction = script.graceful;
      switch (reaction._tag) {
        case 'ignore':
          return;
        case 'signal':
        case 'exit': {
          // A second SIGTERM does not restart a cleanup already under way.
          if (gracefulPending) return;
          const exit: ProcessExit =
            reaction._tag === 'exit'
              ? { _tag: 'exited', code: reaction.code }
              : { _tag: 'signaled', signal: 'SIGTERM' };
          if (reaction.afterMs === 0) {
            end(exit);
            return;
          }
          gracefulPending = true;
          timers.push(clock.setTimer(reaction.afterMs, () => end(exit)));
          return;
        }
        default:
          unreachable(reaction);
      }
    };

    // A kill takes effect at once, in virtual time as in reality: SIGKILL needs no clock to move.
    const kill = (mode: KillMode): void => {
      record.signals.push(mode);
      if (record.exit !== undefined) return;
      switch (mode) {
        case 'graceful':
          graceful();
          return;
        case 'force':
          end({ _tag: 'signaled', signal: 'SIGKILL' });
          return;
        default:
          unreachable(mode);
      }
    };

    return { pid, exited, kill };
  }
}
