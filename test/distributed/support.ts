// Real worker processes for the distributed suites: `missionkit worker` from the compiled CLI,
// started against a suite's private redis-server and stopped (or SIGKILLed) by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { builtCli } from '../cli/built-cli.js';

/** One running `missionkit worker` process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  /** The pid of its reaper process. */
  readonly reaperPid: number;
  /** Everything it printed on stderr so far. */
  readonly log: () => string;
  /** SIGTERM, and resolves once it exited. */
  readonly stop: () => Promise<void>;
  /** SIGKILL, as a crash, and resolves once it exited. */
  readonly kill: () => Promise<void>;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts a worker and resolves once it listens on its queues. */
export const startWorkerProcess = async (
  redis: string,
  name: string,
  extra: ReadonlyArray<string> = [],
): Promise<WorkerProcess> => {
  const child = spawn(process.execPath, [builtCli(), 'worker', '--redis', redis, '--name', name, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not get ready:\n${text}`)), 20_000);
    child.stderr!.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes(`worker ${name} ready`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited (${signal ?? code}) before it was ready:\n${text}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    reaperPid: Number(/reaper pid (\d+)/.exec(text)?.[1]),
    name,
    log: () => text,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
};

/** Waits until `what` holds, polling. */
export const waitFor = async (what: () => boolean, ms: number, label = 'a condition'): Promise<void> => {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
