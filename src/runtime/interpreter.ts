// The interpreter: one event queue feeding the pure scheduler, and the scheduler's commands turned
// into port calls. Everything effectful a run does passes through here.
import type { MissionPlan } from '../plan/plan.js';
import type { Clock } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import type { FileSystem } from '../ports/filesystem.js';
import type { HttpClient } from '../ports/http.js';
import type { ResourceSampler, TreeUsage } from '../ports/sampler.js';

const NOTHING_RUNNING: TreeUsage = Object.freeze({ processes: 0, rss_bytes: 0, cpu_ms: 0 });
import type { AnyStepType, StepOutcome, StepTypeRegistry } from '../ports/step-type.js';
import type { SchedulerCommand } from '../scheduler/commands.js';
import type { SchedulerEvent } from '../scheduler/events.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport } from '../scheduler/report.js';
import { initialState } from '../scheduler/state.js';
import { transition } from '../scheduler/transition.js';
import { unreachable } from '../unreachable.js';
import { LiveAttempt, type StepContextHost } from './step-context.js';
import { TimerQueue } from './timer-queue.js';
import { StepVariables } from './step-variables.js';
import { makeMasker, maskedValues } from './secret-mask.js';
import { expandStepParameters } from './expand-parameters.js';
import type { Expansion } from '../plan/templates.js';
import type { StepId } from '../mission/model.js';
import type { StepResult } from '../scheduler/report.js';
import type { RunLog } from '../ports/journal.js';
import type { Replayed } from './replay.js';
import { noopStep } from '../steps/noop.js';
import type { ConditionInputs } from '../scheduler/condition-inputs.js';
import type { PlanFacts } from '../plan/facts.js';
import type { RunnerAttempt, StepRunnerFactory } from '../ports/step-runner.js';
import { startStepType } from './run-attempt.js';

/** Everything a run needs from its host. */
export interface InterpreterOptions {
  readonly plan: MissionPlan;
  readonly registry: StepTypeRegistry;
  readonly executor: Executor;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly http: HttpClient;
  readonly workingDirectory: string;
  readonly env: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, string>>;
  readonly allowedPaths: ReadonlyArray<string>;
  readonly maxOutputBytes: number;
  readonly onEvent: ((event: MissionEvent) => void) | undefined;
  /** Emit `step_redraw` events (for live views). */
  readonly redrawEvents: boolean;
  readonly signal: AbortSignal | undefined;
  /** Suspends a journaled run (cancels an unjournaled one): see `RunMissionOptions.suspendSignal`. */
  readonly suspendSignal?: AbortSignal | undefined;
  readonly seed: number;
  /** Secret values, masked as *** in every event and in the report. */
  readonly secrets: ReadonlyArray<string>;
  /** Measures running steps' process trees. */
  readonly sampler: ResourceSampler;
  /** The host's platform (`process.platform`): decides what `shell: true` means for templates (cmd.exe on win32). */
  readonly platform?: string | undefined;
  /** Records the run: each event is appended before it is applied (write-ahead). */
  readonly log?: RunLog;
  /** A journaled run resumed: the state its events rebuilt. */
  readonly replayed?: Replayed;
  /**
   * Whether a resuming host finds an attempt's processes by their tree marker alone (Linux reads
   * it from /proc). Then a process record need not be durable before the run goes on: the marker
   * is named by the attempt, whose start is durable before anything is spawned. @default false
   */
  readonly markersFindable?: boolean;
  /** What `if:` conditions read besides step results. @default the mission's variables, nothing else */
  readonly conditions?: ConditionInputs;
  /** Runs the attempts it takes elsewhere (missionkit/distributed); absent: every attempt runs here. */
  readonly stepRunner?: StepRunnerFactory;
  /** The facts the plan was made with, for a step runner's far side. @default {} */
  readonly facts?: PlanFacts;
}

/**
 * A cancel and a resume, which change what the whole run does, are durable at once. The others
 * (the start too: nothing outside depends on it until a step reaches outside) are
 * group-committed: written in batches, and made durable together at the next barrier (before a
 * step reaches outside the run, before the report) — see docs/durability.md.
 */
