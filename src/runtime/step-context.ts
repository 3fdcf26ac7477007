// The context one attempt of one step runs with. Its AbortSignal is created only when a step asks
// for it, so a mission of 100,000 no-op steps does not pay for 100,000 AbortControllers.
import type { MissionConfig, StepId } from '../mission/model.js';
import type { DefaultValue } from '../plan/dependencies.js';
import type { Clock } from '../ports/clock.js';
import type { ContainmentKind, Executor, SpawnedProcess } from '../ports/executor.js';
import type { FileSystem } from '../ports/filesystem.js';
import type { HttpClient } from '../ports/http.js';
import type { ExecRequest, ExecResult, StepContext } from '../ports/step-type.js';
import type { KillReason } from '../scheduler/report.js';
import { LineSplitter } from './line-splitter.js';
import { OutputCapture } from './output-capture.js';

/** What the runtime lends every step context. */
export interface StepContextHost {
  readonly workingDirectory: string;
  readonly env: Readonly<Record<string, string>>;
  readonly allowedPaths: ReadonlyArray<string>;
  readonly config: MissionConfig;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly http: HttpClient;
  readonly executor: Executor;
  readonly maxOutputBytes: number;
  readonly killGraceMs: number;
  /** The run's secret values: a long line is never cut in the middle of one (they are masked only whole). */
  readonly secrets: ReadonlyArray<string>;
  /** A complete output line, for the event stream. */
  readonly onLine: (stepId: StepId, stream: 'stdout' | 'stderr', line: string) => void;
  /** Bytes arrived (with the last complete line, if any), for progress and stall detection. */
  readonly onActivity: (step: number, attempt: number, bytes: number, lastLine: string | null) => void;
  /** The latest carriage-return redraw of a line not yet ended (a progress bar), as it changes. */
  readonly onRedraw: (stepId: StepId, stream: 'stdout' | 'stderr', text: string) => void;
  readonly onProgress: (step: number, attempt: number, message: string, fraction: number | undefined) => void;
  readonly onWarning: (step: number, attempt: number, message: string) => void;
  readonly onInfo: (step: number, attempt: number, message: string) => void;
  /** The variables a step sees, with `defaults` standing in for dependencies that did not succeed. */
  readonly variablesFor: (defaults: ReadonlyArray<DefaultValue>) => Readonly<Record<string, string>>;
  /** A journaled run names each attempt's processes with this environment marker. */
  readonly treeMarker?: (step: number, attempt: number) => { readonly name: string; readonly value: string };
  /** A journaled run records each process an attempt starts. */
  readonly onSpawn?: (step: number, attempt: number, pid: number, marker: string | undefined) => void;
}

// A process-group or taskkill tree can be left by a daemon; a cgroup cannot. One process of an
// attempt contained the weaker way makes the whole attempt's containment the weaker one.
const isCgroup = (kind: ContainmentKind): boolean => kind === 'cgroup-v2' || kind === 'cgroup-v1';
const weaker = (seen: ContainmentKind | undefined, next: ContainmentKind): ContainmentKind =>
  seen === undefined || (isCgroup(seen) && !isCgroup(next)) ? next : seen;

/** Why the step's signal fired, as `signal.reason`. */
export class StepStopped extends Error {
  override readonly name = 'StepStopped';
  constructor(readonly reason: KillReason) {
    super(`step stopped: ${reason}`);
  }
}

/** What an attempt keeps only once it needs it: most attempts (a no-op, a quick check) never do. */
interface AttemptExtras {
  controller: AbortController | undefined;
  stopped: { reason: KillReason; mode: 'graceful' | 'force' } | undefined;
  processes: Set<SpawnedProcess> | undefined;
  contained: ContainmentKind | undefined;
  vars: Readonly<Record<string, string>> | undefined;
  // The context's functions are made on first use and bound, so `const { progress } = ctx` works
  // and a step that never reports progress costs nothing for it.
  progress: StepContext['progress'] | undefined;
  log: StepContext['log'] | undefined;
  exec: StepContext['exec'] | undefined;
}

/** The live side of one attempt: its context, its processes, and how to stop them. */
// One is made per attempt, so it is small: its fields are set in the constructor (class-field
// initialisers would each be a define, run in the interpreter during a mission's first run), and
// what most attempts never need is one object made on first use.
export class LiveAttempt implements StepContext {
  declare private readonly host: StepContextHost;
  declare readonly stepIndex: number;
  declare readonly stepId: StepId;
  declare readonly attempt: number;
  declare private readonly defaults: ReadonlyArray<DefaultValue>;
  declare private more: AttemptExtras | undefined;

  constructor(
    host: StepContextHost,
    stepIndex: number,
    stepId: StepId,
    attempt: number,
    defaults: ReadonlyArray<DefaultValue>,
  ) {
    this.host = host;
    this.stepIndex = stepIndex;
    this.stepId = stepId;
    this.attempt = attempt;
    this.defaults = defaults;
    this.more = undefined;
  }

  private get extras(): AttemptExtras {
    return (this.more ??= {
      controller: undefined,
      stopped: undefined,
      processes: undefined,
      contained: undefined,
      vars: undefined,
      progress: undefined,
      log: undefined,
      exec: undefined,
    });
  }

  /** Computed on first use: most steps never read them. */
  get variables(): Readonly<Record<string, string>> {
    const x = this.extras;
    x.vars ??= this.host.variablesFor(this.defaults);
    return x.vars;
  }

