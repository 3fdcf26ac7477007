// Redis connections from a URL: `redis://[:password@]host:port[/db]` or `rediss://…` for TLS.
// BullMQ needs `maxRetriesPerRequest: null` on connections that block.
import { Redis } from 'ioredis';

/** A new connection to `url`. */
export const connect = (url: string, name: string): Redis => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `--redis / redis: "${url}" is not a URL — give redis://host:6379 (or rediss://host:6380 for TLS, redis://:password@host:6379 with a password)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new TypeError(
      `--redis / redis: "${parsed.protocol}" is not a Redis scheme — use redis:// or rediss:// (TLS)`,
    );
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
};
