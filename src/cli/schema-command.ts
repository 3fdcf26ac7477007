// `missionkit schema`: the mission JSON Schema for the built-in step types, for editors and tools.
import { missionJsonSchema } from '../mission/json-schema.js';
import { makeRegistry } from '../steps/registry.js';
import { type CliContext, out } from './cli-context.js';

/** Prints the schema; resolves the exit code. */
export const schemaCommand = (cli: CliContext): Promise<number> => {
  out(cli, JSON.stringify(missionJsonSchema(makeRegistry()), null, 2));
  return Promise.resolve(0);
};
