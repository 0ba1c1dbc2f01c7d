// Package mysql is a [store.Store] on MySQL or MariaDB (tested on
// MariaDB 10.11), through go-sql-driver/mysql and database/sql.
//
// # Schema
//
// New creates (or migrates) three InnoDB tables named after Config.Table
// (default "infinitic_store"):
//
//	CREATE TABLE infinitic_store (
//		`key`     VARBINARY(1024) NOT NULL PRIMARY KEY, -- bytewise order
//		`value`   LONGBLOB NOT NULL,
//		`version` BIGINT NOT NULL
//	);
//	CREATE TABLE infinitic_store_gen (`id` TINYINT PRIMARY KEY, `n` BIGINT NOT NULL);
//	CREATE TABLE infinitic_store_schema (`version` INT PRIMARY KEY);
//
// Migrations run under GET_LOCK and in order; MySQL commits each DDL
// statement on its own, so every step is written to be run again if a
// migration is interrupted. Set Config.SkipMigrate to manage the schema
// yourself (call Store.Migrate from a privileged deployment step).
//
// # Compare-and-set
//
// Each call is one autocommit statement, prepared once per connection:
//
//	Get     SELECT value, version WHERE key = ?
//	create  UPDATE _gen SET n = LAST_INSERT_ID(n + 1), then
//	        INSERT (key, value, version)      -- duplicate key: ErrConflict
//	update  UPDATE ... SET value = ?, version = ?
//	        WHERE key = ? AND version = ?     -- 0 rows: ErrConflict
//	Delete  DELETE ... WHERE key = ? AND version = ?
//	Keys    SELECT key WHERE key > after AND key >= prefix AND key < end
//	        ORDER BY key LIMIT n              -- primary key range scan
//
// A version is a generation in its high bits and an update counter in its
// low 16 bits (see internal/sqlstore). Only creates touch the one-row
// generation counter (a short row lock, released at the end of its own
// autocommit statement); updates touch their own row only. InnoDB's
// UPDATE and DELETE read the latest committed row (not the transaction's
// snapshot), so of concurrent writers of one key the first wins and the
// others match no row. A deadlock victim (error 1213), possible when
// inserts race with a delete of the same key, is reported as
// store.ErrConflict: its statement changed nothing.
//
// Values are bounded by the server's max_allowed_packet (16 MiB by
// default on MariaDB); keys must be printable ASCII, at most 1,024 bytes.
package mysql
