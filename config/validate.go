package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"
)

// checker collects validation errors, each located by the sources.
type checker struct {
	src  sources
	errs []error
}

// fail reports a problem with the key at path.
func (ch *checker) fail(path, format string, args ...any) {
	ch.errs = append(ch.errs, fmt.Errorf("%s: %s: %s", ch.src.at(path), path, fmt.Sprintf(format, args...)))
}

// atLeast checks that the key at path, if set, is at least minimum.
func atLeast(ch *checker, path string, v, minimum int) {
	if _, set := ch.src[path]; set && v < minimum {
		ch.fail(path, "must be at least %d, got %d", minimum, v)
	}
}

// positive checks that the duration at path, if set, is positive (or not
// negative when zero is allowed).
func positive(ch *checker, path string, d time.Duration, zeroAllowed bool) {
	if _, set := ch.src[path]; set && (d < 0 || d == 0 && !zeroAllowed) {
		ch.fail(path, "must be a positive duration, got %v", d)
	}
}

// oneOf checks that at most one of the sections under parent is set.
func (ch *checker) oneOf(parent string, sections ...string) string {
	var set []string
	for _, s := range sections {
		if ch.src.has(parent + "." + s) {
			set = append(set, s)
		}
	}
	if len(set) > 1 {
		ch.fail(parent+"."+set[1], "give only one of %s (found %s)", strings.Join(sections, ", "), strings.Join(set, " and "))
	}
	if len(set) == 0 {
		return ""
	}
	return set[0]
}

// validate checks the values, reporting every problem.
func (c *Config) validate() []error {
	ch := &checker{src: c.src}
	ch.oneOf("transport", "embedded", "nats")
	n := c.Transport.NATS
	atLeast(ch, "transport.nats.replicas", n.Replicas, 1)
	positive(ch, "transport.nats.connectTimeout", n.ConnectTimeout, false)
	if (n.User == "") != (n.Password == "") {
		ch.fail("transport.nats.user", "user and password go together")
	}
	auth := 0
	for _, set := range []bool{n.User != "", n.Token != "", n.CredsFile != "", n.NKeyFile != ""} {
		if set {
			auth++
		}
	}
	if auth > 1 {
		ch.fail("transport.nats", "give one of user/password, token, credsFile and nkeyFile")
	}
	if (n.TLS.CertFile == "") != (n.TLS.KeyFile == "") {
		ch.fail("transport.nats.tls", "certFile and keyFile go together")
	}

	if _, err := embedded.ParseDurability(c.Transport.Embedded.Durability); err != nil {
		ch.fail("transport.embedded.durability", "want process-crash or power-loss")
	}

	switch ch.oneOf("storage", "natsKV", "postgres", "mysql", "redis") {
	case "natsKV":
		atLeast(ch, "storage.natsKV.replicas", c.Storage.NATSKV.Replicas, 1)
	case "postgres":
		atLeast(ch, "storage.postgres.maxConns", c.Storage.Postgres.MaxConns, 1)
		if _, err := pgxpool.ParseConfig(c.Storage.Postgres.URL); err != nil {
			ch.fail("storage.postgres.url", "%v", err)
		}
	case "mysql":
		atLeast(ch, "storage.mysql.maxOpenConns", c.Storage.MySQL.MaxOpenConns, 1)
		if c.Storage.MySQL.DSN == "" {
			ch.fail("storage.mysql.dsn", "required, such as user:pass@tcp(127.0.0.1:3306)/db")
		}
	case "redis":
		atLeast(ch, "storage.redis.poolSize", c.Storage.Redis.PoolSize, 1)
		if u := c.Storage.Redis.URL; u != "" {
			if _, err := goredis.ParseURL(u); err != nil {
				ch.fail("storage.redis.url", "%v", err)
			}
		}
	}

	for _, name := range sortedKeys(c.Services) {
		p, s := "services."+name, c.Services[name]
		ch.name(p, name)
		atLeast(ch, p+".concurrency", s.Concurrency, 1)
		positive(ch, p+".timeout", s.Timeout, false)
		if err := c.retryPolicy(name).Validate(); err != nil {
			ch.fail(p+".retry", "%v", err)
		}
		for _, method := range sortedKeys(s.Batch) {
			b, bp := s.Batch[method], p+".batch."+method
			if b.MaxMessages < 1 {
				ch.fail(bp+".maxMessages", "required, at least 1")
			}
			if b.MaxWait <= 0 {
				ch.fail(bp+".maxWait", "required, a positive duration such as 1s")
			}
		}
	}
	for _, name := range sortedKeys(c.Workflows) {
		p, w := "workflows."+name, c.Workflows[name]
		ch.name(p, name)
		atLeast(ch, p+".concurrency", w.Concurrency, 1)
		atLeast(ch, p+".fetchSize", w.FetchSize, 1)
		atLeast(ch, p+".cacheSize", w.CacheSize, 0)
		positive(ch, p+".retention", w.Retention, true)
	}
	ch.schedules(c.Schedules)
	positive(ch, "events.maxAge", c.Events.MaxAge, false)
	if _, set := ch.src["events.maxBytes"]; set && c.Events.MaxBytes < 1 {
		ch.fail("events.maxBytes", "must be a positive number of bytes, got %d", c.Events.MaxBytes)
	}
	return ch.errs
}

// name checks a service or workflow name.
func (ch *checker) name(path, name string) {
	if err := naming.Validate(name); err != nil {
		ch.fail(path, "%v", err)
	}
}
