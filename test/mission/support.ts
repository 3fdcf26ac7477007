// Shared by the mission tests: the corpus location, permissive stand-ins for step types built in
// later issues (which also exercises custom registration), and helpers to read results.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import { isLeft, isRight, type Either } from 'fp-ts/Either';
import type { MissionError } from '../../src/mission/errors.js';
import type { Mission } from '../../src/mission/model.js';
import { parseMission, type ParseOptions } from '../../src/mission/parse.js';
import type { AnyStepType } from '../../src/ports/step-type.js';
import { makeRegistry } from '../../src/steps/registry.js';

/** Real RustChain missions, copied byte for byte (origins and licences: test/fixtures/RUSTCHAIN-SOURCES.md). */
export const CORPUS_DIR = path.resolve(__dirname, '..', 'fixtures', 'rustchain-corpus');
/** The RustChain roadmap whose fields the mission format adds. */
export const SEED_ROADMAP = path.resolve(__dirname, '..', 'fixtures', 'rustchain-roadmap.md');

/** The corpus mission files, sorted. */
export const corpusFiles = (): ReadonlyArray<string> =>
  fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

export const readCorpus = (file: string): string => fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8');

/** SOURCES.md marks these as not RustChain-valid. */
export const NEGATIVE_CORPUS: ReadonlySet<string> = new Set([
  'contextlite__mission_3.1_security_audit.yaml',
  'contextlite__mission_3.1_security_audit_minimal.yaml',
]);

/** Step types RustChain has and missionkit builds in later issues: registered here with codecs that accept any map. */
export const LATER_STEP_TYPES = [
  'llm',
  'http',
  'read_file',
  'edit_file',
  'copy_file',
  'delete_file',
  'sql_query',
  'ftp_upload',
  'compile_code',
  'run_tests',
  'csv_process',
  'generate_embedding',
] as const;

export const permissiveStepType = (name: string): AnyStepType => ({
  name,
  description: `stand-in for ${name} (built in a later issue)`,
  parameters: t.UnknownRecord,
  run: () => Promise.resolve({ status: 'succeeded' }),
});

/** The built-ins plus permissive stand-ins for every later step type the corpus uses. */
export const corpusRegistry = makeRegistry(LATER_STEP_TYPES.map(permissiveStepType));

/** Parses and fails the test with every message when the mission does not load. */
export const mustParse = (text: string, options: ParseOptions = {}): Mission => {
  const r = parseMission(text, options);
  if (isLeft(r))
    throw new Error(
      `expected the mission to parse, got:\n${r.left.map((e) => `${e.path}: ${e.message}`).join('\n')}`,
    );
  return r.right;
};

/** Parses and fails the test when the mission loads; returns every error and warning. */
export const mustFail = (text: string, options: ParseOptions = {}): ReadonlyArray<MissionError> => {
  const r = parseMission(text, options);
  if (isRight(r))
    throw new Error(`expected the mission to be rejected; it parsed with ${r.right.steps.length} steps`);
  return r.left;
};

export const errorsOnly = (all: ReadonlyArray<MissionError>): ReadonlyArray<MissionError> =>
  all.filter((e) => e.severity === 'error');

/** The single error with this code, failing when there is not exactly one. */
export const onlyError = (all: ReadonlyArray<MissionError>, code: MissionError['code']): MissionError => {
  const found = all.filter((e) => e.code === code && e.severity === 'error');
  if (found.length !== 1)
    throw new Error(
      `expected one ${code} error, got ${found.length}:\n${all.map((e) => `${e.code} ${e.path}: ${e.message}`).join('\n')}`,
    );
  return found[0]!;
};

export const isEither = (r: Either<unknown, unknown>): boolean => isLeft(r) || isRight(r);

/** A minimal valid mission around the given step lines (already indented by 4 spaces under `- `). */
export const missionWithSteps = (steps: string, extra = ''): string =>
  `version: "1.0"\nname: "test"\nsteps:\n${steps}${extra}`;
