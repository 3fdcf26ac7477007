// A mission written in TypeScript instead of YAML. `defineMission` types every step's
// `parameters` from its step type (so `method: 'FETCH'` or `max_redirects: '3'` does not
// compile), then checks the whole mission exactly as a YAML file is checked (ids, dependencies,
// cycles), and returns it ready for `runMission`.
import { defineMission, runMission, type MissionReport } from 'missionkit';

/** Checks a service, keeps its answer, and archives yesterday's log. */
export const nightly = defineMission({
  name: 'Nightly check',
  variables: { service: 'https://status.example.com' },
  steps: [
    {
      id: 'health',
      name: 'Ask the service for its health',
      step_type: 'http',
      parameters: { url: '{service}/health', expect_status_codes: [200], max_redirects: 3 },
      timeout_seconds: 10,
      retry: { max_attempts: 3, delay_seconds: 5, retry_on: [{ http_status: [429, '5xx'] }] },
    },
    {
      id: 'save',
      name: 'Save the answer',
      step_type: 'create_file',
      depends_on: ['health'],
      parameters: { path: 'reports/health.json', content: '{health_result}' },
    },
    {
      id: 'archive',
      name: "Archive yesterday's log",
      step_type: 'move_file',
      parameters: { source: 'logs/current.log', destination: 'logs/archive/previous.log' },
      continue_on_error: true,
    },
    {
      id: 'inventory',
      name: 'List what the mission left behind',
      step_type: 'list_directory',
      depends_on: ['save', 'archive'],
      parameters: { recursive: true },
    },
  ],
  config: { fail_fast: false },
});

/** Runs it for real, in the current directory. */
export const main = (): Promise<MissionReport> => runMission(nightly);
