// runMission, planMission and loadMission against ports. The Node entry point (src/index.ts)
// supplies the real ports; tests supply a FakeExecutor and a VirtualClock.
import { isRight, type Either } from 'fp-ts/lib/Either.js';
import { MissionValidationError, type MissionError } from '../mission/errors.js';
import type { Mission, Step } from '../mission/model.js';
import { DEFAULT_MAX_BYTES, decodeMission, parseMission } from '../mission/parse.js';
import { formatPath } from '../mission/path.js';
import { unsafeShellTemplates } from '../mission/validate-templates.js';
import { createPlan, type MissionPlan } from '../plan/plan.js';
import {
  commandParamsOf,
  MEASURE_BUDGET_MS,
  planCommand,
  programsToLookUp,
  sizeRequest,
  type PlanFacts,
  type StepFacts,
} from '../plan/facts.js';
import type { HostFacts, Measurement } from '../ports/host-facts.js';
import { withCommandEnvironment } from '../steps/command.js';
import type { Clock } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import { NOT_A_FILE, type FileSystem } from '../ports/filesystem.js';
import type { HttpClient } from '../ports/http.js';
import type { ResourceSampler } from '../ports/sampler.js';
import type { AnyStepType } from '../ports/step-type.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport } from '../scheduler/report.js';
import { makeRegistry } from '../steps/registry.js';
import { interpret, type InterpreterOptions } from './interpreter.js';
import { runJournaled } from './journaled-run.js';
import type { Journal } from '../ports/journal.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from './output-capture.js';
import { checkOptions } from './options-check.js';
import { checkSource } from './source-check.js';
import { planView, type PlanView } from './plan-view.js';
import { conditionInputs, resumedConditionFacts, withConditionFacts } from './condition-facts.js';
import type { ConditionInputs } from '../scheduler/condition-inputs.js';
import type { StepRunnerFactory } from '../ports/step-runner.js';
import { withLocalRunsOnWarning } from './runs-on-warning.js';

/**
 * What to run: a decoded `Mission` (from `parseMission`/`loadMission`), `{ path }`, `{ text }`,
 * `{ mission }` (plain data in the mission format, e.g. written in TypeScript), or a string — a
 * path when it is one line ending in `.yaml`, `.yml` or `.json`, mission text otherwise.
 */
export type MissionSource =
  | Mission
  | string
  | { readonly path: string }
  | { readonly text: string; readonly file?: string }
  | { readonly mission: unknown };

/** Options of `loadMission`. */
export interface LoadOptions {
  /** Host step types, added to the built-ins (a same-named one replaces the built-in). @default [] */
  readonly stepTypes?: ReadonlyArray<AnyStepType>;
  /** Unknown keys are errors instead of warnings. @default false */
  readonly strict?: boolean;
  /**
   * Largest mission accepted, in bytes. A mission file is read only up to this size plus one byte,
   * and only when it is a regular file (after symlinks): a link to /dev/zero, a FIFO or a directory
   * is refused at once.
   * @default 4194304 (4 MiB)
   */
  readonly maxBytes?: number;
}

