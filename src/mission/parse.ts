// Mission text → a decoded, validated Mission, or every problem the text has, each with file,
// line, column, path, what was found, what was expected and what to do. Never throws: hostile or
// broken input is a value (a Left), like every other expected failure.
import { either } from 'fp-ts';
import type { Either } from 'fp-ts/Either';
import type { StepTypeRegistry } from '../ports/step-type.js';
import { makeRegistry } from '../steps/registry.js';
import { decodeValue, sortedByPosition } from './decode-mission.js';
import { error, type Draft } from './draft.js';
import type { MissionError, SourcePosition } from './errors.js';
import type { WorkingDirectory } from './literal-paths.js';
import type { Mission } from './model.js';
import { formatPath } from './path.js';
import { checkPlainDataLimits } from './plain-data-limits.js';
import { readSource, type Source } from './yaml-source.js';
import { positionInScalar } from './scalar-offset.js';
import { DEFAULT_MAX_BYTES } from './max-bytes.js';

/** How `parseMission` reads a mission. */
export interface ParseOptions {
  /**
   * The file the text came from, used in every message (and to pick JSON for `.json` files).
   * @example 'missions/deploy.yaml'
   */
  readonly file?: string;
  /**
   * The step types a mission may use; each one's parameter codec checks its steps' `parameters`.
   * @default makeRegistry() — the built-ins: command, create_file, noop
   * @example makeRegistry([myHttpStep])
   */
  readonly stepTypes?: StepTypeRegistry;
  /**
   * Report unknown keys (and undecodable parameters of `continue_on_error` steps) as errors instead of warnings.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Largest mission text accepted, in UTF-8 bytes.
   * @default 4194304 (4 MiB)
   */
  readonly maxBytes?: number;
  /**
   * `auto` reads `.json` files as JSON and everything else as YAML (JSON is valid YAML, so JSON text also loads that way).
   * @default 'auto'
   */
  readonly format?: 'yaml' | 'json' | 'auto';
  /**
   * Where the mission will run, with that host's path arithmetic: a file step whose path is a
   * literal absolute path outside it (and outside `allowed_paths`) is then reported at load, since
   * the step would be refused when run. `loadMission`, `planMission`, `runMission` and the CLI pass it.
   * @default undefined (no such check)
   */
  readonly workingDirectory?: WorkingDirectory;
}

export { DEFAULT_MAX_BYTES };
/** Nesting beyond this is refused; a mission needs about eight levels. */
export const MAX_DEPTH = 128;

type Where = Pick<Source, 'locate' | 'scalarText'>;

/** The longest message, found value, expectation or hint an error carries, in characters. */
export const MAX_ERROR_TEXT = 1000;

/**
 * `text` cut in the middle when longer than MAX_ERROR_TEXT: a message that quotes a hostile
 * value (a megabyte-long id, a whole YAML token) must stay readable and small.
 */
const bounded = (text: string): string => {
  if (text.length <= MAX_ERROR_TEXT) return text;
  let head = Math.floor(MAX_ERROR_TEXT * 0.6);
  let tail = Math.floor(MAX_ERROR_TEXT * 0.3);
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]/.test(text.charAt(head - 1))) head -= 1;
  if (/[\udc00-\udfff]/.test(text.charAt(text.length - tail))) tail -= 1;
  return `${text.slice(0, head)}… [${text.length - head - tail} characters omitted] …${text.slice(text.length - tail)}`;
};

// The column of `d.pointAt` inside the value as written, when it is on the value's first line.
const within = (
  d: Draft,
  where: Where | undefined,
  position: SourcePosition | undefined,
): SourcePosition | undefined => {
  if (d.inValue !== undefined && position !== undefined)
    return positionInScalar(where?.scalarText(d.path), position, d.inValue.value, d.inValue.offset);
  if (d.pointAt === undefined || position === undefined) return position;
  const written = where?.scalarText(d.path);
  const i = written?.indexOf(d.pointAt) ?? -1;
  return i > 0 && !written!.slice(0, i).includes('\n')
    ? { ...position, column: position.column + i }
    : position;
};

