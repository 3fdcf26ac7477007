// The variables steps see: the mission's, then what earlier steps produced, in RustChain's forms
// (`{<id>_result}`, `{<id>_response}`, `{<id>}`). Results are only queued when a step ends and
// turned into variables when a step first reads them, so a mission of 100,000 steps that never
// reads a variable pays nothing, and one that does pays once per result.
import type { StepId } from '../mission/model.js';
import type { DefaultValue } from '../plan/dependencies.js';

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

/** The text a step's result reads as: its `response` or structured output, else its stdout. */
const resultText = (stdout: string, output: unknown): string =>
  output === undefined
    ? stdout.replace(/\r?\n$/, '')
    : typeof output === 'object' && output !== null && 'response' in output
      ? asText((output as { response: unknown }).response)
      : asText(output);

/** The parts of a finished step's result its variables are made from. */
interface Pending {
  readonly id: StepId;
  readonly stdout: { readonly text: string };
  readonly output?: unknown;
}

/** Variables by name, growing as steps finish. */
export class StepVariables {
  private readonly vars: Record<string, string>;
  private pending: Pending[] = [];

  constructor(private readonly mission: Readonly<Record<string, string>>) {
    this.vars = { ...mission };
  }

  /** Queues a finished step's result; it becomes variables when a step next reads them. */
  record(result: Pending): void {
    this.pending.push(result);
  }

  /** The variables for one step; `defaults` stand in for dependencies that did not succeed. */
  forStep(defaults: ReadonlyArray<DefaultValue>): Readonly<Record<string, string>> {
    for (const r of this.pending) this.put(this.vars, r.id, resultText(r.stdout.text, r.output));
    this.pending = [];
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
