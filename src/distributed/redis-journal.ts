// The Redis journal: the same Journal port as the file journal, with each run kept in Redis —
// its inputs in a hash, its entries in a stream, and a lease key instead of a lock file, so a run
// can be resumed from any machine that reaches the server (docs/distributed.md).
import type Redis from 'ioredis';
import {
  JournalRefusal,
  type Journal,
  type JournalEntry,
  type RecordedRun,
  type RunInputs,
  type RunLog,
} from '../ports/journal.js';
import { inputsText, readRun } from '../runtime/journal-lines.js';
import { holderName, openRedisRunLog, thisHost } from '../node/redis-run-log.js';
import {
  resolveConnection,
  withClient,
  type RedisConnection,
  type ResolvedConnection,
} from './redis-connection.js';
import {
  ACQUIRE,
  APPEND,
  CREATE,
  FINISH,
  REFRESH,
  RELEASE,
  activeKey,
  indexKey,
  runKeys,
} from './redis-journal-scripts.js';

/** Options of `redisJournal`. */
export interface RedisJournalOptions {
  /**
   * Prefix of every key the journal writes, so several missionkit installations can share a server.
   * @default 'missionkit:'
   */
  readonly prefix?: string | undefined;
  /**
   * How long a coordinator's hold on a run outlives its last renewal (renewed every third of it).
   * A run whose coordinator died can be resumed, or is taken over by a standby, this long after.
   * @default 10000
   */
  readonly leaseMs?: number | undefined;
  /**
   * How long a durable append waits for Redis (a restart, a failover) before the run stops with an
   * error saying so. The run's thread is blocked meanwhile, as it is during an fsync.
   * @default 30000
   */
  readonly writeTimeoutMs?: number | undefined;
  /** How long connecting may take before `runMission`/`resumeMission` reject. @default 5000 */
  readonly connectTimeoutMs?: number | undefined;
}

/** A Journal in Redis, plus what it was made from (for listings and standbys). */
export interface RedisJournal extends Journal {
  /** The server, as shown in messages (no password). */
  readonly display: string;
}

