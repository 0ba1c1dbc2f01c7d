package redis

import goredis "github.com/redis/go-redis/v9"

// Versions are compared with tonumber: Lua numbers are doubles, exact up
// to 2^53 versions.

// putScript: KEYS = hash, index, counter; ARGV = key, value, expected.
// Returns the new version, or 0 on a version mismatch.
var putScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'n')
if cur then
	if tonumber(cur) ~= tonumber(ARGV[3]) then return 0 end
elseif ARGV[3] ~= '0' then
	return 0
end
local n = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'n', n)
if not cur then redis.call('ZADD', KEYS[2], 0, ARGV[1]) end
return n
`)

// deleteScript: KEYS = hash, index; ARGV = key, expected. Returns 1 when
// done (or nothing to do), 0 on a version mismatch.
var deleteScript = goredis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'n')
if not cur then
	if ARGV[2] == '0' then return 1 end
	return 0
end
if tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)
