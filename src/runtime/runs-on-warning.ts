// `runs_on:` names workers of a distributed run. A local run has none: it runs every step in its
// own process rather than refuse the mission, and says so once, as a load warning.
import type { Mission } from '../mission/model.js';

/** The mission with a warning added when steps name `runs_on` labels a local run cannot honour. */
export const withLocalRunsOnWarning = (mission: Mission): Mission => {
  // A plain loop: a callback per step runs in the interpreter on a mission's first run.
  const routed: number[] = [];
  const steps = mission.steps;
  for (let i = 0; i < steps.length; i++) {
    const on = steps[i]!.runs_on;
    if (on !== undefined && !(on.length === 1 && on[0] === 'coordinator')) routed.push(i);
  }
  if (routed.length === 0) return mission;
  const first = routed[0]!;
  const ids = routed.map((i) => mission.steps[i]!.id);
  return {
    ...mission,
    warnings: [
      ...mission.warnings,
      {
        code: 'unsupported_on_platform',
        severity: 'warning',
        ...(mission.source_file !== undefined ? { file: mission.source_file } : {}),
        path: `steps[${first}].runs_on`,
        message: `runs_on is ignored in a local run: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''} run in this process`,
        hint: 'run the mission with --redis (missionkit/distributed) to send these steps to labelled workers',
      },
    ],
  };
};