const durabilityOf = (event: SchedulerEvent): 'durable' | 'buffered' => {
  switch (event._tag) {
    case 'step_output':
    case 'step_progress':
    case 'step_warning':
    case 'step_sample':
    case 'timer_fired':
    case 'step_finished':
    case 'start':
      return 'buffered';
    case 'cancel':
    case 'resume':
    case 'step_interrupted':
      return 'durable';
    default:
      return unreachable(event);
  }
};

/**
 * Step types that never reach outside the run (no process, request or file): starting one is not
 * visible outside, so it needs no barrier. Known by identity: a host's own `noop` gets one.
 */
const EFFECT_FREE: ReadonlySet<unknown> = new Set<unknown>([noopStep]);

type StepFinished = Extract<SchedulerEvent, { _tag: 'step_finished' }>;

/** What `expandedParameters` returns for an attempt its parameters have already failed. */
const NOT_STARTED: unique symbol = Symbol('not started');

/** The tree-marker environment variable (src/node/process-tree.ts), naming a journaled attempt's processes. */
const TREE_MARKER_VARIABLE = 'MISSIONKIT_TREE';

const reasonText = (signal: AbortSignal): string => {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r.message;
  return typeof r === 'string' && r !== '' ? r : 'the host aborted the run';
};

/** The tree marker of one journaled attempt: a resuming host finds the processes it left by it. */
export const attemptMarker = (runId: string, step: number, attempt: number): string =>
  `mk.${runId}.${step}.${attempt}`;

