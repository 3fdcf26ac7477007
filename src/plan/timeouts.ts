// The timeout calculator: each step's timeout, where it came from, and an explanation a person can read.
import { DEFAULT_STEP_TIMEOUT_SECONDS, type Mission, type Step } from '../mission/model.js';

/** Where an effective timeout came from. */
export type TimeoutSource = 'step' | 'config' | 'default' | 'adaptive' | 'mission_deadline';

/** A step's timeout for one attempt. */
export interface EffectiveTimeout {
  readonly ms: number;
  readonly source: TimeoutSource;
  /** For example "step timeout_seconds: 30 s" or "config.timeout_seconds: 120 s". */
  readonly explanation: string;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/** The timeout of a step's first attempt, before the mission deadline is applied. */
export const stepTimeout = (step: Step, mission: Mission): EffectiveTimeout => {
  if (step.timeout_strategy === 'adaptive') {
    // Without measured facts the adaptive strategy falls back to its base; the planner with
    // directory-size facts refines this (see docs/timeouts.md).
    const base =
      step.base_timeout_seconds ??
      step.timeout_seconds ??
      mission.config.timeout_seconds ??
      DEFAULT_STEP_TIMEOUT_SECONDS;
    const max = step.max_timeout_seconds;
    const ms = Math.min(base, max ?? Infinity) * 1000;
    return {
      ms,
      source: 'adaptive',
      explanation: `adaptive: no size measured, base ${seconds(base * 1000)}${max !== undefined ? `, within max ${seconds(max * 1000)}` : ''}`,
    };
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
