// The step-type contract: a parameter codec checked at load time, and a `run` that reaches the
// world only through the ports its context carries — so every step type is testable with fakes.
import type * as t from 'io-ts';
import type { Clock } from './clock.js';
import type { Executor, ProcessExit } from './executor.js';
import type { FileSystem } from './filesystem.js';
import type { HttpClient } from './http.js';
import type { MissionConfig, StepId } from '../mission/model.js';

/** Output kept from one stream: all of it, or its first and last halves when it was too long. */
export interface CapturedText {
  /** The kept text; when bytes were dropped, a marker line stands where they were. */
  readonly text: string;
  /** Bytes the stream produced in all. */
  readonly total_bytes: number;
  /** Bytes left out of `text` to respect the capture limit. */
  readonly dropped_bytes: number;
}

/** Why a step failed, for `retry_on` and for people. */
export type FailureKind =
  | 'exit_code'
  | 'signal'
  | 'command_not_found'
  | 'spawn_error'
  | 'http_status'
  | 'network'
  | 'invalid_input'
  | 'io_error'
  | 'error';

/** What a step's `run` resolves to. A step never needs to throw for an expected failure. */
export interface StepOutcome {
  readonly status: 'succeeded' | 'succeeded_with_warnings' | 'failed';
  readonly exit_code?: number | null;
  readonly signal?: string | null;
  readonly stdout?: CapturedText;
  readonly stderr?: CapturedText;
  /** Structured output, readable by later steps. Must be JSON-serialisable. */
  readonly output?: unknown;
  readonly failure_kind?: FailureKind;
  /** The failure in one sentence, with the hint apart. */
  readonly message?: string;
  readonly hint?: string;
  /** For `retry_on: [{http_status: ...}]` and `expect_status_codes`. */
  readonly http_status?: number;
  readonly warnings?: ReadonlyArray<string>;
  /** `false` stops a retry policy from trying again (the failure cannot get better). @default true */
  readonly retryable?: boolean;
}

/** A process started through `ctx.exec`, under the step's tree control and output limits. */
export interface ExecRequest {
  readonly command: string;
  readonly args?: ReadonlyArray<string>;
  /** Relative to the mission's working directory. */
  readonly cwd?: string;
  /** Merged over the mission's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Replace the environment instead of merging. @default true */
  readonly inherit_env?: boolean;
  /** @default false */
  readonly shell?: boolean | string;
  /** @default false */
  readonly detach?: boolean;
  /** Capture limit per stream, in bytes. @default the mission's (1 MiB) */
  readonly max_output_bytes?: number;
}

/** What became of a process started through `ctx.exec`. */
export interface ExecResult {
  readonly exit: ProcessExit;
  readonly stdout: CapturedText;
  readonly stderr: CapturedText;
}

/** What a step's `run` is given. */
export interface StepContext {
  readonly stepId: StepId;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fires on timeout, cancel, fail_fast or a resource limit; `signal.reason` says which. */
  readonly signal: AbortSignal;
  /** The mission's working directory (absolute). */
  readonly workingDirectory: string;
  /** The mission's environment (the host's, merged with `runMission`'s `env`). */
  readonly env: Readonly<Record<string, string>>;
  /** Mission variables and the values earlier steps made available (RustChain's `{name}` forms). */
  readonly variables: Readonly<Record<string, string>>;
  /** Paths outside the working directory that file steps may touch (absolute). */
  readonly allowedPaths: ReadonlyArray<string>;
  /** The mission's `config:`, defaults filled in (the `llm` step reads `llm_model` there). Absent in hand-made contexts. */
  readonly config?: MissionConfig;
  readonly clock: Clock;
  readonly fs: FileSystem;
  /** Sends HTTP requests (the `http` and `llm` step types use it). */
  readonly http: HttpClient;
  /** Reports progress; appears as a `step_progress` event. */
  readonly progress: (message: string, fraction?: number) => void;
  readonly log: { readonly info: (message: string) => void; readonly warn: (message: string) => void };
  /** Starts a process through the mission's executor, with the step's tree control and output limits. */
  readonly exec: (request: ExecRequest) => Promise<ExecResult>;
  /** The executor itself, for step types that manage processes directly. */
  readonly executor: Executor;
  /** The per-stream capture limit in bytes. */
  readonly maxOutputBytes: number;
}

/** A step type: its name, a codec for its parameters, and what it does. */
export interface StepType<P = unknown> {
  readonly name: string;
  /** Decodes (and defaults) the step's `parameters`; errors are reported at load time, positioned. */
  readonly parameters: t.Type<P, unknown, unknown>;
  /** One line for `missionkit plan` and the docs. */
  readonly description?: string;
  /**
   * Apply RustChain's `{name}` substitution (variables and `{<id>_result}`) to this type's
   * parameters. The runtime does it in the same pass as `{{ … }}` templates, so a value one of
   * them inserts is never expanded by the other. @default false
   */
  readonly rustChainSubstitution?: boolean;
  readonly run: (ctx: StepContext, params: P) => Promise<StepOutcome>;
}

/** A step type of any parameter type, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStepType = StepType<any>;

/** A registry of step types by name: an input of the parser and of the runtime. */
export type StepTypeRegistry = ReadonlyMap<string, AnyStepType>;
