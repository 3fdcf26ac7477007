// `missionkit plan` (and `run --dry-run`): what a run would do, computed without running anything.
import type { Mission } from '../mission/model.js';
import { planMissionWith, type RuntimeHost } from '../runtime/run-mission.js';
import { type CliContext, err, out, problemSource } from './cli-context.js';
import { planLines } from './plan-lines.js';
import { problemLines } from './problems.js';

/** Prints the plan of a loaded mission, as text or JSON; resolves the exit code. */
export const printPlan = async (
  cli: CliContext,
  host: RuntimeHost,
  mission: Mission,
  json: boolean,
): Promise<number> => {
  const view = await planMissionWith(host, mission);
  if (json) {
    out(cli, JSON.stringify(view, null, 2));
    return 0;
  }
  for (const line of await problemLines(view.warnings, problemSource(cli), cli.errStyle)) err(cli, line);
  for (const line of planLines(view, cli.outStyle)) out(cli, line);
  return 0;
};
