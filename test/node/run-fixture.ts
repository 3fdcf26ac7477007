// Starting fixture scripts (test/fixtures/*.js) through an executor and watching their output.
import * as path from 'node:path';
import type { Executor, OutputStream, SpawnedProcess, SpawnRequest } from '../../src/ports/executor.js';

/** The absolute path of a fixture script. */
export const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', `${name}.js`);

/** The host's environment as the complete environment a request carries. */
export const hostEnv = (): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

/** A started fixture and everything it printed so far. */
export interface Started {
  readonly process: SpawnedProcess;
  /** The chunks in the order they arrived, per stream (kept as delivered: not copied, not decoded). */
  readonly chunks: Readonly<Record<OutputStream, ReadonlyArray<Uint8Array>>>;
  /** All of a stream's bytes so far. */
  bytes(stream?: OutputStream): Buffer;
  text(stream?: OutputStream): string;
  /** Resolves once the stream's text satisfies `test` (rejects after `timeoutMs`). */
  waitFor(test: (text: string) => boolean, stream?: OutputStream, timeoutMs?: number): Promise<void>;
  /** Every `pid <n>` / `daemon <n>` number printed on stdout, plus the root's pid. */
  pids(): ReadonlyArray<number>;
}

/** Starts `command` (by default: node running fixture `name`) through `executor`. */
export const start = (
  executor: Executor,
  name: string,
  args: ReadonlyArray<string> = [],
  overrides: Partial<Omit<SpawnRequest, 'onOutput'>> = {},
): Started => {
  const chunks: Record<OutputStream, Uint8Array[]> = { stdout: [], stderr: [] };
  const waiters = new Set<() => void>();
  const request: SpawnRequest = {
    command: process.execPath,
    args: [fixture(name), ...args],
    cwd: path.join(__dirname, '..', '..'),
    env: hostEnv(),
    shell: false,
    detach: false,
    killGraceMs: 1000,
    ...overrides,
    onOutput: (stream, chunk) => {
      chunks[stream].push(chunk);
      for (const w of waiters) w();
    },
  };
  const spawned = executor.spawn(request);
  const bytes = (stream: OutputStream = 'stdout'): Buffer => Buffer.concat(chunks[stream]);
  const text = (stream: OutputStream = 'stdout'): string => bytes(stream).toString('utf8');
  return {
    process: spawned,
    chunks,
    bytes,
    text,
    waitFor: (test, stream = 'stdout', timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!test(text(stream))) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for output; ${stream} so far: ${JSON.stringify(text(stream).slice(-500))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
        void spawned.exited.then(() => setTimeout(check, 0));
      }),
    pids: () => [
      ...(spawned.pid === undefined ? [] : [spawned.pid]),
      ...[...text('stdout').matchAll(/^(?:pid|daemon) (\d+)$/gm)].map((m) => Number(m[1])),
    ],
  };
};

/** Counts the `pid <n>` lines printed so far. */
export const pidLines = (text: string): number => (text.match(/^pid \d+$/gm) ?? []).length;