// Each draft becomes a MissionError: file, position (from the draft, or found by path), and the rendered path.
const place = (d: Draft, where: Where | undefined, file: string | undefined): MissionError => {
  const position = within(d, where, d.position ?? where?.locate(d.path, d.at ?? 'value'));
  // "quote it" shows the value as written: `version: 1.0` was read as the number 1.
  const written = d.hint?.startsWith('quote it: ') === true ? where?.scalarText(d.path) : undefined;
  const hint = written !== undefined ? `quote it: "${written}"` : d.hint;
  return {
    code: d.code,
    severity: d.severity,
    ...(file !== undefined ? { file } : {}),
    ...(position !== undefined ? { position } : {}),
    path: formatPath(d.path),
    message: bounded(d.message),
    ...(d.found !== undefined ? { found: bounded(d.found) } : {}),
    ...(d.expected !== undefined ? { expected: bounded(d.expected) } : {}),
    ...(hint !== undefined ? { hint: bounded(hint) } : {}),
  };
};

const internalError = (e: unknown, file: string | undefined): MissionError => ({
  code: 'invalid_value',
  severity: 'error',
  ...(file !== undefined ? { file } : {}),
  position: { line: 1, column: 1 },
  path: '',
  message: `the mission parser failed unexpectedly (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}); please report this with the mission`,
});

const run = (
  read: () => {
    readonly drafts: ReadonlyArray<Draft>;
    readonly value?: unknown;
    readonly hasValue: boolean;
    readonly where?: Where;
  },
  options: ParseOptions,
): Either<ReadonlyArray<MissionError>, Mission> => {
  const file = options.file;
  try {
    const registry = options.stepTypes ?? makeRegistry();
    const source = read();
    const finalise = (d: Draft): MissionError => place(d, source.where, file);
    const drafts: Draft[] = [...source.drafts];
    let mission: Mission | undefined;
    // Duplicate keys and refused tags leave a readable document: decode it too, so every error shows at once.
    const readable = drafts.every(
      (d) => d.severity !== 'error' || d.code === 'duplicate_key' || d.code === 'forbidden_tag',
    );
    if (source.hasValue && readable) {
      const decoded = decodeValue(
        source.value,
        {
          registry,
          strict: options.strict === true,
          finalise,
          ...(options.workingDirectory !== undefined ? { workingDirectory: options.workingDirectory } : {}),
        },
        file,
      );
      drafts.push(...decoded.drafts);
      mission = decoded.mission;
    }
    if (mission !== undefined && !drafts.some((d) => d.severity === 'error')) {
      return either.right(
        source.drafts.length > 0
          ? { ...mission, warnings: sortedByPosition([...source.drafts.map(finalise), ...mission.warnings]) }
          : mission,
      );
    }
    const all = sortedByPosition(drafts.map(finalise));
    return either.left(all.length > 0 ? all : [internalError(new Error('no mission and no error'), file)]);
  } catch (e) {
    return either.left([internalError(e, file)]);
  }
};

/** Parses mission text (YAML or JSON) into a validated Mission, or returns every problem at once; never throws. */
export const parseMission = (
  text: string,
  options: ParseOptions = {},
): Either<ReadonlyArray<MissionError>, Mission> =>
  run(() => {
    if (typeof text !== 'string') {
      return {
        hasValue: false,
        drafts: [
          error({
            code: 'invalid_type',
            path: [],
            position: { line: 1, column: 1 },
            message: 'parseMission expects the mission text as a string',
            found: text === null ? 'null' : typeof text,
            hint: 'to check a mission that is already an object, use decodeMission(value)',
          }),
        ],
      };
    }
    const maxBytes =
      typeof options.maxBytes === 'number' && options.maxBytes > 0 ? options.maxBytes : DEFAULT_MAX_BYTES;
    const format =
      options.format === 'json' ||
      (options.format !== 'yaml' && options.file !== undefined && /\.json$/i.test(options.file))
        ? 'json'
        : 'yaml';
    const read = readSource(text, {
      format,
      maxBytes,
      maxDepth: MAX_DEPTH,
      maxNodes: Math.max(maxBytes, 1_000_000),
    });
    return read.source === undefined
      ? { hasValue: false, drafts: read.drafts }
      : { hasValue: true, value: read.source.value, drafts: read.drafts, where: read.source };
  }, options);

/** Decodes a mission that is already plain data (from a host's own loader, or written in TypeScript); errors carry paths but no positions. */
export const decodeMission = (
  value: unknown,
  options: Omit<ParseOptions, 'maxBytes' | 'format'> = {},
): Either<ReadonlyArray<MissionError>, Mission> =>
  run(() => {
    const over = checkPlainDataLimits(value, MAX_DEPTH, DEFAULT_MAX_BYTES);
    return over === undefined ? { hasValue: true, value, drafts: [] } : { hasValue: false, drafts: [over] };
  }, options);
