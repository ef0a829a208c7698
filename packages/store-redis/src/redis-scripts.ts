/**
 * The Lua scripts of the Redis store. Each one touches a single key (`KEYS[1]`), so that it runs on
 * Redis Cluster whatever the key's slot; the owner index lives in another slot and is updated by
 * separate commands (see `redis-store.ts`).
 *
 * A session is a hash: `createdAt`, `expiresAt`, optional `owner`, and one `data:<name>` field per
 * top-level session key holding that value's JSON. Values are never decoded in Lua: Redis's cjson
 * rounds numbers to 14 significant digits and turns `[]` into `{}`, so the scripts only move strings.
 */

/** Arguments per `HSET` / `HDEL` call: keeps `unpack` far below Lua's C stack limit for huge sessions. */
const CHUNK = 200;

/** A script registered on the client with ioredis `defineCommand`. */
export interface ScriptDefinition {
  /** Name of the method ioredis adds to the client; versioned so that two releases never clash. */
  readonly name: string;
  /** The Lua source. */
  readonly lua: string;
}

/**
 * Replaces the record. ARGV: expiresAt, createdAt, hasOwner ('1' | '0'), owner, then field/value
 * pairs. Returns the previous owner (or nil) so that the caller can leave that owner's index.
 */
export const SET_SCRIPT: ScriptDefinition = {
  name: 'sessRedisSetV1',
  lua: `
local previousOwner = false
if redis.call('TYPE', KEYS[1]).ok == 'hash' then previousOwner = redis.call('HGET', KEYS[1], 'owner') end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'createdAt', ARGV[2], 'expiresAt', ARGV[1])
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'owner', ARGV[4]) end
for index = 5, #ARGV, ${CHUNK} do
  redis.call('HSET', KEYS[1], unpack(ARGV, index, math.min(index + ${CHUNK - 1}, #ARGV)))
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return previousOwner
`,
};

/**
 * Applies a patch to an existing record and moves its expiry; a missing record stays missing (a
 * concurrent logout wins). ARGV: expiresAt, number of pairs to set, the pairs, then fields to remove.
 * Returns the record's owner (or nil).
 */
export const PATCH_SCRIPT: ScriptDefinition = {
  name: 'sessRedisPatchV1',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local setEnd = 2 + tonumber(ARGV[2]) * 2
for index = 3, setEnd, ${CHUNK} do
  redis.call('HSET', KEYS[1], unpack(ARGV, index, math.min(index + ${CHUNK - 1}, setEnd)))
end
for index = setEnd + 1, #ARGV, ${CHUNK} do
  redis.call('HDEL', KEYS[1], unpack(ARGV, index, math.min(index + ${CHUNK - 1}, #ARGV)))
end
local owner = redis.call('HGET', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return owner
`,
};

/** Moves the expiry of an existing record (never creates one). ARGV: expiresAt. Returns the owner (or nil). */
export const TOUCH_SCRIPT: ScriptDefinition = {
  name: 'sessRedisTouchV1',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local owner = redis.call('HGET', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return owner
`,
};

/** Deletes the record. Returns its owner (or nil) so that the caller can leave that owner's index. */
export const DESTROY_SCRIPT: ScriptDefinition = {
  name: 'sessRedisDestroyV1',
  lua: `
local owner = false
if redis.call('TYPE', KEYS[1]).ok == 'hash' then owner = redis.call('HGET', KEYS[1], 'owner') end
redis.call('DEL', KEYS[1])
return owner
`,
};

/**
 * Deletes the record only if it still belongs to ARGV[1]: an index entry left behind after the
 * session changed hands must not end the new owner's session. Returns 1 when deleted.
 */
export const DESTROY_IF_OWNER_SCRIPT: ScriptDefinition = {
  name: 'sessRedisDestroyIfOwnerV1',
  lua: `
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
};

/**
 * Adds a session ID to an owner's set (when ARGV[2] is given) and makes the set live at least until
 * ARGV[1], so that it outlives every member. The expiry only grows; Redis's own clock decides "now"
 * so that the set and the session keys expire by the same clock.
 */
export const OWNER_INDEX_SCRIPT: ScriptDefinition = {
  name: 'sessRedisOwnerIndexV1',
  lua: `
if ARGV[2] then redis.call('SADD', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return 0 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ttl == -1 or now + ttl < tonumber(ARGV[1]) then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return 1
`,
};

/** Releases a lock only if it still holds this holder's token (compare-and-delete). ARGV: token. */
export const UNLOCK_SCRIPT: ScriptDefinition = {
  name: 'sessRedisUnlockV1',
  lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
};

/** Every script the store registers on its client. */
export const SCRIPTS: readonly ScriptDefinition[] = [
  SET_SCRIPT,
  PATCH_SCRIPT,
  TOUCH_SCRIPT,
  DESTROY_SCRIPT,
  DESTROY_IF_OWNER_SCRIPT,
  OWNER_INDEX_SCRIPT,
  UNLOCK_SCRIPT,
];
