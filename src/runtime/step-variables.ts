// The variables steps see: the mission's, then what earlier steps produced, in RustChain's forms
// (`{<id>_result}`, `{<id>_response}`, `{<id>}`). Kept incrementally — O(1) per finished step —
// so a mission of 100,000 steps does not copy every result for every step.
import type { StepId } from '../mission/model.js';
import type { DefaultValue } from '../plan/dependencies.js';

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** The text a step's result reads as: its `response` or structured output, else its stdout. */
const resultText = (stdout: string, output: unknown): string =>
  output === undefined
    ? stdout.replace(/\r?\n$/, '')
    : typeof output === 'object' && output !== null && 'response' in output
      ? asText((output as { response: unknown }).response)
      : asText(output);

/** Variables by name, growing as steps finish. */
export class StepVariables {
  private readonly vars: Record<string, string>;

  constructor(private readonly mission: Readonly<Record<string, string>>) {
    this.vars = { ...mission };
  }

  /** Records a finished step's result under its RustChain names; mission variables keep precedence. */
  record(id: StepId, stdout: string, output: unknown): void {
    this.put(this.vars, id, resultText(stdout, output));
  }

  /** The variables for one step; `defaults` stand in for dependencies that did not succeed. */
  forStep(defaults: ReadonlyArray<DefaultValue>): Readonly<Record<string, string>> {
    if (defaults.length === 0) return { ...this.vars };
    const vars = { ...this.vars };
    for (const d of defaults) this.put(vars, d.step_id, asText(d.value));
    return vars;
  }

  private put(into: Record<string, string>, id: string, value: string): void {
    into[`${id}_result`] = value;
    into[`${id}_response`] = value;
    if (!Object.hasOwn(this.mission, id)) into[id] = value;
  }
}
