// Package testserver decides what a test does when an external server it
// needs (PostgreSQL, MariaDB, Redis, NATS) cannot be reached: it skips,
// unless INFINITIC_REQUIRE_SERVERS=1, which .ci/run sets so that CI never
// passes without its servers.
package testserver

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// RequireEnv is the environment variable that makes a missing server a
// test failure instead of a skip.
const RequireEnv = "INFINITIC_REQUIRE_SERVERS"

// Unreachable fails the test when RequireEnv is 1 and skips it otherwise.
func Unreachable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s unreachable (%s=1, so this fails instead of skipping): %v", what, RequireEnv, err)
	}
	t.Skipf("%s unreachable, skipping (start it, or set %s=1 to make this a failure): %v", what, RequireEnv, err)
}

// NATS connects to the external NATS server, INFINITIC_NATS_URL or by
// default nats://127.0.0.1:4222, closed at cleanup (see Unreachable).
func NATS(t testing.TB) *nats.Conn {
	t.Helper()
	url := os.Getenv("INFINITIC_NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url, nats.Timeout(5*time.Second))
	if err != nil {
		Unreachable(t, "NATS at "+url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// Listening checks that a server accepts TCP connections at addr
// (host:port), for tests that reach it through a URL (see Unreachable).
func Listening(t testing.TB, what, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		Unreachable(t, what+" at "+addr, err)
		return
	}
	_ = c.Close()
}
