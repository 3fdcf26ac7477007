// missionkit/core: the pure core — parse, plan, schedule — with no Node imports and no real time.
// Runs anywhere JavaScript runs; the effectful side lives in the main entry point.
export { parseMission, decodeMission, DEFAULT_MAX_BYTES, type ParseOptions } from './mission/parse.js';
export { missionJsonSchema, type JsonSchema, type JsonSchemaOptions } from './mission/json-schema.js';
export { requiredUnless, type RequiredUnlessType } from './mission/required-unless.js';
export {
  PositiveInt,
  NonNegativeInt,
  NonNegative,
  Positive,
  Percent,
  Fraction,
  AtLeastOne,
  NonEmptyString,
  StringMap,
  HttpStatusCode,
  HttpStatusClass,
} from './mission/scalars.js';
export {
  formatMissionError,
  MissionValidationError,
  isMissionValidationError,
  MISSION_ERROR_CODES,
  type MissionError,
  type MissionErrorCode,
  type SourcePosition,
} from './mission/errors.js';
export * from './mission/model.js';
export type { FanOut, ForEachSource, MatrixInstance, MatrixValue } from './mission/fan-out.js';
export type { FanOutInstance } from './plan/fan-out-instance.js';
export { createPlan, type MissionPlan, type PlannedStep, type PlanFacts } from './plan/plan.js';
export { buildGraph, dependencyIds, type StepGraph } from './plan/graph.js';
export {
  stepTimeout,
  attemptTimeout,
  capByDeadline,
  adaptiveTimeout,
  DEFAULT_SIZE_FACTOR,
  SECONDS_PER_FILE,
  SECONDS_PER_PROCESS,
  DEFAULT_BUILD_TIMEOUT_SECONDS,
  DEFAULT_ADAPTIVE_MAX_SECONDS,
  type EffectiveTimeout,
  type TimeoutSource,
  type AdaptiveInput,
  type AdaptiveTimeout,
  type SizeFact,
  type TimeoutFacts,
} from './plan/timeouts.js';
export { classifyOperation, programName, type Operation, type OperationKind } from './plan/operations.js';
export { commandReads, readPaths, type CommandReads } from './plan/command-reads.js';
export {
  resolvePlatformCommand,
  platformCandidates,
  osOf,
  type PlatformResolution,
  type PlatformKey,
  type CommandSource,
  type OsInfo,
  type Which,
} from './plan/platform.js';
export { MEASURE_BUDGET_MS, type StepFacts, type PlannedCommand } from './plan/facts.js';
export { compileGlob, matchesGlob } from './plan/glob.js';
export type { FileFilter } from './plan/file-filter.js';
export { chunkFiles, argumentLimit, FILES_PLACEHOLDER } from './plan/chunks.js';
export { combineExitCodes } from './plan/exit-status.js';
export { readHttpStatus } from './plan/status-from-output.js';
export type {
  HostFacts,
  Measurement,
  MeasureOptions,
  ListFilesOptions,
  ListedFiles,
} from './ports/host-facts.js';
export { makeCommandStep, type CommandEnvironment, type RepetitionResult } from './steps/command.js';
export type { ChunkSummary } from './steps/command-chunks.js';
export {
  resolveDependencies,
  type DependencyDecision,
  type DependencyOutcome,
  type DefaultValue,
} from './plan/dependencies.js';
export { shouldRetry, retryDelayMs } from './plan/retry.js';
export { transition } from './scheduler/transition.js';
export {
  initialState,
  inspect,
  runningAttempts,
  type SchedulerState,
  type StepPhase,
} from './scheduler/state.js';
export type { SchedulerEvent } from './scheduler/events.js';
export type { SchedulerCommand } from './scheduler/commands.js';
export type { MissionEvent, MissionEventType } from './scheduler/mission-events.js';
export type { MissionReport, StepResult, AttemptResult, KillReason, StepCounts } from './scheduler/report.js';
export { isSuccess, isFailure, type StepStatus, type MissionStatus } from './scheduler/step-status.js';
export type { Clock, TimerHandle } from './ports/clock.js';
export type {
  Executor,
  SpawnRequest,
  SpawnedProcess,
  ProcessExit,
  SpawnErrorCode,
  OutputStream,
  ContainmentKind,
} from './ports/executor.js';
export type { FileSystem, FileInfo, ReadOptions, ConfinedOptions } from './ports/filesystem.js';
export { NOT_A_FILE, PATH_CHANGED } from './ports/filesystem.js';
export type { HttpClient, HttpRequest, HttpResult, HttpFailureCode } from './ports/http.js';
export type {
  StepType,
  AnyStepType,
  StepTypeRegistry,
  StepContext,
  StepOutcome,
  ExecRequest,
  ExecResult,
  CapturedText,
  FailureKind,
} from './ports/step-type.js';
export { builtinStepTypes, makeRegistry } from './steps/registry.js';
export {
  defineStepType,
  NonRetryableError,
  StepError,
  type StepErrorOptions,
  type StepTypeDefinition,
  type TypedStepType,
} from './steps/define-step-type.js';
export {
  defineMission,
  type MissionDefinition,
  type StepDefinition,
  type AnyStepDefinition,
  type DefineMissionOptions,
  type BuiltinParameterCodecs,
} from './steps/define-mission.js';
export {
  RUSTCHAIN_STEP_TYPES,
  rustChainStepType,
  rustChainStepTypeHint,
  customStepTypeSnippet,
  type RustChainStepType,
  type RustChainSupport,
  type RustChainStepTypeHint,
} from './steps/rustchain-catalog.js';
export { confineStepPath, type ConfinedPath } from './steps/confine-path.js';
export type { ResourceSampler, TreeUsage } from './ports/sampler.js';
export type { ResourceUsage, ResourcePolicy } from './scheduler/resource-watch.js';
export {
  parseTemplate,
  expandTemplates,
  referencesIn,
  type TemplateRef,
  type StepField,
} from './plan/templates.js';
export { toHtml, type HtmlOptions } from './report/html.js';
export { readReport, type ReportReading } from './report/read-report.js';
export { planToMermaid } from './report/plan-mermaid.js';
export { planToDot } from './report/plan-dot.js';
