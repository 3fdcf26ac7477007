// `command`: runs a program (no shell unless asked) and judges its exit by `expect_exit_codes`.
import type { ExecResult, StepOutcome, StepType } from '../ports/step-type.js';
import { unreachable } from '../unreachable.js';
import { commandParameters, type CommandParameters } from './command-params.js';

/** Turns a finished process into a step outcome, given the exit codes that count as success. */
export const outcomeOfExec = (result: ExecResult, expectExitCodes: ReadonlyArray<number>): StepOutcome => {
  const { exit, stdout, stderr } = result;
  switch (exit._tag) {
    case 'exited':
      return expectExitCodes.includes(exit.code)
        ? { status: 'succeeded', exit_code: exit.code, signal: null, stdout, stderr }
        : {
            status: 'failed',
            failure_kind: 'exit_code',
            exit_code: exit.code,
            signal: null,
            stdout,
            stderr,
            message: `exited with code ${exit.code} (expected ${expectExitCodes.join(' or ')})`,
            ...(expectExitCodes.length === 1 && expectExitCodes[0] === 0 && exit.code === 1
              ? {
                  hint: 'if exit code 1 is a valid answer here (grep finding nothing, say), add `expect_exit_codes: [0, 1]`',
                }
              : {}),
          };
    case 'signaled':
      return {
        status: 'failed',
        failure_kind: 'signal',
        exit_code: null,
        signal: exit.signal,
        stdout,
        stderr,
        message: `killed by ${exit.signal}`,
      };
    case 'spawn_failed':
      return {
        status: 'failed',
        failure_kind: exit.code === 'ENOENT' ? 'command_not_found' : 'spawn_error',
        exit_code: null,
        signal: null,
        stdout,
        stderr,
        message: exit.message,
        ...(exit.hint ? { hint: exit.hint } : {}),
      };
    default:
      return unreachable(exit);
  }
};

/** The built-in `command` step type. */
export const commandStep: StepType<CommandParameters> = {
  name: 'command',
  description: 'Runs a program with an argument array (no shell unless `shell` is set).',
  parameters: commandParameters,
  run: async (ctx, p) => {
    if (p.command === undefined) {
      return {
        status: 'failed',
        failure_kind: 'invalid_input',
        message: 'no `command` to run',
        hint: 'set `parameters.command`',
      };
    }
    const result = await ctx.exec({
      command: p.command,
      args: p.args ?? [],
      ...(p.working_dir !== undefined ? { cwd: p.working_dir } : {}),
      ...(p.env !== undefined ? { env: p.env } : {}),
      ...(p.inherit_env !== undefined ? { inherit_env: p.inherit_env } : {}),
      ...(p.shell !== undefined ? { shell: p.shell } : {}),
      ...(p.detach !== undefined ? { detach: p.detach } : {}),
      ...(p.max_output_bytes !== undefined ? { max_output_bytes: p.max_output_bytes } : {}),
    });
    return outcomeOfExec(result, p.expect_exit_codes ?? [0]);
  },
};
