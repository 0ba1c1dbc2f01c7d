// Package redis is a [store.Store] on Redis (tested on Redis 7.0),
// through go-redis v9.
//
// # Layout
//
// A store owns the Redis keys under its Config.Prefix P (default
// "infinitic"), all sharing the hash tag {P}:
//
//	{P}:k:<key>   hash: "v" the value, "n" its version
//	{P}:keys      sorted set of every key, all with score 0 (the index)
//	{P}:ver       the version counter (INCR)
//
// # Compare-and-set
//
// Put and Delete are Lua scripts (EVALSHA, falling back to EVAL), which
// Redis runs atomically: the script reads the key's version, returns a
// conflict unless it is the expected one, and otherwise writes the hash,
// the index and the counter together. Versions come from the one counter
// of the store: they increase across all keys, so a key deleted and
// created again never gets back an old version. Get is one HMGET.
//
// # Keys: a sorted-set index
//
// Keys is one ZRANGEBYLEX on the index (members with equal scores sort
// bytewise): O(log n + page) per call, whatever the size of the store
// and the number of pages. The price is that each key is held twice
// (hash name and index member) and every create and delete also updates
// the index, inside the same script. The alternative, SCAN MATCH P* and
// a sort, needs no index but walks the whole database for every page.
//
// # Cluster and durability
//
// Because of the hash tag, all of a store's keys live in one slot: a
// Redis Cluster works, but one store does not spread over shards (use
// several prefixes to spread stores). Durability is the server's: a
// write acknowledged by Redis survives a restart only with AOF
// persistence (appendfsync everysec loses up to a second, always loses
// nothing), and a failover to a replica that missed the last writes can
// hand out an old version again. Use Redis for speed where that is
// acceptable; prefer PostgreSQL or NATS KV otherwise.
package redis
