// Package helpers has functions that workflow code of another package
// calls: their facts cross the package boundary.
package helpers

import (
	"fmt"
	"os"
	"time"
)

func Stamp() string { // want Stamp:"reaches time.Now"
	return format()
}

func format() string { // want format:"reaches time.Now"
	return time.Now().Format(time.RFC3339)
}

func Pure(s string) string { return fmt.Sprintf("<%s>", s) }

func Env() string { // want Env:"reaches os.Getenv \\(I/O\\)"
	return os.Getenv("HOME")
}

// Silenced does something non-deterministic, silenced: it has no fact.
func Silenced() int64 {
	return time.Now().Unix() //infinitic:nondeterministic-ok (a metric, not used by the workflow)
}
