// The runs a Redis journal holds, as `missionkit runs --redis` lists them and a standby and pruning
// choose among them: read from each run's hash and lease, without replaying any run.
import { recordedRun, type RunListing } from '../node/journal-runs.js';
import type { RedisConnection } from './redis-connection.js';
import { withClient } from './redis-connection.js';
import { holderText, journalSettings, type RedisJournalOptions } from './redis-journal.js';
import { activeKey, indexKey, PRUNE, runKeys } from './redis-journal-scripts.js';

/** One run of a Redis journal: a file journal's listing plus who holds a running one. */
export interface RedisRunListing extends RunListing {
  /** `process <pid> on <host>`, for a running run. */
  readonly holder: string | undefined;
}

const parse = (text: string | null): Record<string, unknown> | undefined => {
  if (text === null) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Every run recorded in the Redis journal, oldest first; `only: 'active'` lists those that have not
 * ended with a report (running, or left by a dead coordinator).
 * @example
 * const runs = await listRedisRuns('redis://127.0.0.1:6379');
 * const resumable = runs.filter((r) => r.resumable);
 */
export const listRedisRuns = async (
  connection: RedisConnection,
  options: RedisJournalOptions & { readonly only?: 'all' | 'active' } = {},
): Promise<ReadonlyArray<RedisRunListing>> => {
  const s = journalSettings(connection, options);
  return withClient(s.connection, s.connectTimeoutMs, async (client) => {
    const ids = await client.zrange(
      options.only === 'active' ? activeKey(s.prefix) : indexKey(s.prefix),
      0,
      -1,
    );
    if (ids.length === 0) return [];
    const batch = client.pipeline();
    for (const id of ids) {
      const keys = runKeys(s.prefix, id);
      batch.hmget(keys.run, 'inputs', 'outcome', 'created_at', 'updated_at', 'mission');
      batch.get(keys.lease);
    }
    const replies = (await batch.exec()) ?? [];
    return ids.map((id, i): RedisRunListing => {
      const [inputsText, outcomeText, created, updated, missionFile] = (replies[2 * i]?.[1] ?? []) as Array<
        string | null
      >;
      const lease = (replies[2 * i + 1]?.[1] ?? null) as string | null;
      const inputs = parse(inputsText ?? null);
      const outcome = parse(outcomeText ?? null);
      const pid = lease !== null ? Number(lease.split('|')[2]) : undefined;
      return {
        ...recordedRun(id, {
          held: lease !== null,
          readable: inputs !== undefined,
          outcome,
          started: created !== null && created !== undefined ? Number(created) : undefined,
          ended:
            typeof outcome?.ended_at === 'string'
              ? Date.parse(outcome.ended_at)
              : updated !== null && updated !== undefined
                ? Number(updated)
                : undefined,
          mission: missionFile,
        }),
        pid: pid !== undefined && Number.isInteger(pid) ? pid : undefined,
        holder: lease !== null ? holderText(lease) : undefined,
      };
    });
  });
};

/**
 * Keeps the `keep` most recent runs of the Redis journal and deletes the finished ones among the
 * older runs; a run that is running or can be resumed is never deleted. Resolves the ids deleted.
 * @example await pruneRedisRuns('redis://127.0.0.1:6379', 50)
 */
export const pruneRedisRuns = async (
  connection: RedisConnection,
  keep: number,
  options: RedisJournalOptions = {},
): Promise<ReadonlyArray<string>> => {
  if (!Number.isInteger(keep) || keep < 0)
    throw new TypeError(`pruneRedisRuns: keep must be a whole number ≥ 0, got ${String(keep)}`);
  const s = journalSettings(connection, options);
  return withClient(s.connection, s.connectTimeoutMs, async (client) => {
    const total = await client.zcard(indexKey(s.prefix));
    const older = total > keep ? await client.zrange(indexKey(s.prefix), 0, total - keep - 1) : [];
    const removed: string[] = [];
    for (const id of older) {
      const keys = runKeys(s.prefix, id);
      // Checked inside Redis, atomically: a resume may have taken the run since it was listed.
      const done = await client.eval(
        PRUNE,
        5,
        keys.run,
        keys.events,
        keys.lease,
        indexKey(s.prefix),
        activeKey(s.prefix),
        id,
      );
      if (done === 1) removed.push(id);
    }
    return removed;
  });
};