/** Options of `runMission`. */
export interface RunMissionOptions extends LoadOptions {
  /**
   * Cancels the run: every running step's process tree is terminated and the report resolves
   * with status `cancelled`.
   * @example runMission('deploy.yaml', { signal: AbortSignal.timeout(60_000) })
   */
  readonly signal?: AbortSignal;
  /** Receives every event of the run, in order. A listener that throws does not stop the run. */
  readonly onEvent?: (event: MissionEvent) => void;
  /**
   * Also send `step_redraw` events: the latest carriage-return redraw of a progress bar whose
   * line has not ended yet, for a live view to show (a log shows the line when it ends).
   * @default false
   * @example runMission('fetch.yaml', { onEvent: view.onEvent, redrawEvents: true })
   */
  readonly redrawEvents?: boolean;
  /** The mission's working directory: relative paths, `working_dir` and file steps start here. @default process.cwd() */
  readonly cwd?: string;
  /** Environment variables merged over the host's for every step. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Overrides of the mission's `variables:`. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** Starts processes. @default the Node executor */
  readonly executor?: Executor;
  /** The source of time. @default the system clock */
  readonly clock?: Clock;
  /** The file system. @default the real one */
  readonly fs?: FileSystem;
  /** Sends the `http` and `llm` steps' requests. @default Node's fetch */
  readonly http?: HttpClient;
  /** Measures each running step's process tree. @default `/proc` on Linux, pidusage elsewhere */
  readonly sampler?: ResourceSampler;
  /** Capture limit per output stream, in bytes (head and tail kept). @default 1048576 */
  readonly maxOutputBytes?: number;
  /**
   * Overrides the mission's `config.max_parallel_steps` (the CLI's `--parallel`). A journaled run
   * records it, and its resume runs with it. @default the mission's
   */
  readonly maxParallelSteps?: number;
  /**
   * Suspends a journaled run: every running step's process tree is terminated (SIGTERM, then
   * SIGKILL after the kill grace), nothing more is recorded, and the report resolves with status
   * `cancelled` and `suspended` set. The journal is left as a host that died would leave it, so
   * `resumeMission` goes on from there: the steps that were running are interrupted and follow
   * `on_interrupt`. Without a journal it cancels. A host's SIGTERM does this to a journaled
   * `runMission` (SIGINT cancels it). @default undefined
   * @example
   * const suspend = new AbortController();
   * process.once('SIGUSR2', () => suspend.abort());
   * await runMission('import.yaml', { journal, runId: 'import-42', suspendSignal: suspend.signal });
   */
  readonly suspendSignal?: AbortSignal;
  /** Seeds retry jitter, so a run can be replayed exactly. @default derived from the clock */
  readonly seed?: number;
  /**
   * Records the run in this journal, so it can be resumed with `resumeMission` if the host dies
   * (docs/durability.md). Off unless given: the library writes no files it was not asked to.
   * @default undefined (not recorded)
   * @example runMission('import.yaml', { journal: fileJournal('.missionkit/runs') })
   */
  readonly journal?: Journal;
  /** The id of a journaled run (a directory name for the file journal). @default made from the clock and a random suffix */
  readonly runId?: string;
}

/** The ports and host facts a runtime needs. */
export interface RuntimeHost {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly http: HttpClient;
  /** Measures process trees; without one, steps report no resource usage and limits cannot be enforced. */
  readonly sampler?: ResourceSampler;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * The platform, PATH lookups, tree sizes and file listings; without it, adaptive timeouts use
   * their base and `platform_commands` cannot be resolved.
   */
  readonly facts?: HostFacts;
  /**
   * Whether a host resuming a journaled run finds a dead host's processes by their tree marker
   * alone (Linux: /proc/<pid>/environ); then process records are group-committed, not fsynced one by one.
   * @default false
   */
  readonly findsTreeMarkers?: boolean;
  /**
   * Hex SHA-256 of a text's UTF-8 bytes, for a journaled run's mission hash: a native one is much
   * faster on a large mission. @default the core's own
   */
  readonly sha256?: (text: string) => string;
  /** Runs the attempts it takes on other hosts (missionkit/distributed); absent: all run here. */
  readonly stepRunner?: StepRunnerFactory;
}

const isMission = (source: MissionSource): source is Mission =>
  typeof source === 'object' &&
  'steps' in source &&
  'config' in source &&
  Array.isArray((source as Mission).warnings);

const looksLikePath = (s: string): boolean => !s.includes('\n') && /\.(ya?ml|json)$/i.test(s.trim());

const validMaxBytes = (n: number | undefined): number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_BYTES;

/**
 * A mission file's text, read with a bound: only a regular file, and at most `maxBytes` + 1 bytes,
 * so a link to /dev/zero, a FIFO without a writer or a file of gigabytes costs neither memory nor time.
 */
const readMissionFile = async (
  host: Pick<RuntimeHost, 'fs' | 'cwd'>,
  file: string,
  maxBytes: number,
): Promise<string> => {
  let bytes: Uint8Array;
  try {
    bytes = await host.fs.readFile(file, { maxBytes });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const what =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((e as Error).message ?? e);
    throw new MissionValidationError([
      {
        code: 'io_error',
        severity: 'error',
        file,
        path: '',
        message: `cannot read the mission file: ${what}`,
        hint:
          code === 'ENOENT'
            ? `check the path (relative paths start at ${host.cwd})`
            : code === 'EISDIR' || code === NOT_A_FILE
              ? 'name a mission file (a regular file, or a symlink to one)'
              : 'check the file and its permissions',
      },
    ]);
  }
  if (bytes.length > maxBytes)
    throw new MissionValidationError([
      {
        code: 'too_large',
        severity: 'error',
        file,
        path: '',
        message: `the mission file is larger than the limit of ${maxBytes} bytes`,
        hint: 'split it into smaller missions, or pass a larger `maxBytes` if this size is intended',
      },
    ]);
  return new TextDecoder().decode(bytes);
};

