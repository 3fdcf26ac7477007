// The timeout calculator: each step's timeout, where it came from, and an explanation a person can
// read. `timeout_strategy: adaptive` scales a search's timeout with the size of what it reads
// (docs/timeouts.md has the formula with worked numbers):
//
//   search:  base + size_factor × MB + files × per-file cost, within [base, max]
//   build:   base_timeout_seconds if set, else 300 s, within max
//   other:   base
//
// Pure: the sizes are facts the effectful side measured before the plan was made.
import { DEFAULT_STEP_TIMEOUT_SECONDS, type Mission, type Step } from '../mission/model.js';
import type { Measurement } from '../ports/host-facts.js';
import { describeFilter, isEmptyFilter, type FileFilter } from './file-filter.js';
import type { Operation } from './operations.js';

/** Where an effective timeout came from. */
export type TimeoutSource = 'step' | 'config' | 'default' | 'adaptive' | 'mission_deadline';

/** A step's timeout for one attempt. */
export interface EffectiveTimeout {
  readonly ms: number;
  readonly source: TimeoutSource;
  /** For example "step timeout_seconds: 30 s" or "config.timeout_seconds: 120 s". */
  readonly explanation: string;
}

/** Seconds added per MB (10⁶ bytes) a search reads when `size_factor` is not set: 10 MB/s, far below what grep reads from a cold disk. */
export const DEFAULT_SIZE_FACTOR = 0.1;
/** Seconds added per file a search reads: opening, reading and closing it. */
export const SECONDS_PER_FILE = 0.001;
/** Seconds added per file when the command starts a process for each one (`find … -exec cmd {} ;`). */
export const SECONDS_PER_PROCESS = 0.01;
/** The adaptive timeout of a build when `base_timeout_seconds` is not set (RustChain's build default). */
export const DEFAULT_BUILD_TIMEOUT_SECONDS = 300;
/** The ceiling of an adaptive timeout when `max_timeout_seconds` is not set (or the base, when higher). */
export const DEFAULT_ADAPTIVE_MAX_SECONDS = 3600;

/** What a search step reads, as measured. */
export interface SizeFact {
  readonly measurement: Measurement;
  /** The paths measured, as the command names them. */
  readonly paths: ReadonlyArray<string>;
  readonly filter: FileFilter;
  /** One process per file (`find … -exec cmd {} ;`): each file costs `SECONDS_PER_PROCESS`. */
  readonly process_per_file: boolean;
  /** Arguments left out of the measurement (templates filled in only at run time). */
  readonly unmeasured?: ReadonlyArray<string>;
}

/** The inputs of the adaptive calculation. */
export interface AdaptiveInput {
  /** `base_timeout_seconds`, else `timeout_seconds`, else the mission's, else 300. */
  readonly base_seconds: number;
  /** Whether the base was written on the step (`base_timeout_seconds` or `timeout_seconds`). */
  readonly base_given: boolean;
  /** `max_timeout_seconds`; unset means `max(base, 3600)`. */
  readonly max_seconds?: number;
  /** Seconds per MB read. @default 0.1 */
  readonly size_factor?: number;
  /** What the command does; unknown (a non-command step) counts as `other`. */
  readonly operation?: Operation;
  /** What a search reads; unmeasured means the base. */
  readonly size?: SizeFact;
  /** `config.mission_timeout_seconds`: no step outlives the mission. */
  readonly mission_seconds?: number;
}

