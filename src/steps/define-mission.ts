// defineMission: a mission written in TypeScript instead of YAML. Each step's `parameters` are
// typed from its step type's codec (the built-ins' and the host's own), so a wrong parameter is a
// compile error; and the definition still goes through the parser, so a value the types cannot
// rule out (an id used twice, a dependency cycle) is reported exactly as for a YAML file.
import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { MissionCodec, StepCodec } from '../mission/codec.js';
import { MissionValidationError } from '../mission/errors.js';
import type { Mission } from '../mission/model.js';
import { parseMission } from '../mission/parse.js';
import type { AnyStepType } from '../ports/step-type.js';
import type { commandParameters } from './command-params.js';
import type { copyFileParameters } from './copy-file.js';
import type { createFileParameters } from './create-file-params.js';
import type { deleteFileParameters } from './delete-file.js';
import type { editFileParameters } from './edit-file.js';
import type { httpParameters } from './http.js';
import type { listDirectoryParameters } from './list-directory.js';
import type { llmParameters } from './llm.js';
import type { moveFileParameters } from './move-file.js';
import type { noopParameters } from './noop.js';
import type { readFileParameters } from './read-file.js';
import { makeRegistry } from './registry.js';

/** The built-in step types' parameter codecs, by name. */
export interface BuiltinParameterCodecs {
  readonly command: typeof commandParameters;
  readonly create_file: typeof createFileParameters;
  readonly edit_file: typeof editFileParameters;
  readonly delete_file: typeof deleteFileParameters;
  readonly copy_file: typeof copyFileParameters;
  readonly move_file: typeof moveFileParameters;
  readonly read_file: typeof readFileParameters;
  readonly list_directory: typeof listDirectoryParameters;
  readonly http: typeof httpParameters;
  readonly llm: typeof llmParameters;
  readonly noop: typeof noopParameters;
}

/** A step's own fields (id, name, depends_on, timeout_seconds, retry…), as a mission file writes them. */
export type StepFields = Omit<t.OutputOf<typeof StepCodec>, 'step_type' | 'parameters'>;

/** One step of step type `N`, whose `parameters` are what codec `C` accepts (optional when it needs none). */
export type StepDefinition<N extends string, C extends t.Any> = StepFields & {
  readonly step_type: N;
} & (Record<never, never> extends t.OutputOf<C>
    ? { readonly parameters?: t.OutputOf<C> }
    : { readonly parameters: t.OutputOf<C> });

/** A step of a host's step type, when its type kept its name and codec (`defineStepType` does). */
type CustomStep<S> = S extends {
  readonly name: infer N extends string;
  readonly parameters: infer C extends t.Any;
}
  ? StepDefinition<N, C>
  : never;

/** A step of a built-in type that no host type replaces. */
type BuiltinStep<Replaced extends string> = {
  [N in Exclude<keyof BuiltinParameterCodecs, Replaced>]: StepDefinition<N, BuiltinParameterCodecs[N]>;
}[Exclude<keyof BuiltinParameterCodecs, Replaced>];

/** Any step a mission with the host's step types `T` may have. */
export type AnyStepDefinition<T extends ReadonlyArray<AnyStepType>> =
  BuiltinStep<T[number]['name']> | CustomStep<T[number]>;

/** A whole mission as TypeScript data: the YAML format's fields, with typed steps. */
export type MissionDefinition<T extends ReadonlyArray<AnyStepType> = readonly []> = Omit<
  t.OutputOf<typeof MissionCodec>,
  'steps' | 'version'
> & {
  /** @default '1.0' */
  readonly version?: string;
  readonly steps: ReadonlyArray<AnyStepDefinition<T>>;
};

/** Options of `defineMission`. */
export interface DefineMissionOptions<T extends ReadonlyArray<AnyStepType>> {
  /**
   * The host's step types the mission uses (the built-ins are always there); their codecs type
   * the steps' `parameters`. Pass the same ones to `runMission`.
   * @default []
   * @example defineMission({ name: 'deploy', steps: [...] }, { stepTypes: [uploadStep] })
   */
  readonly stepTypes?: T;
  /**
   * Unknown keys are errors (a definition in code has no reason to carry keys nothing reads).
   * @default true
   */
  readonly strict?: boolean;
  /**
   * The name errors give the definition.
   * @default '<defineMission>'
   */
  readonly file?: string;
}

/**
 * Checks a mission written in TypeScript and returns it decoded, ready for `runMission`. Throws a
 * `MissionValidationError` listing every problem, as loading a YAML file would.
 * @example
 * const mission = defineMission({
 *   name: 'nightly',
 *   steps: [
 *     { id: 'fetch', name: 'Fetch', step_type: 'http', parameters: { url: 'https://example.com/data.json' } },
 *     { id: 'save', name: 'Save', step_type: 'create_file', depends_on: ['fetch'],
 *       parameters: { path: 'data.json', content: '{fetch_result}' } },
 *   ],
 * });
 * const report = await runMission(mission);
 */
export const defineMission = <const T extends ReadonlyArray<AnyStepType> = readonly []>(
  definition: MissionDefinition<NoInfer<T>>,
  options: DefineMissionOptions<T> = {},
): Mission => {
  const text = JSON.stringify({ version: '1.0', ...definition }, null, 2);
  const parsed = parseMission(text, {
    file: options.file ?? '<defineMission>',
    format: 'json',
    stepTypes: makeRegistry(options.stepTypes ?? []),
    strict: options.strict ?? true,
  });
  if (isLeft(parsed))
    throw new MissionValidationError(
      parsed.left.filter((e) => e.severity === 'error'),
      parsed.left.filter((e) => e.severity === 'warning'),
    );
  return parsed.right;
};
