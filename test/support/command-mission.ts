// Mission text with a single `command` step, for suites that vary only its parameters.

/**
 * A mission whose one command step, `id`, has the given parameter lines (YAML, indentation free);
 * `step` adds lines to the step (indented as step fields) and `config` a config block's lines.
 */
export const commandMission = (id: string, params: string, step = '', config = ''): string => `version: "1.0"
name: "${id} test"
steps:
  - id: "${id}"
    name: "${id}"
    step_type: "command"
    parameters:
${params
  .trim()
  .split('\n')
  .map((l) => `      ${l.trim()}`)
  .join('\n')}
${step}
${config ? `config:\n${config}` : ''}`;