/** Reads and validates a mission file; rejects with a `MissionValidationError` listing every problem. */
export const loadMissionWith = async (
  host: Pick<RuntimeHost, 'fs' | 'cwd'> & { readonly facts?: Pick<HostFacts, 'platform'> | undefined },
  source: MissionSource,
  options: LoadOptions = {},
): Promise<Mission> => {
  checkSource(source);
  if (isMission(source)) {
    // Decoded elsewhere (parseMission, the CLI): its shell templates are checked against this host.
    refuseUnsafeShellTemplates(source, host.facts?.platform);
    return source;
  }
  const maxBytes = validMaxBytes(options.maxBytes);
  const registry = {
    stepTypes: makeRegistry(options.stepTypes),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
    workingDirectory: {
      path: host.cwd,
      resolve: (base: string, p: string) => host.fs.resolve(base, p),
      relative: (from: string, to: string) => host.fs.relative(from, to),
    },
  };
  if (typeof source === 'object' && 'mission' in source) {
    const decoded = orThrow(decodeMission(source.mission, registry));
    refuseUnsafeShellTemplates(decoded, host.facts?.platform);
    return decoded;
  }
  let text: string;
  let file: string | undefined;
  if (typeof source === 'string' && !looksLikePath(source)) {
    text = source;
  } else if (typeof source === 'object' && 'text' in source) {
    text = source.text;
    file = source.file;
  } else {
    const path = typeof source === 'string' ? source : (source as { path: string }).path;
    file = host.fs.resolve(host.cwd, path);
    text = await readMissionFile(host, file, maxBytes);
  }
  const mission = orThrow(
    parseMission(text, { ...(file !== undefined ? { file } : {}), ...registry, maxBytes }),
  );
  refuseUnsafeShellTemplates(mission, host.facts?.platform);
  return file !== undefined && mission.source_file === undefined
    ? { ...mission, source_file: file }
    : mission;
};

/** A sampler for hosts that measure nothing: steps report no resource usage. */
const unmeasured: ResourceSampler = {
  measuresDiskIo: false,
  sample: () => Promise.resolve({ processes: 0, rss_bytes: 0, cpu_ms: 0 }),
};

/** A disk I/O limit where disk I/O cannot be measured is refused, never silently ignored. */
const refuseUnmeasurableLimits = (plan: MissionPlan, sampler: ResourceSampler): void => {
  if (sampler.measuresDiskIo) return;
  const errors: MissionError[] = plan.steps
    .filter((p) => p.resources?.limits.max_disk_io_mb_per_sec !== undefined)
    .map((p) => ({
      code: 'unsupported_on_platform',
      severity: 'error',
      ...(plan.mission.source_file !== undefined ? { file: plan.mission.source_file } : {}),
      path:
        p.step.resource_limits?.max_disk_io_mb_per_sec !== undefined
          ? `steps[${p.index}].resource_limits.max_disk_io_mb_per_sec`
          : 'config.resource_limits.max_disk_io_mb_per_sec',
      message: `step ${p.id} has a disk I/O limit, but disk I/O cannot be measured on this platform (it can on Linux)`,
      hint: 'remove max_disk_io_mb_per_sec here, or run the mission on Linux',
    }));
  if (errors.length > 0) throw new MissionValidationError(errors);
};

/** On Windows `shell: true` is cmd.exe, where no template can be made safe: refused before anything runs. */
const refuseUnsafeShellTemplates = (mission: Mission, platform: string | undefined): void => {
  if (platform !== 'win32') return;
  const errors: MissionError[] = unsafeShellTemplates(mission.steps, platform).map((d) => ({
    code: d.code,
    severity: 'error',
    ...(mission.source_file !== undefined ? { file: mission.source_file } : {}),
    path: formatPath(d.path),
    message: d.message,
    ...(d.found !== undefined ? { found: d.found } : {}),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  }));
  if (errors.length > 0) throw new MissionValidationError(errors);
};

