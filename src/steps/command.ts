// `command`: runs a program (no shell unless asked) and judges its exit by `expect_exit_codes` —
// on the platform's variant of the command (`platform_commands`), as many times as asked
// (`repeat_count`, or until it succeeds), each time over the whole file set or chunk by chunk.
import { onPathFor, type PlanFacts } from '../plan/facts.js';
import { unescapeFindOperators } from '../plan/find-escapes.js';
import { STATUS_RULE } from '../plan/status-from-output.js';
import { isPlatformAware, resolvePlatformCommand } from '../plan/platform.js';
import type { ProcessExit } from '../ports/executor.js';
import type { ListedFiles, ListFilesOptions } from '../ports/host-facts.js';
import type {
  CapturedText,
  ExecRequest,
  ExecResult,
  StepContext,
  StepOutcome,
  StepType,
  StepTypeRegistry,
} from '../ports/step-type.js';
import { unreachable } from '../unreachable.js';
import { runChunked, type ChunkSummary } from './command-chunks.js';
import { judgeRun, type Expectations, type Verdict } from './command-expect.js';
import { mergeCaptured } from './command-output.js';
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

/** What the runtime tells the `command` step about the host and the plan. */
export interface CommandEnvironment {
  /** Node's platform name (`linux`, `darwin`, `win32`…). */
  readonly platform: string;
  /** The facts the plan was made from: which programs each step's variants found on PATH. */
  readonly facts: PlanFacts;
  /** The most chunks a chunked step runs at once (the mission's parallel limit). */
  readonly maxParallel: number;
  /** The host's fast file listing for chunked steps; without it, the file system port is walked. */
  readonly listFiles?: (paths: ReadonlyArray<string>, options: ListFilesOptions) => Promise<ListedFiles>;
}

/** One repetition, as kept in the step's `output.repetitions`. */
export interface RepetitionResult {
  /** 1-based. */
  readonly repetition: number;
  readonly exit_code: number | null;
  readonly signal: string | null;
  /** The HTTP status read from its output (only with `expect_status_codes`). */
  readonly status_code: number | null;
  readonly duration_ms: number;
  /** Whether it met the expectations. */
  readonly ok: boolean;
  readonly problem?: string;
  readonly chunks?: ChunkSummary;
}

/** How long polling (`repeat_until_success`) waits between tries when `delay_between_repeats_ms` is not set. */
export const DEFAULT_POLL_DELAY_MS = 1000;

interface Run {
  readonly exit: ProcessExit;
  readonly stdout: CapturedText;
  readonly stderr: CapturedText;
  readonly chunks?: ChunkSummary;
}

const failed = (message: string, hint: string): StepOutcome => ({
  status: 'failed',
  failure_kind: 'invalid_input',
  message,
  hint,
  retryable: false,
});

/** Waits on the step's clock; resolves early (false) when the step is stopped. */
const pause = (ctx: StepContext, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve(false);
    const onAbort = (): void => {
      timer.cancel();
      resolve(false);
    };
    const timer = ctx.clock.setTimer(ms, () => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });

/** The program and arguments this step runs here, or why none can. */
const target = (
  ctx: StepContext,
  p: CommandParameters,
  env: CommandEnvironment | undefined,
):
  | {
      readonly _tag: 'run';
      readonly command: string;
      readonly args: ReadonlyArray<string>;
      readonly note?: string;
    }
  | { readonly _tag: 'fail'; readonly outcome: StepOutcome } => {
  let command = p.command;
  let args: ReadonlyArray<string> = p.args ?? [];
  if (isPlatformAware(p)) {
    if (env === undefined)
      return {
        _tag: 'fail',
        outcome: failed(
          '`platform_commands` cannot be resolved: the platform is not known to this step',
          'run the step through runMission (or give the step type a CommandEnvironment with makeCommandStep)',
        ),
      };
    const r = resolvePlatformCommand(p, env.platform, onPathFor(env.facts, ctx.stepId));
    if (r?._tag === 'unresolved')
      return {
        _tag: 'fail',
        outcome: {
          status: 'failed',
          failure_kind: 'command_not_found',
          message: r.message,
          hint: r.hint,
          retryable: false,
        },
      };
    if (r !== undefined) {
      command = r.command;
      args = r.args;
    }
  }
  if (command === undefined)
    return { _tag: 'fail', outcome: failed('no `command` to run', 'set `parameters.command`') };
  const unescaped = unescapeFindOperators(command, args, p.shell ?? false);
  return {
    _tag: 'run',
    command,
    args: unescaped.args,
    ...(unescaped.note !== undefined ? { note: unescaped.note } : {}),
  };
};

const summarise = (
  reps: ReadonlyArray<RepetitionResult>,
  verdicts: ReadonlyArray<Verdict>,
  untilSuccess: boolean,
): Pick<StepOutcome, 'status' | 'message' | 'failure_kind' | 'hint'> => {
  const bad = reps.filter((r) => !r.ok);
  const last = reps[reps.length - 1];
  const success = untilSuccess ? last?.ok === true : reps.length > 0 && bad.length === 0;
  if (success) return { status: 'succeeded' };
  const firstBad = verdicts.find((v) => !v.ok);
  const kind = firstBad?.failure_kind ?? 'error';
  const message = untilSuccess
    ? `no repetition met the expectations in ${reps.length} ${reps.length === 1 ? 'try' : 'tries'}${last?.problem !== undefined ? ` (last: ${last.problem})` : ''}`
    : reps.length === 1
      ? (bad[0]?.problem ?? 'did not run')
      : `${bad.length} of ${reps.length} repetitions did not meet the expectations: ${bad
          .slice(0, 3)
          .map((r) => `#${r.repetition} ${r.problem ?? ''}`)
          .join('; ')}${bad.length > 3 ? '; …' : ''}`;
  return {
    status: 'failed',
    message,
    failure_kind: kind,
    ...(kind === 'http_status'
      ? { hint: `expect_status_codes reads ${STATUS_RULE}; put -w '%{http_code}' last in curl's arguments` }
      : {}),
  };
};

