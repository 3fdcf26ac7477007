// `--redis URL`: the Redis journal, loaded only when a command names one (the rest of the CLI
// never loads ioredis). MISSIONKIT_REDIS_PASSWORD gives the password without putting it on a
// command line other users of the host can read.
import type { RedisConnection } from '../distributed/redis-connection.js';
import type { CliContext } from './cli-context.js';

/** The environment variable that gives the Redis password. */
export const REDIS_PASSWORD_VARIABLE = 'MISSIONKIT_REDIS_PASSWORD';

/** The connection `--redis URL` names, with the password from the environment when it has none. */
export const redisConnection = (cli: CliContext, url: string): RedisConnection => {
  const password = cli.env[REDIS_PASSWORD_VARIABLE];
  return password !== undefined && password !== '' && !/^rediss?:\/\/[^/@]*:[^/@]*@/.test(url)
    ? { url, password }
    : url;
};

/** missionkit/distributed, loaded on demand. */
export const loadDistributed = (): Promise<typeof import('../distributed/index.js')> =>
  import('../distributed/index.js');

/** `--redis URL` as given, its password (if it has one) replaced by ***: for hints to copy. */
export const shownUrl = (url: string): string => url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');

/** `--redis URL` with the password from MISSIONKIT_REDIS_PASSWORD put in it, for the BullMQ side. */
export const redisUrl = (cli: CliContext, url: string): string => {
  const connection = redisConnection(cli, url);
  if (typeof connection === 'string' || connection.password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = connection.password;
  return parsed.toString();
};
