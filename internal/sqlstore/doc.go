// Package sqlstore is the [store.Store] logic shared by the SQL stores
// (store/postgres, store/mysql). It runs over database/sql; a [Dialect]
// supplies what differs between servers: identifier quoting, bind
// parameters, the insert-if-absent statement, the generation counter,
// the schema DDL and the migration lock.
//
// # Schema
//
// A store named T (Config.Table) owns three tables:
//
//	T         (key PRIMARY KEY, value blob NOT NULL, version bigint NOT NULL)
//	T_gen     the generation counter (a sequence on PostgreSQL, a one-row
//	          table on MySQL/MariaDB)
//	T_schema  (version int PRIMARY KEY): the applied schema migrations
//
// Keys compare bytewise (text COLLATE "C" on PostgreSQL, VARBINARY on
// MySQL), so Keys returns them in the order the store contract requires.
//
// # Versions
//
// A version is a generation in the high bits and a per-key counter in the
// low [SeqBits] bits. Creating a key (Put with expected 0) takes a fresh
// generation from T_gen, so its first version is gen<<SeqBits; every
// update adds one. Generations come from one counter per table and are
// never reused, so a key deleted and created again can never get back a
// version it had before (no ABA), while updates, the hot path, cost a
// single statement without touching any shared row. When the low bits are
// exhausted (65,535 updates in one generation) the next update takes a
// fresh generation, as a create does.
//
// # Compare-and-set
//
// Every operation is one autocommit statement (creates add one counter
// increment before it):
//
//	Put(k, v, 0)  INSERT (k, v, gen<<SeqBits), doing nothing on a duplicate
//	              key; no row inserted: ErrConflict
//	Put(k, v, e)  UPDATE T SET value=v, version=next(e) WHERE key=k AND version=e;
//	              no row updated: ErrConflict
//	Delete(k, e)  DELETE FROM T WHERE key=k AND version=e; no row: ErrConflict
//	Delete(k, 0)  ErrConflict if k exists, else nothing to do
//	Keys          SELECT key WHERE key > after AND key >= prefix AND
//	              key < prefixEnd ORDER BY key LIMIT n (an index range scan)
//
// The row lock taken by UPDATE, INSERT and DELETE makes concurrent writers
// of one key serialize: the first wins, the others match no row and get
// store.ErrConflict. Errors the server raises for the same reason
// (duplicate key, deadlock victim) are ErrConflict too.
//
// # Keys
//
// Keys must be 1 to [MaxKeyLen] bytes of printable ASCII (0x20-0x7E); the
// engine's keys use [A-Za-z0-9_=.-/]. Other keys are rejected with an error
// rather than stored in a way that would break ordering.
//
// # Migrations
//
// New applies the dialect's pending migrations unless told not to, under
// a server-side lock (pg_advisory_lock, GET_LOCK) so that processes
// starting together do not race; each step is recorded in T_schema.
// Steps use IF NOT EXISTS, so a step interrupted on a server without
// transactional DDL (MySQL) can simply be run again.
package sqlstore