/** The adaptive result, with its terms for tools that want the numbers. */
export interface AdaptiveTimeout {
  readonly ms: number;
  readonly explanation: string;
  readonly terms: {
    readonly base_seconds: number;
    readonly size_seconds: number;
    readonly files_seconds: number;
    readonly uncapped_seconds: number;
    readonly max_seconds: number;
  };
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;
const num = (n: number, digits = 1): string => {
  const fixed = Number(n.toFixed(digits));
  const [int, frac] = String(fixed).split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''}`;
};
const sec = (s: number): string => `${num(s)} s`;
const mb = (bytes: number): string => {
  const m = bytes / 1e6;
  return `${num(m, m < 10 ? 2 : m < 100 ? 1 : 0)} MB`;
};

/** "grep over ~412 MB in ~8,249 files (*.go; extrapolated: …)". */
const describeSize = (name: string, size: SizeFact): string => {
  const m = size.measurement;
  const approx = m.complete ? '' : '~';
  const notes: string[] = [];
  if (!isEmptyFilter(size.filter)) notes.push(describeFilter(size.filter));
  if (!m.complete && m.walked !== undefined)
    notes.push(
      `extrapolated: the walk stopped at its time budget after ${num(m.walked.directories, 0)} directories with ${num(m.walked.pending_directories, 0)} more known`,
    );
  if (m.missing.length > 0) notes.push(`not found: ${m.missing.join(', ')}`);
  if (size.unmeasured !== undefined && size.unmeasured.length > 0)
    notes.push(`not measured (filled in at run time): ${size.unmeasured.join(', ')}`);
  return `${name} over ${approx}${mb(m.bytes)} in ${approx}${num(m.files, 0)} files${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
};

/** The adaptive timeout: search scales with size, build gets the build default, anything else its base. */
export const adaptiveTimeout = (input: AdaptiveInput): AdaptiveTimeout => {
  const base = input.base_seconds;
  const max = Math.max(base, input.max_seconds ?? Math.max(base, DEFAULT_ADAPTIVE_MAX_SECONDS));
  const maxText = `max ${sec(max)}${input.max_seconds === undefined ? ' (the default)' : ''}`;
  const op = input.operation;
  let uncapped = base;
  let sizeSeconds = 0;
  let filesSeconds = 0;
  let head: string;
  if (op?.kind === 'search' && input.size !== undefined) {
    const m = input.size.measurement;
    const factor = input.size_factor ?? DEFAULT_SIZE_FACTOR;
    const perFile = input.size.process_per_file ? SECONDS_PER_PROCESS : SECONDS_PER_FILE;
    sizeSeconds = (m.bytes / 1e6) * factor;
    filesSeconds = m.files * perFile;
    uncapped = base + sizeSeconds + filesSeconds;
    const perFileText = `${num(perFile * 1000)} ms${input.size.process_per_file ? ' (a process per file)' : ''}`;
    head =
      `adaptive: ${describeSize(op.name, input.size)} → ${sec(base)} + ${mb(m.bytes)} × ${num(factor, 3)} s/MB` +
      `${input.size_factor === undefined ? ' (default size_factor)' : ''} + ${num(m.files, 0)} files × ${perFileText}` +
      ` = ${num(base)} + ${num(sizeSeconds)} + ${num(filesSeconds)} = ${sec(uncapped)}`;
  } else if (op?.kind === 'search') {
    head = `adaptive: ${op.name} over a size not measured → base ${sec(base)}`;
  } else if (op?.kind === 'build') {
    uncapped = input.base_given ? base : DEFAULT_BUILD_TIMEOUT_SECONDS;
    head = input.base_given
      ? `adaptive: build (${op.name}) → base ${sec(base)}`
      : `adaptive: build (${op.name}) → the build default ${sec(uncapped)} (set base_timeout_seconds to change it)`;
  } else {
    head = `adaptive: ${op !== undefined ? `${op.name} is neither a search nor a build` : 'not a command'} → base ${sec(base)}`;
  }
  let final = Math.min(uncapped, max);
  let explanation = `${head}, ${uncapped > max ? `capped at ${maxText}` : `within ${maxText}`}`;
  if (input.mission_seconds !== undefined && input.mission_seconds < final) {
    final = input.mission_seconds;
    explanation += `, cut to ${sec(final)} by config.mission_timeout_seconds`;
  }
  return {
    ms: Math.round(final * 1000),
    explanation,
    terms: {
      base_seconds: base,
      size_seconds: sizeSeconds,
      files_seconds: filesSeconds,
      uncapped_seconds: uncapped,
      max_seconds: max,
    },
  };
};

/** The facts `stepTimeout` can use for an adaptive step. */
export interface TimeoutFacts {
  readonly operation?: Operation;
  readonly size?: SizeFact;
}

/** The timeout of a step's first attempt, before the mission deadline is applied. */
export const stepTimeout = (step: Step, mission: Mission, facts: TimeoutFacts = {}): EffectiveTimeout => {
  if (step.timeout_strategy === 'adaptive') {
    const given = step.base_timeout_seconds ?? step.timeout_seconds;
    const a = adaptiveTimeout({
      base_seconds: given ?? mission.config.timeout_seconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
      base_given: given !== undefined,
      ...(step.max_timeout_seconds !== undefined ? { max_seconds: step.max_timeout_seconds } : {}),
      ...(step.size_factor !== undefined ? { size_factor: step.size_factor } : {}),
      ...(facts.operation !== undefined ? { operation: facts.operation } : {}),
      ...(facts.size !== undefined ? { size: facts.size } : {}),
      ...(mission.config.mission_timeout_seconds !== undefined
        ? { mission_seconds: mission.config.mission_timeout_seconds }
        : {}),
    });
    return { ms: a.ms, source: 'adaptive', explanation: a.explanation };
  }
  if (step.timeout_seconds !== undefined) {
    return {
      ms: step.timeout_seconds * 1000,
      source: 'step',
      explanation: `step timeout_seconds: ${seconds(step.timeout_seconds * 1000)}`,
    };
  }
  if (mission.config.timeout_seconds !== undefined) {
    const ms = mission.config.timeout_seconds * 1000;
    return { ms, source: 'config', explanation: `config.timeout_seconds: ${seconds(ms)}` };
  }
  return {
    ms: DEFAULT_STEP_TIMEOUT_SECONDS * 1000,
    source: 'default',
    explanation: `default: ${DEFAULT_STEP_TIMEOUT_SECONDS} s (set timeout_seconds on the step or in config)`,
  };
};

/** The timeout of attempt `attempt` (1-based), grown by the retry policy's `timeout_multiplier`. */
export const attemptTimeout = (
  first: EffectiveTimeout,
  attempt: number,
  multiplier: number,
): EffectiveTimeout => {
  if (attempt <= 1 || multiplier === 1) return first;
  const ms = Math.round(first.ms * multiplier ** (attempt - 1));
  return {
    ms,
    source: first.source,
    explanation: `${first.explanation} × ${multiplier}^${attempt - 1} (retry ${attempt - 1}) = ${seconds(ms)}`,
  };
};

/** Caps a timeout by the time left before the mission deadline, saying so when it bites. */
export const capByDeadline = (t: EffectiveTimeout, remainingMs: number | undefined): EffectiveTimeout =>
  remainingMs === undefined || remainingMs >= t.ms
    ? t
    : {
        ms: Math.max(0, remainingMs),
        source: 'mission_deadline',
        explanation: `${t.explanation}, cut to ${seconds(Math.max(0, remainingMs))} by the mission deadline`,
      };
