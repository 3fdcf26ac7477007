// A step type's fingerprint. A built-in is named by missionkit's version (its code differs between
// the ES module and CommonJS builds of one version, which must agree). A custom type is its name,
// its parameter codec, its description and its code. A job carries the coordinator's fingerprint;
// a worker whose registration differs fails the step with a clear message instead of running
// other code under the same name.
import type { AnyStepType, StepTypeRegistry } from '../ports/step-type.js';
import { sha256Hex } from '../runtime/sha256.js';
import { builtinStepTypes } from '../steps/registry.js';
import { VERSION } from '../version.js';

/** The fingerprint of one step type. */
export const fingerprintOf = (type: AnyStepType): string =>
  builtinStepTypes.includes(type)
    ? `builtin:${type.name}@${VERSION}`
    : sha256Hex([type.name, type.parameters.name, type.description ?? '', String(type.run)].join('\n')).slice(
        0,
        16,
      );

/** The fingerprints of every type in a registry, by name. */
export const fingerprintsOf = (registry: StepTypeRegistry): ReadonlyMap<string, string> =>
  new Map([...registry].map(([name, type]) => [name, fingerprintOf(type)]));
