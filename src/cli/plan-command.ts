// `missionkit plan` (and `run --dry-run`): what a run would do, computed without running anything.
import type { Mission } from '../mission/model.js';
import { planToDot } from '../report/plan-dot.js';
import { planToMermaid } from '../report/plan-mermaid.js';
import { planMissionWith, type RuntimeHost } from '../runtime/run-mission.js';
import { unreachable } from '../unreachable.js';
import type { PlanFormat } from './args.js';
import { type CliContext, err, out, problemSource } from './cli-context.js';
import { planLines } from './plan-lines.js';
import { problemLines } from './problems.js';

/** Prints the plan of a loaded mission as text, JSON, Mermaid or DOT; resolves the exit code. */
export const printPlan = async (
  cli: CliContext,
  host: RuntimeHost,
  mission: Mission,
  format: PlanFormat,
): Promise<number> => {
  const view = await planMissionWith(host, mission);
  switch (format) {
    case 'json':
      out(cli, JSON.stringify(view, null, 2));
      return 0;
    case 'mermaid':
      cli.stdout.write(planToMermaid(view));
      return 0;
    case 'dot':
      cli.stdout.write(planToDot(view));
      return 0;
    case 'text':
      for (const line of await problemLines(view.warnings, problemSource(cli), cli.errStyle)) err(cli, line);
      for (const line of planLines(view, cli.outStyle)) out(cli, line);
      return 0;
    default:
      return unreachable(format);
  }
};
