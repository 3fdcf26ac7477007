// The step types missionkit ships, and how a host's own are combined with them.
import type { AnyStepType, StepTypeRegistry } from '../ports/step-type.js';
import { commandStep } from './command.js';
import { createFileStep } from './create-file.js';
import { noopStep } from './noop.js';

/** The built-in step types. */
export const builtinStepTypes: ReadonlyArray<AnyStepType> = [commandStep, createFileStep, noopStep];

/** The built-ins plus the host's own; a host type with a built-in's name replaces it. */
export const makeRegistry = (extra: Iterable<AnyStepType> = []): StepTypeRegistry =>
  new Map([...builtinStepTypes, ...extra].map((s) => [s.name, s]));
