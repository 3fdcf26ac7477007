// Ready-made FakeExecutor scripts that behave like the fixture programs the executor contract
// runs for real (test/fixtures/), keyed by command name. The contract's fake rig uses them, and a
// test can too: `new FakeExecutor({ clock, commands: fakePrograms })`.
import type { FakeScript, FakeScriptSource } from './fake-script.js';

/** The names of the ready-made fake programs. */
export type FakeProgramName = 'exit' | 'print' | 'print-stderr' | 'no-newline' | 'forever' | 'ignore-sigterm';

const exitCode = (arg: string | undefined): number => {
  const code = Number(arg);
  if (arg === undefined || arg.trim() === '' || !Number.isInteger(code)) {
    throw new TypeError(
      `fakePrograms.exit: expected an integer exit code as the first argument, got ${JSON.stringify(arg)}`,
    );
  }
  return code;
};

const lines = (stream: 'stdout' | 'stderr', args: ReadonlyArray<string>): FakeScript => ({
  output: args.map((text) => ({ stream, text: `${text}\n` })),
});

const ready = [{ text: 'ready\n' }] as const;

/**
 * Scripts by command name: `exit <code>`, `print <line>...`, `print-stderr <line>...`,
 * `no-newline <text>`, `forever` (prints `ready`, ends by SIGTERM on a graceful kill) and
 * `ignore-sigterm` (prints `ready`, survives a graceful kill, ends only on force).
 * @example new FakeExecutor({ clock, commands: { ...fakePrograms, make: { exitAfterMs: 5_000 } } })
 */
export const fakePrograms: Readonly<Record<FakeProgramName, FakeScriptSource>> = {
  exit: (request) => ({ exitCode: exitCode(request.args[0]) }),
  print: (request) => lines('stdout', request.args),
  'print-stderr': (request) => lines('stderr', request.args),
  'no-newline': (request) => ({ output: request.args[0] ? [{ text: request.args[0] }] : [] }),
  forever: { hang: true, output: ready },
  'ignore-sigterm': { hang: true, ignoreGraceful: true, output: ready },
};
