// The mission `missionkit init` writes: short, commented, and runnable as written on any machine
// that runs missionkit (it needs only Node), so a first run succeeds before anything is edited.
import { PUBLISHED_DOCS } from './docs-pages.js';

/**
 * The starter mission's text, named `name`; `schemaPath` (relative to the mission) enables editor
 * checks; `formatPage` (relative to the mission) is the installed page describing every field.
 */
export const starterMission = (name: string, schemaPath: string | undefined, formatPage?: string): string => {
  const quoted = JSON.stringify(name);
  const published = `${PUBLISHED_DOCS}/mission-format.md`;
  const fieldsPage = formatPage !== undefined ? `${formatPage}\n# (online: ${published})` : published;
  const schemaLine =
    schemaPath !== undefined
      ? `# yaml-language-server: $schema=${schemaPath}\n`
      : '# Editor checks: `npx missionkit schema > mission.schema.json`, then add as the first line:\n#   # yaml-language-server: $schema=./mission.schema.json\n';
  return `${schemaLine}#
# A starter mission written by \`missionkit init\`. Run it as it is:
#
#   npx missionkit run <this file>
#
# then change the steps to your own. \`npx missionkit validate <this file>\` checks it,
# \`npx missionkit plan <this file>\` shows what a run would do. Every field is described in
# ${fieldsPage}.
version: "1.0"
name: ${quoted}
description: "What this mission is for"

# Values for {name} substitution in the steps below; override with --var greeting=Hi
variables:
  greeting: "Hello from missionkit"

steps:
  # A command step runs one program with an argument list. There is no shell unless you add
  # shell: true, so | > && in args are passed to the program as they are.
  - id: "node_version"
    name: "Ask Node for its version"
    step_type: "command"
    parameters:
      command: "node"
      args: ["--version"]
    timeout_seconds: 30           # stop the step (and every process it started) after 30 s

  # A step's output is available to later steps as {<step id>_result}.
  - id: "write_note"
    name: "Write a note"
    step_type: "create_file"
    parameters:
      path: "mission-output/note.txt"   # relative to where the mission runs
      content: |
        {greeting}!
        Node {node_version_result} ran this mission.
    depends_on: ["node_version"]  # runs after node_version succeeded

  - id: "show_note"
    name: "Print the note"
    step_type: "command"
    parameters:
      command: "node"
      args: ["-e", "process.stdout.write(require('fs').readFileSync('mission-output/note.txt', 'utf8'))"]
    depends_on: ["write_note"]
    retry: { max_attempts: 2, delay_seconds: 1 }   # try once more if it fails

config:
  max_parallel_steps: 2      # steps without dependencies between them may run together
  timeout_seconds: 120       # the timeout of steps that set none
  fail_fast: true            # the first failure stops the mission; every step is still reported
`;
};