/** Runs a planned mission to its report. Resolves even when steps fail; never rejects for a step's failure. */
export const interpret = (o: InterpreterOptions): Promise<MissionReport> =>
  new Promise<MissionReport>((resolve, reject) => {
    // Without a listener, the scheduler builds only the events the run itself reads (step_end).
    const replayed = o.replayed;
    let state = replayed?.state ?? initialState(o.plan, o.seed, o.onEvent !== undefined, o.conditions);
    const log = o.log;
    // Events appended since the last sync: a barrier syncs only when there are some, so the
    // starts of one wave (and the process records between them) share one fsync.
    let unsynced = false;
    /** Group commit: everything appended so far is durable before the run reaches outside. */
    const barrier = (): void => {
      if (log === undefined || !unsynced) return;
      unsynced = false;
      log.sync();
    };
    const queue: SchedulerEvent[] = [];
    let pumping = false;
    let done = false;
    // The running attempt of each step, by index (an array: a map would churn once per step).
    const live: Array<LiveAttempt | undefined> = new Array(o.plan.steps.length);
    const variables = new StepVariables(o.variables);
    // Each ended step's result, by index; templates read them by id.
    const ended: Array<StepResult | undefined> = new Array(o.plan.steps.length);
    // Instances of fanned-out steps are not in the plan's graph: their index by id, gathered from
    // the results only when a template asks for one (most runs never do).
    const instances = new Map<StepId, number>();
    const instanceIndex = (id: StepId): number | undefined => {
      if (!instances.has(id))
        for (let i = o.plan.steps.length; i < ended.length; i++) {
          const r = ended[i];
          if (r !== undefined) instances.set(r.id, i);
        }
      return instances.get(id);
    };
    const results = {
      get: (id: StepId): StepResult | undefined => {
        const i = o.plan.graph.indexOf(id) ?? instanceIndex(id);
        return i === undefined ? undefined : ended[i];
      },
    };
    const mask = makeMasker(o.secrets);
    const runner = o.stepRunner?.({
      runId: log?.runId,
      workingDirectory: o.workingDirectory,
      env: o.env,
      allowedPaths: o.allowedPaths,
      config: o.plan.mission.config,
      maxOutputBytes: o.maxOutputBytes,
      killGraceMs: o.plan.kill_grace_ms,
      secrets: o.secrets,
      facts: o.facts ?? {},
      maxParallel: o.plan.max_parallel,
    });
    // The attempts a runner runs elsewhere, by step index (made only when there is a runner).
    const remote: Array<{ readonly attempt: number; readonly handle: RunnerAttempt } | undefined> =
      runner === undefined ? [] : new Array(o.plan.steps.length);
    if (replayed !== undefined)
      for (let i = 0; i < replayed.ended.length; i++) {
        const r = replayed.ended[i];
        if (r === undefined) continue;
        ended[i] = r;
        if (r.attempts.length > 0) variables.record(r);
      }

    const emit = (event: MissionEvent): void => {
      if (o.onEvent === undefined) return;
      try {
        o.onEvent(mask(event));
      } catch {
        // A listener's error must not break the run it listens to; the run goes on.
      }
    };

    /** Events that arrive while one is being handled wait their turn; otherwise it is handled now. */
    const enqueue = (event: SchedulerEvent): void => {
      if (done) return;
      if (pumping) queue.push(event);
      else pump(event);
    };

    const timers = new TimerQueue(o.clock, (timer) =>
      enqueue({ _tag: 'timer_fired', at: o.clock.now(), timer }),
    );

    const onAbort = (): void =>
      enqueue({ _tag: 'cancel', at: o.clock.now(), reason: o.signal ? reasonText(o.signal) : 'aborted' });

    // Suspending: the journal is made durable and then closed to this run, which stops as if
    // cancelled. What the journal holds is what a host that died here would have left: the
    // attempts running now are interrupted attempts to whoever resumes the run.
    let suspended: { readonly at: number; readonly reason: string } | undefined;
    const onSuspend = (): void => {
      if (done || suspended !== undefined) return;
      const reason = o.suspendSignal !== undefined ? reasonText(o.suspendSignal) : 'suspended';
      if (log === undefined) {
        enqueue({ _tag: 'cancel', at: o.clock.now(), reason });
        return;
      }
      unsynced = true;
      barrier();
      suspended = { at: o.clock.now(), reason };
      enqueue({ _tag: 'cancel', at: suspended.at, reason: `suspended: ${reason}` });
    };
    /** The report, saying so when the run was suspended. */
    const finalReport = (report: MissionReport): MissionReport =>
      suspended === undefined || log === undefined
        ? report
        : {
            ...report,
            suspended: {
              at: new Date(suspended.at).toISOString(),
              run_id: log.runId,
              reason: suspended.reason,
            },
          };

    const host: StepContextHost = {
      workingDirectory: o.workingDirectory,
      env: o.env,
      allowedPaths: o.allowedPaths,
      config: o.plan.mission.config,
      clock: o.clock,
      fs: o.fs,
      http: o.http,
      executor: o.executor,
      maxOutputBytes: o.maxOutputBytes,
      killGraceMs: o.plan.kill_grace_ms,
      // Each line of a multi-line secret is kept whole too, since each is masked on its own.
      secrets: maskedValues(o.secrets),
      onLine: (stepId, stream, line) =>
        emit({ type: 'step_output', at: o.clock.now(), step_id: stepId, stream, line }),
      onRedraw: (stepId, stream, text) => {
        if (o.redrawEvents) emit({ type: 'step_redraw', at: o.clock.now(), step_id: stepId, stream, text });
      },
      onActivity: (step, attempt, bytes, lastLine) =>
        enqueue({ _tag: 'step_output', at: o.clock.now(), step, attempt, bytes, last_line: lastLine }),
      onProgress: (step, attempt, message, fraction) =>
        enqueue({
          _tag: 'step_progress',
          at: o.clock.now(),
          step,
          attempt,
          message,
          ...(fraction !== undefined ? { fraction } : {}),
        }),
      onWarning: (step, attempt, message) =>
        enqueue({ _tag: 'step_warning', at: o.clock.now(), step, attempt, message }),
      variablesFor: (defaults) => variables.forStep(defaults),
      ...(log !== undefined
        ? {
            treeMarker: (step: number, attempt: number) => ({
              name: TREE_MARKER_VARIABLE,
              value: attemptMarker(log.runId, step, attempt),
            }),
            // Where markers are found without it, the record rides with the next group commit;
            // elsewhere the pid is the only way to the orphan, so it is durable before the run goes on.
            onSpawn: (step: number, attempt: number, pid: number, marker: string | undefined) => {
              const durable = o.markersFindable !== true;
              log.append(
                { _tag: 'process', step, attempt, pid, ...(marker !== undefined ? { marker } : {}) },
                durable ? 'durable' : 'buffered',
              );
              if (durable) unsynced = false;
            },
          }
        : {}),
      onInfo: (step, attempt, message) => {
        const id = o.plan.steps[step]?.id;
        if (id !== undefined)
          emit({
            type: 'step_output',
            at: o.clock.now(),
            step_id: id,
            stream: 'stderr',
            line: `[${id}] ${message}`,
          });
        void attempt;
      },
    };

    /** An attempt ended with this outcome. */
    const finished = (attempt: LiveAttempt, outcome: StepOutcome): void => {
      const step = attempt.stepIndex;
      if (live[step] === attempt) live[step] = undefined;
      const containment = attempt.containment();
      // Built by assignment, not a conditional spread: one object per step, made directly.
      const event: { -readonly [K in keyof StepFinished]: StepFinished[K] } = {
        _tag: 'step_finished',
        at: o.clock.now(),
        step,
        attempt: attempt.attempt,
        outcome,
      };
      if (containment !== undefined) event.containment = containment;
      enqueue(event);
    };

    /**
     * The parameters of a step with templates, RustChain substitution or parameter errors, or
     * NOT_STARTED when the attempt has already failed because of them (most steps have none, and
     * never come here).
     */
    const expandedParameters = (
      cmd: Extract<SchedulerCommand, { _tag: 'start_step' }>,
      type: AnyStepType | undefined,
      attempt: LiveAttempt,
    ): unknown => {
      const planned = cmd.step;
      const paramError = planned.step.parameter_errors?.[0];
      if (paramError !== undefined) {
        // The mission loaded (the step may fail: continue_on_error), but this step cannot run as written.
        finished(attempt, {
          status: 'failed',
          failure_kind: 'invalid_input',
          message: `invalid parameters: ${paramError.path}: ${paramError.message}`,
          retryable: false,
          ...(paramError.hint !== undefined ? { hint: paramError.hint } : {}),
        });
        return NOT_STARTED;
      }
      const rustChain = type?.rustChainSubstitution === true ? attempt.variables : undefined;
      if (!planned.templated && rustChain === undefined) return planned.step.parameters;
      const expanded: Expansion = expandStepParameters(
        planned.step,
        {
          results,
          substitutes: cmd.substitutes,
          defaults: cmd.defaults,
          variables: o.variables,
          env: o.env,
          instance: planned.instance,
        },
        rustChain,
        o.platform,
      );
      if (expanded._tag === 'refused') {
        finished(attempt, {
          status: 'failed',
          failure_kind: 'invalid_input',
          message: `template ${expanded.ref} in parameters.${expanded.path} stands ${expanded.where}`,
          hint: expanded.hint,
          retryable: false,
        });
        return NOT_STARTED;
      }
      if (expanded._tag === 'missing') {
        finished(attempt, {
          status: 'failed',
          failure_kind: 'invalid_input',
          message: `template ${expanded.ref} in parameters.${expanded.path} has no value: ${expanded.why}`,
          hint: 'a template reads a result, variable or environment variable that must exist when the step starts',
          retryable: false,
        });
        return NOT_STARTED;
      }
      return expanded.value;
    };

    // Every attempt passes through here: what only some steps need is in functions of their own,
    // so this one stays short (V8 optimises a short function sooner).
    const startStep = (cmd: Extract<SchedulerCommand, { _tag: 'start_step' }>): void => {
      const planned = cmd.step;
      const step = planned.step;
      const type = o.registry.get(step.step_type);
      const attempt = new LiveAttempt(host, planned.index, planned.id, cmd.attempt, cmd.defaults);
      live[planned.index] = attempt;
      let params: unknown = step.parameters;
      if (planned.templated || step.parameter_errors !== undefined || type?.rustChainSubstitution === true) {
        params = expandedParameters(cmd, type, attempt);
        if (params === NOT_STARTED) return;
      }
      // Write-ahead: what led to this start is durable before the step can reach outside.
      if (runner !== undefined && runner.takes(step)) {
        barrier();
        startRemote(cmd, attempt, params);
        return;
      }
      if (!EFFECT_FREE.has(type)) barrier();
      startStepType(type, step.step_type, attempt, params, finished);
    };

    /** Hands the attempt to the step runner: its events come back as a local attempt's would. */
    const startRemote = (
      cmd: Extract<SchedulerCommand, { _tag: 'start_step' }>,
      attempt: LiveAttempt,
      params: unknown,
    ): void => {
      const step = attempt.stepIndex;
      const n = attempt.attempt;
      const id = attempt.stepId;
      live[step] = undefined;
      let over = false;
      const end = (): boolean => {
        if (over) return false;
        over = true;
        if (remote[step]?.attempt === n) remote[step] = undefined;
        return true;
      };
      const handle = runner!.start(
        {
          step,
          stepId: id,
          attempt: n,
          stepType: cmd.step.step.step_type,
          params,
          timeoutMs: cmd.timeout_ms,
          variables: attempt.variables,
          runsOn: cmd.step.step.runs_on ?? [],
        },
        {
          line: (stream, line) => host.onLine(id, stream, line),
          redraw: (stream, text) => host.onRedraw(id, stream, text),
          activity: (bytes, lastLine) => host.onActivity(step, n, bytes, lastLine),
          progress: (message, fraction) => host.onProgress(step, n, message, fraction),
          warning: (message) => host.onWarning(step, n, message),
          info: (message) => host.onInfo(step, n, message),
          finished: (outcome, containment, worker) => {
            if (!end()) return;
            enqueue({
              _tag: 'step_finished',
              at: o.clock.now(),
              step,
              attempt: n,
              outcome,
              ...(containment !== undefined ? { containment } : {}),
              ...(worker !== undefined ? { worker } : {}),
            });
          },
          interrupted: (reason, worker) => {
            if (!end()) return;
            enqueue({
              _tag: 'step_interrupted',
              at: o.clock.now(),
              step,
              attempt: n,
              reason,
              ...(worker !== undefined ? { worker } : {}),
            });
          },
        },
      );
      if (!over) remote[step] = { attempt: n, handle };
    };

    const killStep = (cmd: Extract<SchedulerCommand, { _tag: 'kill_step' }>): void => {
      const attempt = live[cmd.step];
      if (attempt !== undefined && attempt.attempt === cmd.attempt) attempt.kill(cmd.reason, cmd.mode);
      const far = remote[cmd.step];
      if (far !== undefined && far.attempt === cmd.attempt) far.handle.kill(cmd.reason, cmd.mode);
    };

    const sampleStep = (cmd: Extract<SchedulerCommand, { _tag: 'sample_step' }>): void => {
      const attempt = live[cmd.step];
      const pids = attempt !== undefined && attempt.attempt === cmd.attempt ? attempt.pids() : [];
      const report = (usage: TreeUsage): void =>
        enqueue({ _tag: 'step_sample', at: o.clock.now(), step: cmd.step, attempt: cmd.attempt, usage });
      const far = remote[cmd.step];
      if (far !== undefined && far.attempt === cmd.attempt) {
        // Measured on the worker and sent back; the latest measurement stands for now.
        report(far.handle.usage());
        return;
      }
      if (pids.length === 0) report(NOTHING_RUNNING);
      else o.sampler.sample(pids).then(report, () => report(NOTHING_RUNNING));
    };

    const finish = (report: MissionReport): void => {
      done = true;
      barrier();
      timers.clear();
      o.signal?.removeEventListener('abort', onAbort);
      o.suspendSignal?.removeEventListener('abort', onSuspend);
      resolve(mask(finalReport(report)));
    };

    // Runs four times per step: what is rare is in functions of its own (see startStep). `at`: the
    // time of the event whose transition gave the command.
    const perform = (cmd: SchedulerCommand, at: number): void => {
      switch (cmd._tag) {
        case 'start_step':
          startStep(cmd);
          return;
        case 'emit':
          if (cmd.step !== undefined) {
            const r = cmd.event.result;
            ended[cmd.step] = r;
            if (r.attempts.length > 0) variables.record(r);
            if (o.onEvent !== undefined) emit(cmd.event);
          } else
            emit(
              cmd.event.type === 'mission_end'
                ? { ...cmd.event, report: finalReport(cmd.event.report) }
                : cmd.event,
            );
          return;
        case 'arm_timer':
          // The scheduler's delays count from its event's time (a deadline is `at + timeout`): the
          // timer falls due when the scheduler's own deadline does, and no clock is read per step.
          timers.arm(cmd.timer, cmd.delay_ms, at);
          return;
        case 'cancel_timer':
          timers.cancel(cmd.timer);
          return;
        case 'kill_step':
          killStep(cmd);
          return;
        case 'sample_step':
          sampleStep(cmd);
          return;
        case 'finish':
          finish(cmd.report);
          return;
        default:
          unreachable(cmd);
      }
    };

    /** Write-ahead: the event is in the journal before the scheduler sees it (secrets masked). */
    const record = (journal: RunLog, event: SchedulerEvent): void => {
      // The end of a step that must never run twice is durable at once: lost, it would turn a
      // finished attempt into an interrupted one, which `on_interrupt: fail` fails.
      const durability =
        event._tag === 'step_finished' && o.plan.steps[event.step]?.step.on_interrupt === 'fail'
          ? 'durable'
          : durabilityOf(event);
      journal.append({ _tag: 'event', event: mask(event) }, durability);
      unsynced = durability === 'buffered';
    };

    /**
     * A journal that cannot be written (JournalWriteError) or a defect in missionkit itself: the
     * run cannot go on. Its processes are killed, and the run rejects once they are gone.
     */
    const abandon = (e: unknown): void => {
      done = true;
      timers.clear();
      const ending: Array<Promise<void>> = [];
      for (const attempt of live) {
        if (attempt === undefined) continue;
        attempt.kill('cancel', 'force');
        ending.push(attempt.processesEnded());
      }
      for (const far of remote) far?.handle.kill('cancel', 'force');
      o.signal?.removeEventListener('abort', onAbort);
      o.suspendSignal?.removeEventListener('abort', onSuspend);
      void Promise.all(ending).then(() => reject(e instanceof Error ? e : new Error(String(e))));
    };

    /**
     * Handles `first`, then the events that arrive meanwhile, in order. Each goes to the journal
     * first (write-ahead), then through the scheduler, whose commands are carried out at once.
     */
    // One function for the whole loop: V8 optimises it once, with the scheduler inlined, rather
    // than once more in each small function between an event and the scheduler.
    function pump(first: SchedulerEvent): void {
      pumping = true;
      try {
        let event = first;
        for (let head = 0; ; head++) {
          if (log !== undefined && suspended === undefined) record(log, event);
          // Read by index: a destructuring walks the array's iterator, in the interpreter on a first run.
          const stepped = transition(state, event);
          state = stepped[0];
          const commands = stepped[1];
          for (let c = 0; c < commands.length; c++) perform(commands[c]!, event.at);
          if (head >= queue.length || done) break;
          event = queue[head]!;
        }
      } catch (e) {
        abandon(e);
      } finally {
        if (queue.length > 0) queue.length = 0;
        pumping = false;
      }
    }

    // A resumed run's listener first hears what happened before the host died, as it happened.
    if (replayed !== undefined) for (const event of replayed.told) emit({ ...event, replayed: true });
    if (replayed?.report !== undefined) {
      // The recorded run had finished: its report is the answer.
      done = true;
      resolve(mask(replayed.report));
      return;
    }
    if (replayed !== undefined) {
      // Armed timers fall due when they would have: the mission deadline counts wall time since the start.
      const now = o.clock.now();
      for (const [timer, due] of replayed.timers) timers.arm(timer, Math.max(0, due - now));
    }
    // The resume comes first: it interrupts what the dead host was running, never what a start
    // of a run that died before its first event starts here.
    if (replayed !== undefined) enqueue({ _tag: 'resume', at: o.clock.now(), from_event: replayed.events });
    if (replayed === undefined || !replayed.started) enqueue({ _tag: 'start', at: o.clock.now() });
    if (o.signal !== undefined && !done) {
      if (o.signal.aborted) onAbort();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (o.suspendSignal !== undefined && !done) {
      if (o.suspendSignal.aborted) onSuspend();
      else o.suspendSignal.addEventListener('abort', onSuspend, { once: true });
    }
  });