/** The mission, or a MissionValidationError carrying every error and warning. */
const orThrow = (parsed: Either<ReadonlyArray<MissionError>, Mission>): Mission => {
  if (isRight(parsed)) return parsed.right;
  throw new MissionValidationError(
    parsed.left.filter((e) => e.severity === 'error'),
    parsed.left.filter((e) => e.severity === 'warning'),
  );
};

/** What a run would do, without running anything: order, waves and each step's effective settings. */
export const planMissionWith = async (
  host: RuntimeHost,
  source: MissionSource,
  options: LoadOptions = {},
): Promise<PlanView> => {
  checkOptions(options);
  const mission = await loadMissionWith(host, source, options);
  const facts = host.facts ? await gatherPlanFacts(mission, host.facts, host.fs, host.cwd, host.env) : {};
  return planView(createPlan(mission, facts));
};

/** Runs a mission to its report. Resolves even when steps fail; rejects only for an invalid mission or option. */
export const runMissionWith = async (
  host: RuntimeHost,
  source: MissionSource,
  options: RunMissionOptions = {},
): Promise<MissionReport> => {
  checkOptions(options);
  if (options.journal !== undefined) return runJournaled(host, source, options);
  const fs = options.fs ?? host.fs;
  const cwd = options.cwd !== undefined ? fs.resolve(host.cwd, options.cwd) : host.cwd;
  const mission = await loadMissionWith({ fs, cwd, facts: host.facts }, source, options);
  return startRun(host, mission, options, {});
};

/** What a journaled start or resume adds to a run. */
export interface RunRecording {
  /** The facts to plan with (a resume plans with the recorded ones); gathered when absent. */
  readonly facts?: PlanFacts;
  /** Called once the plan is made: opens the log and, for a resume, replays it. */
  readonly record?: (
    plan: MissionPlan,
    run: {
      readonly seed: number;
      readonly facts: PlanFacts;
      readonly cwd: string;
      readonly events: boolean;
      /** What `if:` conditions read: replay decides them from the same. */
      readonly conditions: ConditionInputs;
    },
  ) => Promise<Pick<InterpreterOptions, 'log' | 'replayed'>>;
}

/** Plans a loaded mission and runs it. */
export const startRun = async (
  host: RuntimeHost,
  loaded: Mission,
  options: RunMissionOptions,
  recording: RunRecording,
): Promise<MissionReport> => {
  const fs = options.fs ?? host.fs;
  const clock = options.clock ?? host.clock;
  const cwd = options.cwd !== undefined ? fs.resolve(host.cwd, options.cwd) : host.cwd;
  const env = { ...host.env, ...(options.env ?? {}) };
  const mission =
    options.maxParallelSteps === undefined
      ? loaded
      : { ...loaded, config: { ...loaded.config, max_parallel_steps: options.maxParallelSteps } };
  const facts =
    recording.facts !== undefined
      ? resumedConditionFacts(recording.facts, mission, env)
      : withConditionFacts(
          host.facts ? await gatherPlanFacts(mission, host.facts, fs, cwd, env) : {},
          mission,
          env,
          host.facts?.arch,
        );
  const plan: MissionPlan = createPlan(
    host.stepRunner === undefined ? withLocalRunsOnWarning(mission) : mission,
    facts,
  );
  const hostFacts = host.facts;
  const registry =
    hostFacts === undefined
      ? makeRegistry(options.stepTypes)
      : withCommandEnvironment(makeRegistry(options.stepTypes), {
          platform: hostFacts.platform,
          facts,
          maxParallel: plan.max_parallel,
          listFiles: (paths, o) => hostFacts.listFiles(paths, o),
        });
  const types = new Set<string>();
  for (let i = 0; i < mission.steps.length; i++) types.add(mission.steps[i]!.step_type);
  const missing = [...types].filter((t) => !registry.has(t));
  if (missing.length > 0) {
    throw new TypeError(
      `the mission uses step types that are not registered for this run: ${missing.join(', ')} (pass them in the stepTypes option)`,
    );
  }
  const sampler = options.sampler ?? host.sampler ?? unmeasured;
  refuseUnmeasurableLimits(plan, sampler);
  const variables = { ...mission.variables, ...(options.variables ?? {}) };
  const seed = options.seed ?? Math.floor(clock.now()) % 2147483647;
  const conditions = conditionInputs(facts, variables, mission.secrets);
  const recorded =
    recording.record === undefined
      ? {}
      : await recording.record(plan, { seed, facts, cwd, events: options.onEvent !== undefined, conditions });
  return interpret({
    plan,
    registry,
    executor: options.executor ?? host.executor,
    clock,
    fs,
    http: options.http ?? host.http,
    workingDirectory: cwd,
    env,
    variables,
    sampler,
    platform: hostFacts?.platform,
    secrets: mission.secrets.flatMap((name) => (Object.hasOwn(variables, name) ? [variables[name]!] : [])),
    allowedPaths: mission.allowed_paths.map((p) => fs.resolve(cwd, p)),
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    onEvent: options.onEvent,
    redrawEvents: options.redrawEvents ?? false,
    signal: options.signal,
    suspendSignal: options.suspendSignal,
    seed,
    markersFindable: host.findsTreeMarkers === true,
    conditions,
    facts,
    ...(host.stepRunner !== undefined ? { stepRunner: host.stepRunner } : {}),
    ...recorded,
  });
};

