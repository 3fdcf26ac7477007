// The step-runner port: start one attempt somewhere else, hear its events and outcome, stop it.
// The interpreter runs an attempt in its own process or hands it to a runner, and the scheduler
// cannot tell which: the events that come back are the ones a local attempt produces.
// Implementation: missionkit/distributed (BullMQ workers).
import type { MissionConfig, Step, StepId } from '../mission/model.js';
import type { PlanFacts } from '../plan/facts.js';
import type { ContainmentKind } from './executor.js';
import type { TreeUsage } from './sampler.js';
import type { StepOutcome } from './step-type.js';
import type { KillReason } from '../scheduler/report.js';

/** What every attempt of one run shares: what a step context is made of on the other side. */
export interface RunContext {
  /** The run's id (the journal's, when the run is recorded). */
  readonly runId: string | undefined;
  readonly workingDirectory: string;
  readonly env: Readonly<Record<string, string>>;
  readonly allowedPaths: ReadonlyArray<string>;
  readonly config: MissionConfig;
  readonly maxOutputBytes: number;
  readonly killGraceMs: number;
  /** Secret values: masked in every line sent back, and never kept once the attempt ends. */
  readonly secrets: ReadonlyArray<string>;
  /** The facts the plan was made with (platform, PATH lookups), for the `command` step type. */
  readonly facts: PlanFacts;
  readonly maxParallel: number;
}

/** One attempt to start. */
export interface AttemptRequest {
  readonly step: number;
  readonly stepId: StepId;
  readonly attempt: number;
  readonly stepType: string;
  /** The parameters with templates already expanded. */
  readonly params: unknown;
  /** The attempt's timeout; the far side enforces it plus grace on its own if the run goes silent. */
  readonly timeoutMs: number;
  /** The variables the step sees. */
  readonly variables: Readonly<Record<string, string>>;
  /** Labels the runner must honour (`runs_on`), empty for any. */
  readonly runsOn: ReadonlyArray<string>;
}

/** What a running attempt reports, in order. After `finished` or `interrupted` nothing more comes. */
export interface AttemptSink {
  readonly line: (stream: 'stdout' | 'stderr', line: string) => void;
  readonly redraw: (stream: 'stdout' | 'stderr', text: string) => void;
  readonly activity: (bytes: number, lastLine: string | null) => void;
  readonly progress: (message: string, fraction: number | undefined) => void;
  readonly warning: (message: string) => void;
  readonly info: (message: string) => void;
  readonly finished: (
    outcome: StepOutcome,
    containment: ContainmentKind | undefined,
    worker: string | undefined,
  ) => void;
  /** The host running it was lost and its processes are gone: the attempt follows `on_interrupt`. */
  readonly interrupted: (reason: string, worker: string | undefined) => void;
}

/** An attempt started by a runner. */
export interface RunnerAttempt {
  /** Stops it (timeout, cancel, fail_fast, a limit): its whole process tree, wherever it runs. */
  kill(reason: KillReason, mode: 'graceful' | 'force'): void;
  /** What its process tree used when last measured over there. */
  usage(): TreeUsage;
}

/** Runs attempts elsewhere for one run. */
export interface StepRunner {
  /** Whether this runner takes the step; a step it does not take runs in this process. */
  takes(step: Step): boolean;
  start(request: AttemptRequest, sink: AttemptSink): RunnerAttempt;
}

/** Makes the step runner of one run, once the run's context is known. */
export type StepRunnerFactory = (run: RunContext) => StepRunner;
