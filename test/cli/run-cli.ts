// Starting the built CLI the way a user does — `node main.js <args>` in a directory, with an
// environment — and collecting what it printed and how it ended.
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { builtCli } from './built-cli';

/** How a CLI process ended and what it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a CLI run. */
export interface CliOptions {
  /** @default the system's temporary directory */
  readonly cwd?: string;
  /** Merged over the test's environment, from which the colour variables are removed first. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The environment a CLI run gets: the host's, without colour settings, plus `extra`. */
export const cliEnv = (extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.CI;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
};

/** A CLI process that is still running, with what it printed so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (or stderr) satisfies `test`; rejects after `timeoutMs`. */
  waitFor(test: (text: string) => boolean, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
  readonly done: Promise<CliResult>;
}

/** Starts the CLI; the caller decides when it ends. */
export const startCli = (args: ReadonlyArray<string>, options: CliOptions = {}): RunningCli => {
  const child = spawn(process.execPath, [builtCli(), ...args], {
    // Never the repository by default: a mission run by a test must not write into the checkout.
    cwd: options.cwd ?? os.tmpdir(),
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    text.stdout += d;
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    text.stderr += d;
    wake();
  });
  let closed = false;
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      closed = true;
      wake();
      resolve({ code, signal, stdout: text.stdout, stderr: text.stderr });
    }),
  );
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    done,
    waitFor: (test, stream = 'stdout', timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (test(text[stream])) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (closed) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`the CLI ended before its ${stream} matched:\n${text.stdout}\n${text.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for the CLI's ${stream}:\n${text.stdout}\n${text.stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
};

/** Runs the CLI to its end. */
export const runCli = (args: ReadonlyArray<string>, options: CliOptions = {}): Promise<CliResult> =>
  startCli(args, options).done;
