// Builds decoded missions directly (defaults filled as the parser fills them), for tests of the
// pure core that should not depend on YAML.
import type { Mission, MissionConfig, Step } from '../../src/mission/model.js';
import { stepId } from '../../src/mission/model.js';

export type StepInput = Partial<Omit<Step, 'id' | 'depends_on'>> & {
  readonly id: string;
  readonly depends_on?: ReadonlyArray<string>;
};

export const buildStep = (s: StepInput): Step => ({
  name: s.id,
  step_type: 'noop',
  parameters: {},
  continue_on_error: false,
  dependency_strategy: { _tag: 'all_required' },
  continue_on_failure: false,
  allow_partial_results: false,
  ...s,
  id: stepId(s.id),
  depends_on: (s.depends_on ?? []).map(stepId),
});

export const buildMission = (
  steps: ReadonlyArray<StepInput>,
  config: Partial<MissionConfig> = {},
): Mission => ({
  version: '1.0',
  name: 'test mission',
  steps: steps.map(buildStep),
  config: {
    max_parallel_steps: 1,
    fail_fast: true,
    kill_grace_seconds: 5,
    progress_interval_seconds: 10,
    monitoring: { check_interval_seconds: 5, warn_threshold_percent: 80, kill_on_exceed: true },
    ...config,
  },
  variables: {},
  secrets: [],
  allowed_paths: [],
  warnings: [],
});
