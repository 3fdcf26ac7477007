// Where a Redis is and how to reach it: a `redis://` or `rediss://` URL (TLS) or plain options,
// turned into ioredis options that can cross into a worker thread, and shown without its password.
import Redis, { type RedisOptions as IoRedisOptions } from 'ioredis';

/** ioredis options as this module builds them (the reply mapping stays ioredis's default). */
type RedisOptions = Omit<IoRedisOptions, 'replyMapping'>;

/** TLS settings for `rediss://` or `tls: {…}`: PEM text, as Node's `tls.connect` takes it. */
export interface RedisTlsOptions {
  /** Certificate authorities to trust (a self-signed server's certificate, or its CA). @default Node's bundled CAs */
  readonly ca?: string | ReadonlyArray<string> | undefined;
  /** A client certificate, for servers that require one (`tls-auth-clients yes`). */
  readonly cert?: string | undefined;
  /** The client certificate's private key. */
  readonly key?: string | undefined;
  /** The name the server's certificate must carry. @default the host of the URL */
  readonly servername?: string | undefined;
  /** Refuse a server whose certificate is not trusted. Turn off only for a local test server. @default true */
  readonly rejectUnauthorized?: boolean | undefined;
}

/** A Redis to connect to, as options. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS. Fields below override it. */
  readonly url?: string | undefined;
  /** @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** @default 6379 */
  readonly port?: number | undefined;
  /** An ACL user (Redis 6+). @default 'default' */
  readonly username?: string | undefined;
  /** The password (`requirepass`, or the ACL user's). Never shown in errors, logs or reports. */
  readonly password?: string | undefined;
  /** The logical database. @default 0 */
  readonly db?: number | undefined;
  /** TLS: `true` for the defaults, or settings. Implied by a `rediss://` URL. @default false */
  readonly tls?: boolean | RedisTlsOptions | undefined;
}

/**
 * A Redis to connect to: a URL or options.
 * @example 'redis://:s3cret@redis.internal:6379/0'
 * @example { url: 'rediss://redis.internal:6380', password: process.env.REDIS_PASSWORD, tls: { ca: caPem } }
 */
export type RedisConnection = string | RedisConnectionOptions;

/** ioredis options (plain data, so a worker thread can receive them) and how to name the server. */
export interface ResolvedConnection {
  readonly options: RedisOptions;
  /** The URL without its password, for messages. */
  readonly display: string;
  /** The password, so any text shown can be scrubbed of it. */
  readonly password: string | undefined;
}

const parseUrl = (url: string): RedisConnectionOptions => {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(
      `${JSON.stringify(redactText(url))} is not a Redis URL: expected redis://[user:password@]host[:port][/db] or rediss://… for TLS`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new TypeError(
      `a Redis URL starts with redis:// or rediss:// (TLS), not ${u.protocol}// — e.g. redis://127.0.0.1:6379`,
    );
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new TypeError(
      `the database of a Redis URL is a number (redis://host:6379/0), not ${JSON.stringify(db)}`,
    );
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: u.port !== '' ? Number(u.port) : 6379,
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: true } : {}),
  };
};

/** Replaces the password of any URL in a text by ***. */
const redactText = (text: string): string => text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1***@');

/** Resolves a connection into ioredis options and a printable name. */
export const resolveConnection = (connection: RedisConnection): ResolvedConnection => {
  const given = typeof connection === 'string' ? { url: connection } : connection;
  const fromUrl = given.url !== undefined ? parseUrl(given.url) : {};
  const { url: _url, ...fields } = given;
  const merged: RedisConnectionOptions = { ...fromUrl, ...stripUndefined(fields) };
  const host = merged.host ?? '127.0.0.1';
  const port = merged.port ?? 6379;
  const tls = merged.tls;
  const tlsOptions =
    tls === undefined || tls === false
      ? undefined
      : {
          // SNI carries a name, never an address (RFC 6066); an address is still checked against the certificate.
          ...(isAddress(host) ? {} : { servername: host }),
          ...(tls === true ? {} : stripUndefined({ ...tls })),
        };
  const options: RedisOptions = {
    host,
    port,
    ...(merged.username !== undefined ? { username: merged.username } : {}),
    ...(merged.password !== undefined ? { password: merged.password } : {}),
    ...(merged.db !== undefined ? { db: merged.db } : {}),
    ...(tlsOptions !== undefined ? { tls: tlsOptions as RedisOptions['tls'] } : {}),
  };
  const auth =
    merged.password !== undefined
      ? `${merged.username !== undefined ? encodeURIComponent(merged.username) : ''}:***@`
      : merged.username !== undefined
        ? `${encodeURIComponent(merged.username)}@`
        : '';
  const hostText = host.includes(':') ? `[${host}]` : host;
  return {
    options,
    display: `${tlsOptions !== undefined ? 'rediss' : 'redis'}://${auth}${hostText}:${port}${merged.db !== undefined && merged.db !== 0 ? `/${merged.db}` : ''}`,
    password: merged.password,
  };
};

const isAddress = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A text with the connection's password (and any URL password) replaced by ***. */
export const scrub = (resolved: ResolvedConnection, text: string): string => {
  const redacted = redactText(text);
  const p = resolved.password;
  return p !== undefined && p.length > 0 ? redacted.split(p).join('***') : redacted;
};

/** What to do when Redis cannot be reached or refuses us, by the error's text. */
const hintFor = (message: string): string =>
  /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)
    ? 'the server refused the credentials: give the right password in the URL (redis://:PASSWORD@host:port) or the password option'
    : /certificate|SSL|TLS|EPROTO|self.signed/i.test(message)
      ? 'the TLS handshake failed: check that the server speaks TLS on this port (rediss://) and that its certificate is trusted (tls: { ca })'
      : 'start redis-server there (e.g. `redis-server --appendonly yes`) or correct the URL; a server that needs TLS takes rediss://, one with a password redis://:PASSWORD@host:port';

/** Redis cannot be reached, or refused the connection; the message says where, what and what to do. */
export class RedisConnectionError extends Error {
  override readonly name = 'RedisConnectionError';
}

/** The error a user sees when Redis is unreachable or refuses the connection. */
export const connectionError = (resolved: ResolvedConnection, cause: unknown): RedisConnectionError => {
  const message = scrub(resolved, cause instanceof Error ? cause.message : String(cause));
  return new RedisConnectionError(
    `cannot use Redis at ${resolved.display}: ${message} — ${hintFor(message)}`,
  );
};

/** Options of a short-lived client: one connection attempt, bounded, no offline queue. */
const shortLived = (resolved: ResolvedConnection, connectTimeoutMs: number): RedisOptions => ({
  ...resolved.options,
  lazyConnect: true,
  connectTimeout: connectTimeoutMs,
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  retryStrategy: () => null,
});

/**
 * Runs `body` with a connected client and disconnects afterwards. A server that cannot be reached
 * or refuses the credentials rejects with `connectionError`.
 */
export const withClient = async <T>(
  resolved: ResolvedConnection,
  connectTimeoutMs: number,
  body: (client: Redis) => Promise<T>,
): Promise<T> => {
  const client = new Redis(shortLived(resolved, connectTimeoutMs));
  let lastError: unknown;
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw connectionError(resolved, lastError ?? e);
  }
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
};
