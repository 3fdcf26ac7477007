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

/** The URL with its password replaced by ***, for messages. */
export const maskedUrl = (url: string): string => url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');

/**
 * Resolves once `redis` answers PING; rejects with a message that says where and what to do when
 * it does not within `ms` (a wrong password, no server, TLS against a plain port).
 */
export const checkReachable = async (redis: Redis, url: string, ms = 10_000): Promise<void> => {
  let last = '';
  const onError = (e: Error): void => {
    last = e.message;
  };
  redis.on('error', onError);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(last || `no answer within ${ms} ms`)), ms);
      }),
    ]);
  } catch (e) {
    throw new TypeError(
      `cannot use Redis at ${maskedUrl(url)}: ${(e as Error).message || last} — check the URL and password, and that redis-server runs there (rediss:// for TLS)`,
    );
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
};
