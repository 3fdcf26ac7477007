// The step types missionkit ships, and how a host's own are combined with them.
import type { AnyStepType, StepTypeRegistry } from '../ports/step-type.js';
import { commandStep } from './command.js';
import { copyFileStep } from './copy-file.js';
import { createFileStep } from './create-file.js';
import { deleteFileStep } from './delete-file.js';
import { editFileStep } from './edit-file.js';
import { httpStep } from './http.js';
import { listDirectoryStep } from './list-directory.js';
import { llmStep } from './llm.js';
import { moveFileStep } from './move-file.js';
import { noopStep } from './noop.js';
import { readFileStep } from './read-file.js';

/** The built-in step types. */
export const builtinStepTypes: ReadonlyArray<AnyStepType> = [
  commandStep,
  createFileStep,
  editFileStep,
  deleteFileStep,
  copyFileStep,
  moveFileStep,
  readFileStep,
  listDirectoryStep,
  httpStep,
  llmStep,
  noopStep,
];

/** The built-ins plus the host's own; a host type with a built-in's name replaces it. */
export const makeRegistry = (extra: Iterable<AnyStepType> = []): StepTypeRegistry =>
  new Map([...builtinStepTypes, ...extra].map((s) => [s.name, s]));