/** Resolved options, shared by the journal, its listings and the standby. */
export interface RedisJournalSettings {
  readonly connection: ResolvedConnection;
  readonly prefix: string;
  readonly leaseMs: number;
  readonly writeTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Fills in defaults and checks the options. */
export const journalSettings = (
  connection: RedisConnection,
  options: RedisJournalOptions = {},
): RedisJournalSettings => {
  const positive = (name: string, v: number | undefined, d: number): number => {
    if (v === undefined) return d;
    if (!Number.isFinite(v) || v <= 0)
      throw new TypeError(
        `redisJournal: ${name} must be a positive number of milliseconds, got ${String(v)}`,
      );
    return v;
  };
  return {
    connection: resolveConnection(connection),
    prefix: options.prefix ?? 'missionkit:',
    leaseMs: Math.round(positive('leaseMs', options.leaseMs, 10_000)),
    writeTimeoutMs: positive('writeTimeoutMs', options.writeTimeoutMs, 30_000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5_000),
  };
};

const checkRunId = (runId: string): void => {
  // The same ids as the file journal, so a run id means the same thing in either.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId))
    throw new TypeError(
      `run id ${JSON.stringify(runId)} is not a run id: letters, digits, dot, dash or underscore, not starting with a dot`,
    );
};

/** How a holder string reads: `host h, pid p`. */
export const holderText = (holder: string): string => {
  const [, host, pid] = holder.split('|');
  return `process ${pid ?? '?'} on ${host ?? '?'}`;
};

/** Reads a run's stream, in chunks, checking that no entry is missing. */
const readEntries = async (
  client: Redis,
  key: string,
  where: string,
): Promise<{ readonly lines: string[]; readonly epochs: string[] }> => {
  const lines: string[] = [];
  const epochs: string[] = [];
  let start = '-';
  for (;;) {
    const chunk = await client.xrange(key, start, '+', 'COUNT', 1000);
    for (const [id, fields] of chunk) {
      const seq = Number(id.split('-')[0]);
      if (seq !== lines.length + 1)
        throw new JournalRefusal(
          'corrupt',
          `${where}: entries ${lines.length + 1}–${seq - 1} are missing from the stream`,
          'the run cannot be resumed faithfully; start the mission again',
        );
      const value = (name: string): string => {
        const i = fields.indexOf(name);
        return i >= 0 && i % 2 === 0 ? (fields[i + 1] ?? '') : '';
      };
      lines.push(value('e'));
      epochs.push(value('g'));
    }
    if (chunk.length < 1000) return { lines, epochs };
    start = `(${chunk[chunk.length - 1]![0]}`;
  }
};

/** Opens a run log on a lease this process now holds. */
const logOn = (
  s: RedisJournalSettings,
  runId: string,
  token: string,
  epoch: number,
  nextSeq: number,
): RunLog => {
  const keys = runKeys(s.prefix, runId);
  return openRedisRunLog({
    runId,
    redis: s.connection.options as Record<string, unknown>,
    display: s.connection.display,
    password: s.connection.password,
    keys: { ...keys, active: activeKey(s.prefix) },
    token,
    epoch,
    nextSeq,
    leaseMs: s.leaseMs,
    writeTimeoutMs: s.writeTimeoutMs,
    scripts: { append: APPEND, finish: FINISH, refresh: REFRESH, release: RELEASE },
  });
};

/** Lets go of a lease taken by `open` when the run cannot be resumed after all. */
const release = (client: Redis, lease: string, token: string): Promise<unknown> =>
  client.eval(RELEASE, 1, lease, token);

/**
 * The Redis journal: runs recorded in a Redis server, resumable from any machine that reaches it.
 * @example
 * const journal = redisJournal('redis://:s3cret@redis.internal:6379');
 * await runMission('import.yaml', { journal, runId: 'import-42' });
 * // …on any machine, after the coordinator's host died:
 * await resumeMission('import-42', { journal: redisJournal('redis://:s3cret@redis.internal:6379') });
 */
export const redisJournal = (
  connection: RedisConnection,
  options: RedisJournalOptions = {},
): RedisJournal => {
  const s = journalSettings(connection, options);
  const where = (runId: string): string => `run ${runId} (${s.connection.display})`;
  return {
    display: s.connection.display,

    async create(inputs: RunInputs): Promise<RunLog> {
      checkRunId(inputs.run_id);
      const keys = runKeys(s.prefix, inputs.run_id);
      const holder = holderName();
      const token = await withClient(s.connection, s.connectTimeoutMs, (client) =>
        client.eval(
          CREATE,
          4,
          keys.run,
          keys.lease,
          indexKey(s.prefix),
          activeKey(s.prefix),
          inputsText(inputs),
          String(inputs.created_at),
          inputs.run_id,
          holder,
          String(s.leaseMs),
          inputs.mission.file ?? '',
        ),
      );
      if (token === 0)
        throw new TypeError(
          `run ${inputs.run_id} is already recorded in ${s.connection.display}: choose another runId`,
        );
      return logOn(s, inputs.run_id, String(token), 1, 1);
    },

    async open(runId: string): Promise<{ readonly run: RecordedRun; readonly log: RunLog }> {
      checkRunId(runId);
      const keys = runKeys(s.prefix, runId);
      return withClient(s.connection, s.connectTimeoutMs, async (client) => {
        const reply = (await client.eval(
          ACQUIRE,
          2,
          keys.run,
          keys.lease,
          holderName(),
          String(s.leaseMs),
        )) as string[];
        if (reply[0] === 'missing')
          throw new JournalRefusal(
            'not_found',
            `no run ${runId} in ${s.connection.display}${s.prefix !== 'missionkit:' ? ` (prefix ${s.prefix})` : ''}`,
            'check the run id and the Redis URL; `missionkit runs --redis <url>` lists the runs there',
          );
        if (reply[0] === 'locked')
          throw new JournalRefusal(
            'locked',
            `run ${runId} is running in ${holderText(reply[1]!)} (its lease in ${s.connection.display} has ${reply[2]} ms left)`,
            `wait for it to end or stop that process; a stopped coordinator's lease lapses ${s.leaseMs} ms after its last renewal, then the run can be resumed`,
          );
        const token = reply[1]!;
        const epoch = Number(reply[2]);
        try {
          const [inputs, ...hosts] = await client.hmget(
            keys.run,
            'inputs',
            ...Array.from({ length: epoch }, (_, i) => `holder:${i + 1}`),
          );
          const { lines, epochs } = await readEntries(client, keys.events, where(runId));
          const run = readRun(where(runId), inputs ?? '', lines.map((l) => `${l}\n`).join(''));
          // Pids recorded on another host name other processes here: they are not this host's to kill.
          const here = thisHost();
          const hostOf = (g: string): string | undefined => hosts[Number(g) - 1]?.split('|')[0];
          const entries: JournalEntry[] = run.entries.filter(
            (e, i) => e._tag !== 'process' || hostOf(epochs[i] ?? '') === here,
          );
          return { run: { ...run, entries }, log: logOn(s, runId, token, epoch, lines.length + 1) };
        } catch (e) {
          await release(client, keys.lease, token);
          throw e;
        }
      });
    },
  };
};
