// The Redis journal's atomic steps, as Lua scripts run inside Redis. Each run has a hash (inputs,
// epoch, last sequence number, outcome), a stream of entries whose ids are their sequence numbers
// (`<seq>-0`), and a lease key holding `<epoch>|<host>|<pid>|<nonce>` with a TTL. Every write checks
// the lease first, so a coordinator that lost its run to another (a standby that saw the lease
// expire) can never write into it again: the epoch fences it.

/** The keys of one run; the hash tag keeps them in one slot. */
export interface RunKeys {
  readonly run: string;
  readonly events: string;
  readonly lease: string;
}

/** The keys of run `id` under `prefix`. */
export const runKeys = (prefix: string, id: string): RunKeys => ({
  run: `${prefix}{${id}}:run`,
  events: `${prefix}{${id}}:events`,
  lease: `${prefix}{${id}}:lease`,
});

/** Every run, scored by its start (epoch ms). */
export const indexKey = (prefix: string): string => `${prefix}runs`;
/** The runs that have not ended with a report: what a standby watches. */
export const activeKey = (prefix: string): string => `${prefix}active`;

// Shared by every write: the caller still holds the run, or it lapsed and nobody took it since
// (the epoch did not move), in which case it is taken back. Fails with MK_LOST when Redis no longer
// has the run at all (restarted without persistence, flushed, deleted) and MK_LEASE otherwise.
const HOLD = `
local function hold(lease, run, token, epoch, ttl)
  if redis.call('EXISTS', run) == 0 then return redis.error_reply('MK_LOST') end
  local holder = redis.call('GET', lease)
  if holder == token then return nil end
  if holder or redis.call('HGET', run, 'epoch') ~= epoch then
    return redis.error_reply('MK_LEASE ' .. (holder or ('epoch ' .. tostring(redis.call('HGET', run, 'epoch')))))
  end
  redis.call('SET', lease, token, 'PX', ttl)
  return nil
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Creates a run and takes its lease. KEYS: run, lease, index, active. ARGV: inputs, created_at,
 * id, holder (without epoch), ttl, mission file. Returns the token, or 0 when the id is taken.
 */
export const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = '1|' .. ARGV[4]
redis.call('HSET', KEYS[1], 'inputs', ARGV[1], 'created_at', ARGV[2], 'epoch', '1', 'seq', '0',
  'updated_at', ARGV[2], 'mission', ARGV[6], 'holder:1', ARGV[4])
redis.call('SET', KEYS[2], token, 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
return token
`;

/**
 * Takes the lease of a recorded run, atomically: of several standbys, exactly one gets it.
 * KEYS: run, lease. ARGV: holder (without epoch), ttl. Returns {'missing'}, {'locked', holder,
 * pttl} or {'ok', token, epoch}.
 */
export const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local holder = redis.call('GET', KEYS[2])
if holder then return {'locked', holder, tostring(redis.call('PTTL', KEYS[2]))} end
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
local token = tostring(epoch) .. '|' .. ARGV[1]
redis.call('SET', KEYS[2], token, 'PX', ARGV[2])
redis.call('HSET', KEYS[1], 'holder:' .. tostring(epoch), ARGV[1])
return {'ok', token, tostring(epoch)}
`;

/**
 * Appends entries `first`, `first + 1`, … Idempotent: an entry already stored (a retry after a
 * lost reply or a reconnect) is skipped, so a batch can be sent again safely; a hole before
 * `first` (Redis lost acknowledged entries) fails with MK_GAP. KEYS: lease, run, events. ARGV:
 * token, epoch, ttl, first, entry…
 */
export const APPEND = `${HOLD}
local err = hold(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
if err then return err end
local first = tonumber(ARGV[4])
local last = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
if last < first - 1 then return redis.error_reply('MK_GAP ' .. tostring(last) .. ' ' .. tostring(first)) end
local n = #ARGV - 4
for i = 1, n do
  local seq = first + i - 1
  if seq > last then redis.call('XADD', KEYS[3], tostring(seq) .. '-0', 'e', ARGV[4 + i], 'g', ARGV[2]) end
end
if first + n - 1 > last then redis.call('HSET', KEYS[2], 'seq', tostring(first + n - 1)) end
redis.call('HSET', KEYS[2], 'updated_at', tostring(now()))
return 1
`;

/** Records how the run ended. KEYS: lease, run, active. ARGV: token, epoch, ttl, outcome, id. */
export const FINISH = `${HOLD}
local err = hold(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
if err then return err end
redis.call('HSET', KEYS[2], 'outcome', ARGV[4], 'updated_at', tostring(now()))
redis.call('ZREM', KEYS[3], ARGV[5])
return 1
`;

/** Keeps the lease alive. KEYS: lease, run. ARGV: token, epoch, ttl. */
export const REFRESH = `${HOLD}
local err = hold(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
if err then return err end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** Lets go of the run (only if this holder still has it). KEYS: lease. ARGV: token. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * Deletes a finished run nobody holds. KEYS: run, events, lease, index, active. ARGV: id.
 * Returns 1 if deleted.
 */
export const PRUNE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'outcome') == 0 and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
`;
