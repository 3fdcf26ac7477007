// A step type's fingerprint: its name, its parameter codec, its description and its code. A job
// carries the coordinator's; a worker whose registration differs fails the step with a clear
// message instead of running other code under the same name.
import type { AnyStepType, StepTypeRegistry } from '../ports/step-type.js';
import { sha256Hex } from '../runtime/sha256.js';

/** The fingerprint of one step type. */
export const fingerprintOf = (type: AnyStepType): string =>
  sha256Hex([type.name, type.parameters.name, type.description ?? '', String(type.run)].join('\n')).slice(
    0,
    16,
  );

/** The fingerprints of every type in a registry, by name. */
export const fingerprintsOf = (registry: StepTypeRegistry): ReadonlyMap<string, string> =>
  new Map([...registry].map(([name, type]) => [name, fingerprintOf(type)]));
