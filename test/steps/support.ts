// Shared by the step type tests: real local HTTP servers on 127.0.0.1 (port 0, no outside
// network), real temporary directories, and a step context built from real or in-memory ports,
// so a step type's `run` can be called directly.
import { expandTemplates } from '../../src/plan/templates.js';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { stepId } from '../../src/mission/model.js';
import { nodeFileSystem } from '../../src/node/node-filesystem.js';
import { nodeHttp } from '../../src/node/node-http.js';
import { systemClock } from '../../src/node/system-clock.js';
import type { FileSystem } from '../../src/ports/filesystem.js';
import type { HttpClient } from '../../src/ports/http.js';
import type { StepContext } from '../../src/ports/step-type.js';

/** A request the test server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` (or https), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly requests: ReadonlyArray<ReceivedRequest>;
  close(): Promise<void>;
}

export type Handler = (req: ReceivedRequest, res: http.ServerResponse) => void;

const FIXTURES = path.join(__dirname, 'fixtures');

/** Starts a server on 127.0.0.1 with an OS-chosen port; every request's body is read before `handler` runs. */
export const startServer = async (handler: Handler, tls = false): Promise<TestServer> => {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handler(received, res);
    });
  };
  const server = tls
    ? https.createServer(
        {
          key: fs.readFileSync(path.join(FIXTURES, 'self-signed.key')),
          cert: fs.readFileSync(path.join(FIXTURES, 'self-signed.crt')),
        },
        listener,
      )
    : http.createServer(listener);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};

/** Answers with JSON. */
export const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A port nothing listens on: bound by the OS, then released. */
export const closedPort = async (): Promise<number> => {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
};

/** A fresh temporary directory (its real path, so symlink checks compare like with like). */
export const tempDir = (prefix = 'missionkit-steps-'): string =>
  fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));

/** What a context built by `contextFor` recorded. */
export interface ContextRecord {
  readonly progress: Array<{ readonly message: string; readonly fraction: number | undefined }>;
  readonly warnings: string[];
  readonly infos: string[];
}

/** Options of `contextFor`. */
export interface ContextOptions {
  readonly fs?: FileSystem;
  readonly http?: HttpClient;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly variables?: Readonly<Record<string, string>>;
  readonly allowedPaths?: ReadonlyArray<string>;
  readonly signal?: AbortSignal;
}

/** A step context on the real clock, for calling a step type's `run` directly. */
export const contextFor = (options: ContextOptions = {}): { ctx: StepContext; record: ContextRecord } => {
  const record: ContextRecord = { progress: [], warnings: [], infos: [] };
  const notHere = (): never => {
    throw new Error('this test context starts no processes');
  };
  const ctx: StepContext = {
    stepId: stepId('under_test'),
    attempt: 1,
    signal: options.signal ?? new AbortController().signal,
    workingDirectory: options.cwd ?? '/mission',
    env: options.env ?? {},
    variables: options.variables ?? {},
    allowedPaths: options.allowedPaths ?? [],
    clock: systemClock,
    fs: options.fs ?? nodeFileSystem,
    http: options.http ?? nodeHttp,
    progress: (message, fraction) => record.progress.push({ message, fraction }),
    log: { info: (m) => record.infos.push(m), warn: (m) => record.warnings.push(m) },
    exec: notHere,
    executor: { spawn: notHere },
    maxOutputBytes: 1024 * 1024,
  };
  return { ctx, record };
};

/**
 * The parameters a step type's `run` receives from the runtime: RustChain `{name}` substitution
 * (for types that ask for it) is done by the runtime, in the same pass as `{{ }}` templates.
 */
export const asRuntimeGives = <P>(
  type: { readonly rustChainSubstitution?: boolean },
  params: P,
  variables: Readonly<Record<string, string>>,
): P => {
  if (type.rustChainSubstitution !== true) return params;
  const r = expandTemplates(
    params,
    () => ({ missing: 'no template values in step unit tests' }),
    (s) => s,
    variables,
  );
  if (r._tag !== 'ok') throw new Error(`template ${r.ref} has no value`);
  return r.value as P;
};
