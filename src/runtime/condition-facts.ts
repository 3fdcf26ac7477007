// The facts `if:` conditions read from the host — the environment variables they name and the
// machine's architecture — kept with the plan facts, which a journaled run records: a resumed run
// decides each condition from the recorded values, not from whatever its new host has.
import type { Mission } from '../mission/model.js';
import type { PlanFacts } from '../plan/facts.js';
import { osOf } from '../plan/platform.js';
import type { ConditionInputs } from '../scheduler/condition-inputs.js';
import { makeMasker } from './secret-mask.js';

/**
 * The environment variables the mission's conditions name, in order of first use; undefined when
 * no step has a condition.
 */
const conditionEnvNames = (mission: Mission): ReadonlyArray<string> | undefined => {
  const names = new Set<string>();
  let conditioned = false;
  // An index loop: a mission's first run reads every step here before V8 has compiled this.
  const steps = mission.steps;
  for (let i = 0; i < steps.length; i++) {
    const condition = steps[i]!.if;
    if (condition === undefined) continue;
    conditioned = true;
    for (const name of condition.env) names.add(name);
  }
  return conditioned ? [...names] : undefined;
};

/**
 * Adds what conditions read to a fresh run's facts: each environment variable they name (`null`
 * when unset) and the architecture. A mission without conditions gets its facts unchanged.
 */
export const withConditionFacts = (
  facts: PlanFacts,
  mission: Mission,
  env: Readonly<Record<string, string>>,
  arch: string | undefined,
): PlanFacts => {
  const names = conditionEnvNames(mission);
  if (names === undefined) return facts;
  const read: Record<string, string | null> = {};
  for (const name of names) read[name] = Object.hasOwn(env, name) ? env[name]! : null;
  return { ...facts, ...(arch !== undefined ? { arch } : {}), env: read };
};

/**
 * A resumed run's facts: as recorded, with the environment variables a journal withheld (their
 * values held a secret) read again from the host, as secret variables are given again.
 */
export const resumedConditionFacts = (
  recorded: PlanFacts,
  mission: Mission,
  env: Readonly<Record<string, string>>,
): PlanFacts => {
  const names = conditionEnvNames(mission) ?? [];
  const known = recorded.env ?? {};
  const missing = names.filter((n) => !Object.hasOwn(known, n));
  if (missing.length === 0) return recorded;
  const read: Record<string, string | null> = { ...known };
  for (const name of missing) read[name] = Object.hasOwn(env, name) ? env[name]! : null;
  return { ...recorded, env: read };
};

/** The facts to record in a journal: environment values that contain a secret are left out. */
export const factsToRecord = (facts: PlanFacts, secretValues: ReadonlyArray<string>): PlanFacts => {
  if (facts.env === undefined || secretValues.length === 0) return facts;
  const mask = makeMasker(secretValues);
  const kept: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(facts.env))
    if (value === null || mask(value) === value) kept[name] = value;
  return { ...facts, env: kept };
};

/** What the scheduler's conditions read, from the run's facts and variables. */
export const conditionInputs = (
  facts: PlanFacts,
  variables: Readonly<Record<string, string>>,
  secrets: ReadonlyArray<string>,
): ConditionInputs => ({
  variables,
  secrets,
  env: facts.env ?? {},
  platform: {
    ...(facts.platform !== undefined ? { os: osOf(facts.platform).os } : {}),
    ...(facts.arch !== undefined ? { arch: facts.arch } : {}),
  },
});
