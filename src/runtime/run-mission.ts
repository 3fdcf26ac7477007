// runMission, planMission and loadMission against ports. The Node entry point (src/index.ts)
// supplies the real ports; tests supply a FakeExecutor and a VirtualClock.
import { isRight, type Either } from 'fp-ts/lib/Either.js';
import { MissionValidationError, type MissionError } from '../mission/errors.js';
import type { Mission } from '../mission/model.js';
import { decodeMission, parseMission } from '../mission/parse.js';
import { createPlan, type MissionPlan } from '../plan/plan.js';
import type { Clock } from '../ports/clock.js';
import type { Executor } from '../ports/executor.js';
import type { FileSystem } from '../ports/filesystem.js';
import type { HttpClient } from '../ports/http.js';
import type { AnyStepType } from '../ports/step-type.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport } from '../scheduler/report.js';
import { makeRegistry } from '../steps/registry.js';
import { interpret } from './interpreter.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from './output-capture.js';
import { checkOptions } from './options-check.js';
import { planView, type PlanView } from './plan-view.js';

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
  /** Capture limit per output stream, in bytes (head and tail kept). @default 1048576 */
  readonly maxOutputBytes?: number;
  /** Seeds retry jitter, so a run can be replayed exactly. @default derived from the clock */
  readonly seed?: number;
}

/** The ports and host facts a runtime needs. */
export interface RuntimeHost {
  readonly executor: Executor;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly http: HttpClient;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

const isMission = (source: MissionSource): source is Mission =>
  typeof source === 'object' &&
  'steps' in source &&
  'config' in source &&
  Array.isArray((source as Mission).warnings);

const looksLikePath = (s: string): boolean => !s.includes('\n') && /\.(ya?ml|json)$/i.test(s.trim());

/** Reads and validates a mission file; rejects with a `MissionValidationError` listing every problem. */
export const loadMissionWith = async (
  host: Pick<RuntimeHost, 'fs' | 'cwd'>,
  source: MissionSource,
  options: LoadOptions = {},
): Promise<Mission> => {
  if (isMission(source)) return source;
  const registry = {
    stepTypes: makeRegistry(options.stepTypes),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
  };
  if (typeof source === 'object' && 'mission' in source)
    return orThrow(decodeMission(source.mission, registry));
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
    try {
      text = new TextDecoder().decode(await host.fs.readFile(file));
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
              : 'check the file and its permissions',
        },
      ]);
    }
  }
  const mission = orThrow(parseMission(text, { ...(file !== undefined ? { file } : {}), ...registry }));
  return file !== undefined && mission.source_file === undefined
    ? { ...mission, source_file: file }
    : mission;
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
  return planView(createPlan(mission));
};

/** Runs a mission to its report. Resolves even when steps fail; rejects only for an invalid mission or option. */
export const runMissionWith = async (
  host: RuntimeHost,
  source: MissionSource,
  options: RunMissionOptions = {},
): Promise<MissionReport> => {
  checkOptions(options);
  const fs = options.fs ?? host.fs;
  const clock = options.clock ?? host.clock;
  const cwd = options.cwd !== undefined ? fs.resolve(host.cwd, options.cwd) : host.cwd;
  const mission = await loadMissionWith({ fs, cwd }, source, options);
  const plan: MissionPlan = createPlan(mission);
  const registry = makeRegistry(options.stepTypes);
  const missing = [...new Set(mission.steps.map((s) => s.step_type))].filter((t) => !registry.has(t));
  if (missing.length > 0) {
    throw new TypeError(
      `the mission uses step types that are not registered for this run: ${missing.join(', ')} (pass them in the stepTypes option)`,
    );
  }
  const variables = { ...mission.variables, ...(options.variables ?? {}) };
  return interpret({
    plan,
    registry,
    executor: options.executor ?? host.executor,
    clock,
    fs,
    http: options.http ?? host.http,
    workingDirectory: cwd,
    env: { ...host.env, ...(options.env ?? {}) },
    variables,
    secrets: mission.secrets.flatMap((name) => (Object.hasOwn(variables, name) ? [variables[name]!] : [])),
    allowedPaths: mission.allowed_paths.map((p) => fs.resolve(cwd, p)),
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    onEvent: options.onEvent,
    signal: options.signal,
    seed: options.seed ?? Math.floor(clock.now()) % 2147483647,
  });
};
