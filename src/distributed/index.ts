// missionkit/distributed: runs recorded in Redis, resumable from any machine, and standby
// coordinators that take over a run whose coordinator died. Imports ioredis; the other entry
// points do not load this one.
export { redisJournal, type RedisJournal, type RedisJournalOptions } from './redis-journal.js';
export { listRedisRuns, pruneRedisRuns, type RedisRunListing } from './redis-journal-runs.js';
export {
  RedisConnectionError,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisTlsOptions,
} from './redis-connection.js';
export { RedisJournalError } from '../node/redis-run-log.js';
export { standbyCoordinator, type Standby, type StandbyOptions } from './standby-coordinator.js';
