package sqlstore

import (
	"fmt"
	"regexp"
)

// MaxKeyLen is the longest key, in bytes, an SQL store accepts. It keeps
// the primary key within the index limits of both PostgreSQL (~2,700
// bytes) and InnoDB (3,072 bytes).
const MaxKeyLen = 1024

// MaxTableLen is the longest table name: the derived names (T_schema)
// must stay within PostgreSQL's 63-byte identifiers.
const MaxTableLen = 48

// DefaultTable is the table used when Config.Table is empty.
const DefaultTable = "infinitic_store"

var tableRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ValidateTable checks a table name: [a-z_][a-z0-9_]*, at most
// MaxTableLen bytes. Names are quoted in every statement, so they need
// not avoid reserved words.
func ValidateTable(name string) error {
	if len(name) > MaxTableLen || !tableRE.MatchString(name) {
		return fmt.Errorf("invalid table name %q: want [a-z_][a-z0-9_]*, at most %d bytes", name, MaxTableLen)
	}
	return nil
}

// checkKey validates a key (or, with empty allowed, a prefix or an after
// bound): printable ASCII, at most MaxKeyLen bytes.
func checkKey(what, k string, emptyOK bool) error {
	if k == "" && !emptyOK {
		return fmt.Errorf("empty %s", what)
	}
	if len(k) > MaxKeyLen {
		return fmt.Errorf("%s of %d bytes, longer than %d", what, len(k), MaxKeyLen)
	}
	for i := range len(k) {
		if c := k[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("%s %q: byte %#x at %d is not printable ASCII", what, k, c, i)
		}
	}
	return nil
}

// prefixEnd returns the smallest string greater than every string with
// prefix p, for a non-empty printable-ASCII p: its last byte plus one
// (at most 0x7f, still valid UTF-8).
func prefixEnd(p string) string {
	b := []byte(p)
	b[len(b)-1]++
	return string(b)
}