/**
 * The facts the plan needs, gathered only for the steps that need them: PATH lookups for the
 * candidates of platform-aware commands, then the size of what each adaptive search reads (each
 * distinct measurement once per run, within MEASURE_BUDGET_MS).
 */
const gatherPlanFacts = async (
  mission: Mission,
  host: HostFacts,
  fs: FileSystem,
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<PlanFacts> => {
  const platform = host.platform;
  // Keyed by the mission's own ids: no prototype, so an id like `constructor` is just an id.
  const steps = Object.create(null) as Record<string, StepFacts>;
  const lookups = new Map<string, Promise<boolean>>();
  // One pass over the steps; only commands have anything to look up or measure.
  const commands: Step[] = [];
  // An index loop: `for…of` walks an iterator, in the interpreter on a mission's first run.
  for (let i = 0; i < mission.steps.length; i++) {
    const step = mission.steps[i]!;
    const p = commandParamsOf(step);
    if (p === undefined) continue;
    commands.push(step);
    const programs = programsToLookUp(step, platform);
    if (programs.length === 0) continue;
    const stepEnv = p.inherit_env === false ? { ...(p.env ?? {}) } : { ...env, ...(p.env ?? {}) };
    const dir = fs.resolve(cwd, p.working_dir ?? '.');
    const found = await Promise.all(
      programs.map(async (c) => {
        const key = JSON.stringify([c, stepEnv['PATH'] ?? stepEnv['Path'] ?? '', dir]);
        let lookup = lookups.get(key);
        if (lookup === undefined) {
          // A lookup that fails says nothing: the candidate is kept and the spawn will tell.
          lookup = host.which(c, stepEnv, dir).then(
            (file) => file !== undefined,
            () => true,
          );
          lookups.set(key, lookup);
        }
        return [c, await lookup] as const;
      }),
    );
    steps[step.id] = { on_path: Object.fromEntries(found) };
  }
  const known: PlanFacts = { platform, steps };
  const measurements = new Map<string, Promise<Measurement | undefined>>();
  for (const step of commands) {
    const request = sizeRequest(step, planCommand(step, known));
    if (request === undefined) continue;
    const dir = fs.resolve(cwd, request.working_dir ?? '.');
    const key = JSON.stringify([dir, request.paths, request.filter]);
    let measuring = measurements.get(key);
    if (measuring === undefined) {
      // An unmeasurable tree leaves the step at its base timeout, and the explanation says so.
      measuring = host
        .measure(request.paths, { cwd: dir, filter: request.filter, budget_ms: MEASURE_BUDGET_MS })
        .catch(() => undefined);
      measurements.set(key, measuring);
    }
    const measurement = await measuring;
    if (measurement === undefined) continue;
    steps[step.id] = {
      ...steps[step.id],
      size: {
        measurement,
        paths: request.paths,
        filter: request.filter,
        process_per_file: request.process_per_file,
        ...(request.unmeasured.length > 0 ? { unmeasured: request.unmeasured } : {}),
      },
    };
  }
  return known;
};
