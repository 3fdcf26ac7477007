// What `if:` conditions read besides step results: the run's variables, the environment
// variables conditions name, and the platform. Given to the scheduler with its initial state, and
// built the same way on resume (the environment and platform from the journal's recorded facts),
// so a replayed run decides every condition as the recorded one did.

/** The facts conditions read, fixed for a run. */
export interface ConditionInputs {
  /** The run's variables (the mission's, overridden by the host's). */
  readonly variables: Readonly<Record<string, string>>;
  /** Names of secret variables: compared, never shown in a message. */
  readonly secrets: ReadonlyArray<string>;
  /** The environment variables conditions read; `null` for one that is not set. */
  readonly env: Readonly<Record<string, string | null>>;
  /** `platform.os` (the mission's names: linux, macos, windows…) and `platform.arch` (Node's: x64, arm64…). */
  readonly platform: { readonly os?: string; readonly arch?: string };
}

/** Inputs of a run whose host told nothing: the mission's own variables, no environment, no platform. */
export const noConditionInputs = (variables: Readonly<Record<string, string>>): ConditionInputs => ({
  variables,
  secrets: [],
  env: {},
  platform: {},
});
