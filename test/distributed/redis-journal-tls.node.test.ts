// A Redis journal over TLS with a password: a rediss:// URL sets ioredis up for TLS, a run is
// recorded through a real TLS server (a self-signed certificate made for the test, trusted with
// `tls: { ca }`), an untrusted certificate is a clear error, and the password is written nowhere.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import { listRedisRuns, redisJournal } from '../../src/distributed/index.js';
import { resolveConnection } from '../../src/distributed/redis-connection.js';
import { redisRequired, requireRedis } from '../support/redis-server.js';

const PASSWORD = 'tls-s3cret-99';

describe('a Redis connection', () => {
  it('rediss:// turns TLS on, checked against the host; the password is kept out of its name', () => {
    const r = resolveConnection('rediss://ops:' + PASSWORD + '@redis.internal:6380/2');
    expect(r.options).toEqual({
      host: 'redis.internal',
      port: 6380,
      username: 'ops',
      password: PASSWORD,
      db: 2,
      tls: { servername: 'redis.internal' },
    });
    expect(r.display).toBe('rediss://ops:***@redis.internal:6380/2');
    expect(resolveConnection('redis://127.0.0.1').options).toEqual({ host: '127.0.0.1', port: 6379 });
    const withCa = resolveConnection({ url: 'redis://h:1', tls: { ca: 'PEM' }, password: 'x' });
    expect(withCa.options.tls).toEqual({ servername: 'h', ca: 'PEM' });
    expect(withCa.display).toBe('rediss://:***@h:1');
    expect(() => resolveConnection('http://h:6379')).toThrow(
      'a Redis URL starts with redis:// or rediss:// (TLS), not http:// — e.g. redis://127.0.0.1:6379',
    );
  });
});

/** Whether openssl is here to make a certificate. */
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

// Without openssl the TLS suite cannot make its certificate: it says so, and fails where Redis is required (CI).
if (!haveOpenssl)
  test('openssl is available to make the TLS suite its certificate', () => {
    const notice =
      'openssl is not on PATH, so the Redis TLS tests did not run: sudo apt-get install -y openssl';
    console.warn(notice);
    if (redisRequired()) throw new Error(notice);
  });

if (requireRedis('redis journal over TLS') && haveOpenssl) {
  let dir: string;
  let server: ChildProcess;
  let port: number;
  let ca: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-redis-tls-'));
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr.toString()}`);
    ca = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--tls-cert-file',
        path.join(dir, 'cert.pem'),
        '--tls-key-file',
        path.join(dir, 'key.pem'),
        '--tls-ca-cert-file',
        path.join(dir, 'cert.pem'),
        '--tls-auth-clients',
        'no',
        '--requirepass',
        PASSWORD,
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--logfile',
        path.join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    // Listening first (a plain TCP connect), so no TLS client is left retrying a closed port.
    for (let i = 0; ; i++) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) break;
      if (i > 200) throw new Error(`the TLS redis-server did not listen; see ${path.join(dir, 'redis.log')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  afterAll(async () => {
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records and lists a run through a TLS server with a password, writing the password nowhere', async () => {
    const connection = { url: `rediss://:${PASSWORD}@127.0.0.1:${port}`, tls: { ca } };
    fs.writeFileSync(
      path.join(dir, 'mission.yaml'),
      'version: "1.0"\nname: tls\nsteps:\n  - { id: a, name: a, step_type: command, parameters: { command: echo, args: [a] } }\n',
    );
    const report = await runMission('mission.yaml', {
      cwd: dir,
      journal: redisJournal(connection),
      runId: 't1',
    });
    expect(report.status).toBe('succeeded');
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect((await listRedisRuns(connection)).map((r) => [r.id, r.status])).toEqual([['t1', 'finished']]);
    // What the server keeps on disk: the append-only file holds every write.
    const aof = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.includes('appendonly'));
    const written = aof
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('');
    expect(written).toContain('missionkit:{t1}:events');
    expect(written).not.toContain(PASSWORD);
  });

  it('refuses a certificate it was not told to trust, and says what to do', async () => {
    // A short connect timeout: ioredis keeps a failed TLS connection's timer until it fires.
    await expect(
      listRedisRuns(`rediss://:${PASSWORD}@127.0.0.1:${port}`, { connectTimeoutMs: 300 }),
    ).rejects.toThrow(
      new RegExp(
        `^cannot use Redis at rediss://:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*certificate.* — the TLS handshake failed: check that the server speaks TLS on this port \\(rediss://\\) and that its certificate is trusted \\(tls: \\{ ca \\}\\)$`,
      ),
    );
  });
}
