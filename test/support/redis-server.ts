// A private redis-server for one test suite: 127.0.0.1, a free port, its own temporary directory,
// stopped (and its directory removed) at the end. No suite ever talks to a shared Redis.
//
// Where `redis-server` is not on PATH the suites that need it say so loudly, with the install
// command, and pass nothing: `requireRedis()` returns false and the caller registers one test that
// fails under CI (`MISSIONKIT_REQUIRE_REDIS=1`, set by .ci/run) and explains itself elsewhere.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command that installs the server on Debian and Ubuntu, for the message. */
export const REDIS_INSTALL_HINT = 'sudo apt-get install -y redis-server  (macOS: brew install redis)';

/** Whether `redis-server` can be started here. */
export const redisAvailable = (): boolean => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
};

/** Whether a missing Redis must fail the run (CI) rather than be reported and passed over. */
export const redisRequired = (): boolean => process.env.MISSIONKIT_REQUIRE_REDIS === '1';

/**
 * Call at the top of a suite that needs Redis. Returns true when the suite can run. When it
 * cannot, it prints a loud notice and registers one test that fails where Redis is required (CI)
 * and passes with the notice elsewhere, so a developer without Redis still runs everything else.
 */
export const requireRedis = (suite: string): boolean => {
  if (redisAvailable()) return true;
  const notice =
    `\n*** ${suite}: redis-server is not on PATH, so the distributed tests did not run.\n` +
    `*** Install it to run them: ${REDIS_INSTALL_HINT}\n`;
  console.warn(notice);
  test(`redis-server is available for ${suite}`, () => {
    if (redisRequired()) throw new Error(notice);
  });
  return false;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // A password-protected server answers -NOAUTH: it is up, which is all this asks.
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });

export interface RedisServerOptions {
  /** Append-only persistence, so a restart keeps what was written. @default false */
  readonly appendonly?: boolean;
  /** `requirepass`, to test password authentication. */
  readonly password?: string;
  /** Reuse this directory (a restart of an earlier server); a new temporary one otherwise. */
  readonly dir?: string;
  /** Reuse this port (a restart of an earlier server). */
  readonly port?: number;
}

/** One running private server. */
export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** `redis://127.0.0.1:<port>` (with the password when one was set). */
  readonly url: string;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL) and keeps its directory, for a restart. */
  readonly stop: () => Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would. */
  readonly kill: () => Promise<void>;
  /** Stops the server and removes its directory. */
  readonly dispose: () => Promise<void>;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts a private redis-server and resolves once it answers PING. */
export const startRedis = async (options: RedisServerOptions = {}): Promise<RedisServer> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'missionkit-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly === true ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    join(dir, 'redis.log'),
    // BullMQ requires this policy; Redis otherwise evicts queue keys under memory pressure.
    '--maxmemory-policy',
    'noeviction',
  ];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const failure = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited early (${signal ?? code}); see ${join(dir, 'redis.log')}`)),
    );
  });
  failure.catch(() => undefined);
  const ready = (async (): Promise<void> => {
    for (let i = 0; i < 200; i += 1) {
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
  })();
  try {
    await Promise.race([ready, failure]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited(child);
    clearTimeout(timer);
  };
  const kill = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited(child);
  };
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}`,
    process: child,
    stop,
    kill,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
