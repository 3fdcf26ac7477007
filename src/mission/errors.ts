// Every problem the parser finds, as a value a person can act on: where, what, and what to do.
import { brandedInstanceOf, hasBrand, markPrototype } from '../error-brand.js';

/** Every kind of problem a mission can have, as a list tools and tests can iterate. */
export const MISSION_ERROR_CODES = [
  'yaml_syntax',
  'too_large',
  'alias_limit',
  'too_deep',
  'forbidden_tag',
  'not_a_mission',
  'invalid_type',
  'missing_field',
  'invalid_value',
  'unknown_key',
  'duplicate_step_id',
  'duplicate_key',
  'unknown_dependency',
  'dependency_cycle',
  'unknown_step_type',
  'misplaced_field',
  'shell_syntax',
  'conflicting_fields',
  'invalid_reference',
  'unsafe_template',
  'unsupported_on_platform',
  'io_error',
] as const;

/** The kinds of problem a mission can have; closed, so tools can switch on it. */
export type MissionErrorCode = (typeof MISSION_ERROR_CODES)[number];

/** A position in the mission text; lines and columns count from 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** One problem in a mission. `severity: 'warning'` does not stop the mission from loading. */
export interface MissionError {
  readonly code: MissionErrorCode;
  readonly severity: 'error' | 'warning';
  /** The file the mission came from, when known. */
  readonly file?: string;
  /** Where in the text, when known. */
  readonly position?: SourcePosition;
  /** The path to the value, such as `steps[3].depends_on[0]`; empty for the document itself. */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** The value found, rendered short. */
  readonly found?: string;
  /** What was expected instead. */
  readonly expected?: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** `file:line:col path: message` — the one-line form used in logs and the CLI. */
export const formatMissionError = (e: MissionError): string => {
  const where = [e.file ?? '<mission>', e.position ? `${e.position.line}:${e.position.column}` : undefined]
    .filter((p) => p !== undefined)
    .join(':');
  const at = e.path === '' ? '' : ` ${e.path}:`;
  const found =
    e.found !== undefined
      ? ` (found ${e.found}` + (e.expected ? `, expected ${e.expected})` : ')')
      : e.expected
        ? ` (expected ${e.expected})`
        : '';
  const hint = e.hint ? `\n  hint: ${e.hint}` : '';
  return `${where}: ${e.severity}:${at} ${e.message}${found}${hint}`;
};

const MISSION_VALIDATION_ERROR = Symbol.for('missionkit.MissionValidationError');

/**
 * Thrown (rejected) by `runMission`/`loadMission` for an invalid mission; carries every error at once.
 * `instanceof` holds across the CommonJS and ES module builds loaded in one process.
 */
export class MissionValidationError extends Error {
  static override [Symbol.hasInstance](value: unknown): value is MissionValidationError {
    return brandedInstanceOf(this, MissionValidationError, MISSION_VALIDATION_ERROR, value);
  }

  static {
    markPrototype(this, MISSION_VALIDATION_ERROR);
  }

  override readonly name = 'MissionValidationError';
  constructor(
    readonly errors: ReadonlyArray<MissionError>,
    readonly warnings: ReadonlyArray<MissionError> = [],
  ) {
    super(
      `invalid mission: ${errors.length} error${errors.length === 1 ? '' : 's'}\n` +
        errors.map(formatMissionError).join('\n'),
    );
  }
}

/**
 * Whether `value` is a `MissionValidationError` from any copy of missionkit in the process (the
 * CommonJS or the ES module build); the same answer as `instanceof`, as a function.
 * @example
 * try { await runMission(file); } catch (e) { if (isMissionValidationError(e)) console.error(e.errors); }
 */
export const isMissionValidationError = (value: unknown): value is MissionValidationError =>
  hasBrand(value, MISSION_VALIDATION_ERROR);