  get signal(): AbortSignal {
    const x = this.extras;
    x.controller ??= new AbortController();
    if (x.stopped !== undefined && !x.controller.signal.aborted)
      x.controller.abort(new StepStopped(x.stopped.reason));
    return x.controller.signal;
  }
  get workingDirectory(): string {
    return this.host.workingDirectory;
  }
  get env(): Readonly<Record<string, string>> {
    return this.host.env;
  }
  get allowedPaths(): ReadonlyArray<string> {
    return this.host.allowedPaths;
  }
  get config(): MissionConfig {
    return this.host.config;
  }
  get clock(): Clock {
    return this.host.clock;
  }
  get fs(): FileSystem {
    return this.host.fs;
  }
  get http(): HttpClient {
    return this.host.http;
  }
  get executor(): Executor {
    return this.host.executor;
  }
  get maxOutputBytes(): number {
    return this.host.maxOutputBytes;
  }

  get progress(): StepContext['progress'] {
    const x = this.extras;
    return (x.progress ??= (message, fraction) =>
      this.host.onProgress(this.stepIndex, this.attempt, message, fraction));
  }

  get log(): StepContext['log'] {
    const x = this.extras;
    return (x.log ??= {
      info: (message: string): void => this.host.onInfo(this.stepIndex, this.attempt, message),
      warn: (message: string): void => this.host.onWarning(this.stepIndex, this.attempt, message),
    });
  }

  get exec(): StepContext['exec'] {
    const x = this.extras;
    return (x.exec ??= (request) => this.run(request));
  }

  /** The pids of the processes this attempt is running now (the roots of their trees). */
  pids(): ReadonlyArray<number> {
    const pids: number[] = [];
    for (const p of this.more?.processes ?? []) if (p.pid !== undefined) pids.push(p.pid);
    return pids;
  }

  /** Resolves once every process the attempt started has ended (and its tree with it). */
  processesEnded(): Promise<void> {
    const exits: Array<Promise<unknown>> = [];
    for (const p of this.more?.processes ?? []) exits.push(p.exited);
    return Promise.all(exits).then(() => undefined);
  }

  /** How the attempt's processes were contained: the weakest kind any of them had, if it started any. */
  containment(): ContainmentKind | undefined {
    return this.more?.contained;
  }

  /** How the attempt was stopped, if it was (a method, so each read sees the current value). */
  private stopState(): { reason: KillReason; mode: 'graceful' | 'force' } | undefined {
    return this.more?.stopped;
  }

  /** Stops the attempt: fires the signal and signals every process tree it started. */
  kill(reason: KillReason, mode: 'graceful' | 'force'): void {
    const x = this.extras;
    x.stopped = { reason, mode };
    if (x.controller !== undefined && !x.controller.signal.aborted)
      x.controller.abort(new StepStopped(reason));
    for (const p of x.processes ?? []) p.kill(mode);
  }

  private async run(request: ExecRequest): Promise<ExecResult> {
    const host = this.host;
    const max = request.max_output_bytes ?? host.maxOutputBytes;
    const stdout = new OutputCapture(max);
    const stderr = new OutputCapture(max);
    const x = this.extras;
    if (x.stopped !== undefined) {
      return {
        exit: {
          _tag: 'spawn_failed',
          code: 'OTHER',
          message: `not started: the step was stopped (${x.stopped.reason})`,
        },
        stdout: stdout.result(),
        stderr: stderr.result(),
      };
    }
    const lines = {
      stdout: new LineSplitter((line) => host.onLine(this.stepId, 'stdout', line), undefined, host.secrets),
      stderr: new LineSplitter((line) => host.onLine(this.stepId, 'stderr', line), undefined, host.secrets),
    };
    const env: Record<string, string> =
      request.inherit_env === false ? { ...(request.env ?? {}) } : { ...host.env, ...(request.env ?? {}) };
    const marker = host.treeMarker?.(this.stepIndex, this.attempt);
    if (marker !== undefined)
      env[marker.name] = env[marker.name] ? `${env[marker.name]},${marker.value}` : marker.value;
    const proc = host.executor.spawn({
      command: request.command,
      args: request.args ?? [],
      cwd: host.fs.resolve(host.workingDirectory, request.cwd ?? '.'),
      env,
      shell: request.shell ?? false,
      detach: request.detach ?? false,
      killGraceMs: host.killGraceMs,
      stepId: this.stepId,
      onOutput: (stream, chunk) => {
        (stream === 'stdout' ? stdout : stderr).push(chunk);
        const last = lines[stream].push(chunk);
        // A progress bar redrawn with \r never ends its line: its latest redraw stands for it.
        const redraw = chunk.includes(13) ? lines[stream].redraw() : null;
        if (redraw !== null && redraw.trim() !== '') host.onRedraw(this.stepId, stream, redraw);
        host.onActivity(this.stepIndex, this.attempt, chunk.length, last ?? redraw);
      },
    });
    (x.processes ??= new Set()).add(proc);
    if (proc.pid !== undefined && proc.containment !== undefined)
      x.contained = weaker(x.contained, proc.containment);
    if (proc.pid !== undefined) host.onSpawn?.(this.stepIndex, this.attempt, proc.pid, marker?.value);
    // A kill that raced with the spawn still reaches the new process.
    const raced = this.stopState();
    if (raced !== undefined) proc.kill(raced.mode);
    const exit = await proc.exited;
    x.processes?.delete(proc);
    for (const stream of ['stdout', 'stderr'] as const) {
      const last = lines[stream].end();
      if (last !== null) host.onActivity(this.stepIndex, this.attempt, 0, last);
    }
    // Output that could not be read to its end must not pass for complete: the warning makes a
    // success `succeeded_with_warnings`, and says which stream and why.
    if (exit._tag !== 'spawn_failed' && exit.output_incomplete !== undefined)
      host.onWarning(this.stepIndex, this.attempt, `output incomplete: ${exit.output_incomplete}`);
    return { exit, stdout: stdout.result(), stderr: stderr.result() };
  }
}
