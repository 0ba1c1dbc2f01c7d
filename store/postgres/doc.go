// Package postgres is a [store.Store] on PostgreSQL, through pgx/v5.
//
// # Schema
//
// New creates (or migrates) three objects named after Config.Table
// (default "infinitic_store"):
//
//	CREATE TABLE infinitic_store (
//		"key"     text COLLATE "C" NOT NULL PRIMARY KEY, -- bytewise order
//		"value"   bytea  NOT NULL,
//		"version" bigint NOT NULL
//	);
//	CREATE SEQUENCE infinitic_store_gen;                  -- generations
//	CREATE TABLE infinitic_store_schema ("version" int PRIMARY KEY);
//
// Migrations run under pg_advisory_lock and in order; set
// Config.SkipMigrate to manage the schema yourself (call Store.Migrate
// from a privileged deployment step).
//
// # Compare-and-set
//
// Each call is a single autocommit statement, at any isolation level (at
// REPEATABLE READ and SERIALIZABLE, a writer that loses a race gets a
// serialization failure, reported as store.ErrConflict too):
//
//	Get     SELECT value, version WHERE key = $1
//	create  SELECT nextval(gen), then
//	        INSERT ... ON CONFLICT (key) DO NOTHING   -- 0 rows: ErrConflict
//	update  UPDATE ... SET value = $1, version = $2
//	        WHERE key = $3 AND version = $4           -- 0 rows: ErrConflict
//	Delete  DELETE ... WHERE key = $1 AND version = $2
//	Keys    SELECT key WHERE key > after AND key >= prefix AND key < end
//	        ORDER BY key LIMIT n                      -- primary key range scan
//
// A version is a generation from the sequence in its high bits and an
// update counter in its low 16 bits (see internal/sqlstore): updates need
// no sequence call, and a deleted key created again never gets back an
// old version. Concurrent writers of one key queue on its row lock; the
// first wins and the others update no row (PostgreSQL rechecks the WHERE
// clause on the new row version), so they get store.ErrConflict.
//
// Statements go through database/sql (pgx's stdlib adapter) over a
// pgxpool.Pool, and pgx caches their prepared forms per connection: one
// round trip per call, two for a create.
//
// Keys must be printable ASCII, at most 1,024 bytes.
package postgres
