// The private Redis every distributed suite starts: it answers, keeps what it was told across a
// restart when append-only persistence is on, enforces a password when given one, and is gone after.
import Redis from 'ioredis';
import { requireRedis, startRedis } from '../support/redis-server.js';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

if (requireRedis('redis harness')) {
  test('a private server answers, survives a restart with AOF, and is removed at the end', async () => {
    const first = await startRedis({ appendonly: true });
    const client = new Redis(first.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    await client.set('k', 'v');
    client.disconnect();
    await first.kill();
    const again = await startRedis({ appendonly: true, dir: first.dir, port: first.port });
    const second = new Redis(again.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await second.connect();
    expect(await second.get('k')).toBe('v');
    second.disconnect();
    await again.dispose();
    expect(existsSync(again.dir)).toBe(false);
  });

  test('a password is required when one is set', async () => {
    const server = await startRedis({ password: 'p@ss word' });
    try {
      // Without the password the server answers nothing but NOAUTH.
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.write('GET k\r\n'));
        socket.once('error', reject);
        socket.once('data', (chunk) => {
          socket.destroy();
          resolve(chunk.toString('utf8'));
        });
      });
      expect(reply).toMatch(/^-NOAUTH/);
      const authed = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await authed.connect();
      expect(await authed.ping()).toBe('PONG');
      authed.disconnect();
    } finally {
      await server.dispose();
    }
  });
}