/** The `command` step type, with what the runtime knows about the host (`undefined`: nothing). */
export const makeCommandStep = (env?: CommandEnvironment): StepType<CommandParameters> => ({
  name: 'command',
  description: 'Runs a program with an argument array (no shell unless `shell` is set).',
  parameters: commandParameters,
  run: async (ctx, p) => {
    const t = target(ctx, p, env);
    if (t._tag === 'fail') return t.outcome;
    if (t.note !== undefined) ctx.log.info(t.note);
    const base: Omit<ExecRequest, 'command' | 'args'> = {
      ...(p.working_dir !== undefined ? { cwd: p.working_dir } : {}),
      ...(p.env !== undefined ? { env: p.env } : {}),
      ...(p.inherit_env !== undefined ? { inherit_env: p.inherit_env } : {}),
      ...(p.shell !== undefined ? { shell: p.shell } : {}),
      ...(p.detach !== undefined ? { detach: p.detach } : {}),
      ...(p.max_output_bytes !== undefined ? { max_output_bytes: p.max_output_bytes } : {}),
    };
    const expectExit = p.expect_exit_codes ?? [0];
    const once = async (): Promise<Run | StepOutcome> => {
      if (p.chunk_processing !== true) return ctx.exec({ ...base, command: t.command, args: t.args });
      const r = await runChunked(
        ctx,
        t,
        p,
        {
          platform: env?.platform,
          maxParallel: env?.maxParallel ?? 1,
          listFiles: env?.listFiles,
        },
        base,
      );
      return r._tag === 'invalid' ? failed(r.message, r.hint) : { ...r, chunks: r.summary };
    };
    const untilSuccess = p.repeat_until_success === true;
    const repeated = p.repeat_count !== undefined || untilSuccess || p.expect_status_codes !== undefined;
    if (!repeated) {
      const r = await once();
      if (!('exit' in r)) return r;
      const outcome = outcomeOfExec(r, expectExit);
      return r.chunks !== undefined ? { ...outcome, output: { chunks: r.chunks } } : outcome;
    }
    const expectations: Expectations = { exit_codes: expectExit, status_codes: p.expect_status_codes };
    // Polling without a count goes on until it succeeds or the step's timeout stops it.
    const limit = p.repeat_count ?? (untilSuccess ? Infinity : 1);
    const delay = p.delay_between_repeats_ms ?? (untilSuccess ? DEFAULT_POLL_DELAY_MS : 0);
    const reps: RepetitionResult[] = [];
    const verdicts: Verdict[] = [];
    const runs: Run[] = [];
    for (let i = 1; i <= limit; i++) {
      const started = ctx.clock.now();
      const r = await once();
      if (!('exit' in r)) return r;
      const v = judgeRun(r.exit, r.stdout, expectations);
      runs.push(r);
      verdicts.push(v);
      reps.push({
        repetition: i,
        exit_code: r.exit._tag === 'exited' ? r.exit.code : null,
        signal: r.exit._tag === 'signaled' ? r.exit.signal : null,
        status_code: v.status_code,
        duration_ms: ctx.clock.now() - started,
        ok: v.ok,
        ...(v.problem !== undefined ? { problem: v.problem } : {}),
        ...(r.chunks !== undefined ? { chunks: r.chunks } : {}),
      });
      if (ctx.signal.aborted || (untilSuccess && v.ok)) break;
      // A program that cannot start will not start next time either.
      if (r.exit._tag === 'spawn_failed') break;
      if (i < limit && delay > 0 && !(await pause(ctx, delay))) break;
    }
    const max = p.max_output_bytes ?? ctx.maxOutputBytes;
    const lastRep = reps[reps.length - 1]!;
    const summary = summarise(reps, verdicts, untilSuccess);
    return {
      ...summary,
      exit_code: lastRep.exit_code,
      signal: lastRep.signal,
      stdout: mergeCaptured(
        runs.map((r) => r.stdout),
        max,
      ),
      stderr: mergeCaptured(
        runs.map((r) => r.stderr),
        max,
      ),
      ...(lastRep.status_code !== null && lastRep.status_code > 0
        ? { http_status: lastRep.status_code }
        : {}),
      output: { repetitions: reps },
    };
  },
});

/** The built-in `command` step type, as used without a runtime (no platform facts). */
export const commandStep: StepType<CommandParameters> = makeCommandStep();

/** The registry with the built-in `command` step given the runtime's environment (a host's own `command` is left alone). */
export const withCommandEnvironment = (
  registry: StepTypeRegistry,
  env: CommandEnvironment,
): StepTypeRegistry =>
  registry.get('command') === commandStep
    ? new Map([...registry, ['command', makeCommandStep(env)]])
    : registry;
