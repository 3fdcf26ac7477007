// RustChain reads optional fields as `Option<T>`: `depends_on: null` (written by its own
// transpiler) and a `null` optional parameter mean "not set". missionkit reads them the same way.
import Ajv from 'ajv';
import { isRight } from 'fp-ts/lib/Either.js';
import { parse } from 'yaml';
import { parseMission } from '../../src/mission/parse.js';
import { missionJsonSchema } from '../../src/mission/json-schema.js';
import { makeRegistry } from '../../src/steps/registry.js';

// The shape of a mission RustChain's transpiler writes: every optional field present, as null.
const transpiled = `version: "1.0"
name: "transpiled"
description: null
steps:
  - id: "fetch"
    name: "Fetch"
    step_type: "command"
    description: null
    depends_on: null
    timeout_seconds: null
    continue_on_error: null
    parameters:
      command: "echo"
      args: ["hello"]
      working_dir: null
  - id: "ask"
    name: "Ask"
    step_type: "llm"
    depends_on: ["fetch"]
    parameters:
      prompt: "Summarise {fetch_result}"
      model: null
      provider: null
config:
  max_parallel_steps: null
  fail_fast: null
`;

test('every optional field written `null` reads as absent, in the step, its parameters and config', () => {
  const r = parseMission(transpiled);
  if (!isRight(r)) throw new Error(JSON.stringify(r.left, null, 2));
  const [fetch, ask] = r.right.steps;
  expect(fetch!.depends_on).toEqual([]);
  expect(fetch!.timeout_seconds).toBeUndefined();
  expect(fetch!.continue_on_error).toBe(false);
  expect(fetch!.parameters['working_dir']).toBeUndefined();
  expect(ask!.parameters).toEqual({ prompt: 'Summarise {fetch_result}' });
  expect(r.right.config.max_parallel_steps).toBe(1);
  expect(r.right.config.fail_fast).toBe(true);
  expect(r.right.warnings).toEqual([]);
});

test('a required field written `null` is still an error', () => {
  const r = parseMission(transpiled.replace('name: "Fetch"', 'name: null'));
  expect(isRight(r)).toBe(false);
});

test('the JSON Schema accepts the same nulls', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(missionJsonSchema(makeRegistry()));
  expect(validate(parse(transpiled))).toBe(true);
});
