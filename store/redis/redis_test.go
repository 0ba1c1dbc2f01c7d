package redis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/internal/sqlstore/sqltest"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/redis"
	"github.com/infinitic-go/infinitic/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serverAddr is INFINITIC_REDIS_ADDR, by default the local test server.
func serverAddr() string {
	if a := os.Getenv("INFINITIC_REDIS_ADDR"); a != "" {
		return a
	}
	return redis.DefaultAddr
}

// admin connects to the server (see testserver.Unreachable).
func admin(t testing.TB) *goredis.Client {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := goredis.NewClient(&goredis.Options{Addr: serverAddr()})
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		testserver.Unreachable(t, "Redis at "+serverAddr(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// prefix returns a fresh store prefix whose keys are deleted at cleanup.
func prefix(t testing.TB, c *goredis.Client) string {
	p := fmt.Sprintf("infinitic_test_%d_%08x", time.Now().UnixNano()%1e9, rand.Uint32())
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, "{"+p+"}*", 1000).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return p
}

func open(t *testing.T, cfg redis.Config) *redis.Store {
	cfg.Addr = serverAddr()
	s, err := redis.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	c := admin(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, redis.Config{Prefix: prefix(t, c)})
	})
}

func TestSharedPrefix(t *testing.T) {
	c := admin(t)
	p := prefix(t, c)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, redis.Config{Prefix: p}) })
}

// TestBinaryKeys checks keys outside the engine's charset, including 0xff
// bytes at the end of a prefix.
func TestBinaryKeys(t *testing.T) {
	ctx := context.Background()
	s := open(t, redis.Config{Prefix: prefix(t, admin(t))})
	defer s.Close()
	keys := []string{"a\xff", "a\xff\x00", "a\xff\xff", "b", "caf\u00e9", "sp ace"}
	for _, k := range keys {
		if _, err := s.Put(ctx, k, []byte(k), 0); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Keys(ctx, "a\xff", "", 0)
	if want := keys[:3]; err != nil || !slices.Equal(got, want) {
		t.Errorf("Keys(a\\xff) = %q, %v; want %q", got, err, want)
	}
	if got, err := s.Keys(ctx, "", "a\xff\xff", 1); err != nil || !slices.Equal(got, []string{"b"}) {
		t.Errorf("Keys(after a\\xff\\xff) = %q, %v", got, err)
	}
}

// TestLargeVersions checks versions near 2^53, where the scripts' Lua
// numbers stop being exact.
func TestLargeVersions(t *testing.T) {
	ctx := context.Background()
	c := admin(t)
	p := prefix(t, c)
	s := open(t, redis.Config{Prefix: p})
	defer s.Close()
	if err := c.Set(ctx, "{"+p+"}:ver", 1<<53-10, 0).Err(); err != nil {
		t.Fatal(err)
	}
	v, err := s.Put(ctx, "k", []byte("a"), 0)
	if err != nil || v != 1<<53-9 {
		t.Fatalf("Put = %d, %v; want %d", v, err, 1<<53-9)
	}
	for range 3 {
		if _, gv, err := s.Get(ctx, "k"); err != nil || gv != v {
			t.Fatalf("Get = %d, %v; want %d", gv, err, v)
		}
		if _, err := s.Put(ctx, "k", []byte("x"), v-1); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Put with version-1: %v", err)
		}
		if v, err = s.Put(ctx, "k", []byte("b"), v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSharedClient(t *testing.T) {
	c := admin(t)
	ctx := context.Background()
	s, err := redis.New(ctx, redis.Config{Client: c, Prefix: prefix(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "k", nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Errorf("caller's client closed by Store.Close: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, p := range []string{"a{b", "a}b", "a b", "a*"} {
		if s, err := redis.New(ctx, redis.Config{Prefix: p}); err == nil {
			s.Close()
			t.Errorf("New(prefix %q): no error", p)
		}
	}
	if s, err := redis.New(ctx, redis.Config{Addr: "127.0.0.1:1"}); err == nil {
		s.Close()
		t.Errorf("New(unreachable server): no error")
	}
}

func BenchmarkRedis(b *testing.B) {
	c := admin(b)
	s, err := redis.New(context.Background(), redis.Config{Addr: serverAddr(), Prefix: prefix(b, c)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sqltest.Benchmarks(b, s)
}
