package config

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/store"
)

// Invalid files and variables fail with the file and line (or the
// variable) and the key.
func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		env  []string
		want []string // each error, in the order reported
	}{
		{name: "unknown top-level key", yaml: "transport: {}\nstorrage: {}\n",
			want: []string{"infinitic.yml:2: storrage: unknown key (known here: events, schedules, services, storage, transport, workflows)"}},
		{name: "unknown nested key", yaml: "transport:\n  nats:\n    urls: nats://x:4222\n",
			want: []string{"infinitic.yml:3: transport.nats.urls: unknown key (known here: connectTimeout, credsFile, nkeyFile, password, replicas, tls, token, url, user)"}},
		{name: "unknown service key", yaml: "services:\n  ImageUtil:\n    concurency: 4\n",
			want: []string{"infinitic.yml:3: services.ImageUtil.concurency: unknown key"}},
		{name: "not an integer", yaml: "services:\n  ImageUtil:\n    concurrency: many\n",
			want: []string{`infinitic.yml:3: services.ImageUtil.concurrency: want an integer, got "many"`}},
		{name: "zero concurrency", yaml: "workflows:\n  ImageWorkflow:\n    concurrency: 0\n",
			want: []string{"infinitic.yml:3: workflows.ImageWorkflow.concurrency: must be at least 1, got 0"}},
		{name: "bad duration", yaml: "services:\n  ImageUtil:\n    timeout: 30\n",
			want: []string{`infinitic.yml:3: services.ImageUtil.timeout: want a duration such as 30s or 1h30m, got "30"`}},
		{name: "negative retention", yaml: "workflows:\n  W:\n    retention: -1h\n",
			want: []string{"infinitic.yml:3: workflows.W.retention: must be a positive duration, got -1h0m0s"}},
		{name: "unknown durability", yaml: "transport:\n  embedded:\n    durability: fsync\n",
			want: []string{"infinitic.yml:3: transport.embedded.durability: want process-crash or power-loss"}},
		{name: "bad retry policy", yaml: "services:\n  S:\n    retry:\n      randomFactor: 2\n",
			want: []string{"infinitic.yml:3: services.S.retry: "}},
		{name: "a section given a value", yaml: "storage: postgres\n",
			want: []string{"infinitic.yml:1: storage: want a section of keys, got a value"}},
		{name: "a value given a section", yaml: "transport:\n  nats:\n    url: {a: b}\n",
			want: []string{"infinitic.yml:3: transport.nats.url: want a text value, got a section of keys"}},
		{name: "two transports", yaml: "transport:\n  embedded: {}\n  nats:\n    url: nats://x:4222\n",
			want: []string{"infinitic.yml:3: transport.nats: give only one of embedded, nats (found embedded and nats)"}},
		{name: "two stores", yaml: "storage:\n  redis: {}\n  mysql:\n    dsn: x\n",
			want: []string{"infinitic.yml:2: storage.redis: give only one of natsKV, postgres, mysql, redis (found mysql and redis)"}},
		{name: "mysql without dsn", yaml: "storage:\n  mysql:\n    maxOpenConns: 4\n",
			want: []string{"infinitic.yml:2: storage.mysql.dsn: required"}},
		{name: "bad redis url", yaml: "storage:\n  redis:\n    url: http://x\n",
			want: []string{"infinitic.yml:3: storage.redis.url: "}},
		{name: "two credentials", yaml: "transport:\n  nats:\n    token: a\n    nkeyFile: b\n",
			want: []string{"infinitic.yml:2: transport.nats: give one of user/password, token, credsFile and nkeyFile"}},
		{name: "user without password", yaml: "transport:\n  nats:\n    user: ada\n",
			want: []string{"infinitic.yml:3: transport.nats.user: user and password go together"}},
		{name: "batch without maxWait", yaml: "services:\n  S:\n    batch:\n      Send: {maxMessages: 5}\n",
			want: []string{"infinitic.yml:4: services.S.batch.Send.maxWait: required"}},
		{name: "events kept no time", yaml: "events:\n  maxAge: 0s\n  maxBytes: -1\n",
			want: []string{"infinitic.yml:2: events.maxAge: must be a positive duration, got 0s", "infinitic.yml:3: events.maxBytes: must be a positive number of bytes, got -1"}},
		{name: "invalid name", yaml: "workflows:\n  my.flow: {}\n",
			want: []string{`infinitic.yml:2: workflows.my.flow: invalid contract: name "my.flow"`}},
		{name: "several errors at once", yaml: "services:\n  S:\n    concurrency: 0\n    timeout: 0s\n",
			want: []string{"infinitic.yml:3: services.S.concurrency: must be at least 1", "infinitic.yml:4: services.S.timeout: must be a positive duration"}},
		{name: "duplicate key", yaml: "services:\n  S: {}\n  S: {}\n",
			want: []string{"infinitic.yml:3: services.S: duplicate key (first on line 2)"}},
		{name: "syntax error", yaml: "services:\n  S: [\n",
			want: []string{"infinitic.yml:2: did not find expected node content"}},
		{name: "two documents", yaml: "services: {}\n---\nworkflows: {}\n",
			want: []string{"infinitic.yml: want one YAML document"}},
		{name: "invalid env value", yaml: "services:\n  ImageUtil: {}\n", env: []string{"INFINITIC_SERVICES_IMAGE_UTIL_CONCURRENCY=lots"},
			want: []string{`env INFINITIC_SERVICES_IMAGE_UTIL_CONCURRENCY: services.ImageUtil.concurrency: want an integer, got "lots"`}},
		{name: "env value out of range", env: []string{"INFINITIC_TRANSPORT_NATS_REPLICAS=0"},
			want: []string{"env INFINITIC_TRANSPORT_NATS_REPLICAS: transport.nats.replicas: must be at least 1, got 0"}},
		{name: "unknown env key", env: []string{"INFINITIC_TRANSPORT_NATS_URLS=nats://x"},
			want: []string{"env INFINITIC_TRANSPORT_NATS_URLS: no such setting"}},
		{name: "env for a service the file does not name", env: []string{"INFINITIC_SERVICES_IMAGE_UTIL_CONCURRENCY=2"},
			want: []string{"env INFINITIC_SERVICES_IMAGE_UTIL_CONCURRENCY: no such setting"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("infinitic.yml", []byte(tc.yaml), tc.env)
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")[1:] // after "config: invalid configuration:"
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(tc.want), err)
			}
			for i, want := range tc.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("error %d:\n got %s\nwant %s...", i, lines[i], want)
				}
			}
		})
	}
}

// Valid settings, from the file and the environment, become worker
// options; keys left out are not set.
func TestValid(t *testing.T) {
	yaml := `
transport:
  nats:
    url: nats://a:4222
storage:
  natsKV: {bucket: b}
services:
  ImageUtil:
    concurrency: 4
    retry: {maxRetries: 2}
    batch:
      Upload: {maxMessages: 5, maxWait: 1s}
  Other:
workflows:
  ImageWorkflow: {cacheSize: 0}
`
	env := []string{"INFINITIC_TRANSPORT_NATS_URL=nats://b:4222", "INFINITIC_SERVICES_IMAGE_UTIL_RETRY_NON_RETRYABLE=*a.E, *b.F",
		"INFINITIC_EXTERNAL_NATS=1", "PATH=/bin"}
	c, err := parse("infinitic.yml", []byte(yaml), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Transport.NATS.URL != "nats://b:4222" {
		t.Errorf("URL %q: the environment does not win", c.Transport.NATS.URL)
	}
	want := infinitic.DefaultRetryPolicy
	want.MaxRetries, want.NonRetryable = 2, []string{"*a.E", "*b.F"}
	if got := c.retryPolicy("ImageUtil"); got.MaxRetries != 2 || got.RandomFactor != want.RandomFactor || strings.Join(got.NonRetryable, "|") != "*a.E|*b.F" {
		t.Errorf("retry policy %+v, want %+v", got, want)
	}
	if n := len(c.ServiceOptions()["ImageUtil"]); n != 3 {
		t.Errorf("ImageUtil: %d options, want 3 (concurrency, retry, batch)", n)
	}
	if n := len(c.ServiceOptions()["Other"]); n != 0 {
		t.Errorf("Other: %d options, want 0", n)
	}
	if n := len(c.WorkflowOptions()["ImageWorkflow"]); n != 1 {
		t.Errorf("ImageWorkflow: %d options, want 1 (cache size 0)", n)
	}
	if c.Services["ImageUtil"].Batch["Upload"].MaxWait != time.Second {
		t.Errorf("batch %+v", c.Services["ImageUtil"].Batch["Upload"])
	}
}

// The reference file of the documentation loads, with the values it shows.
func TestReferenceFile(t *testing.T) {
	c, err := Load("../docs/infinitic.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Transport.NATS.Replicas != 3 || c.Storage.Postgres.MaxConns != 20 ||
		c.Services["ImageUtil"].Concurrency != 32 || c.Workflows["ImageWorkflow"].Retention != 168*time.Hour ||
		c.Schedules["nightly-export"].Spec().Cron != "0 2 * * *" {
		t.Errorf("unexpected values: %+v", c)
	}
	if got := c.retryPolicy("ImageUtil"); got.MaxRetries != infinitic.DefaultRetryPolicy.MaxRetries || len(got.NonRetryable) != 1 {
		t.Errorf("retry policy %+v", got)
	}
}

// Open opens each kind of store, on the real servers of the test machine
// (and of CI; see testserver.Unreachable).
func TestOpenStores(t *testing.T) {
	for _, tc := range []struct{ name, server, yaml string }{
		{"embedded and natsKV", "", "transport:\n  embedded: {dataDir: DIR}\n"},
		{"postgres", "127.0.0.1:5432", "transport:\n  embedded: {dataDir: DIR}\nstorage:\n  postgres: {url: 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable', maxConns: 2, table: config_test}\n"},
		{"mysql", "127.0.0.1:3306", "transport:\n  embedded: {dataDir: DIR}\nstorage:\n  mysql: {dsn: 'root@tcp(127.0.0.1:3306)/test', maxOpenConns: 2, table: config_test}\n"},
		{"redis", "127.0.0.1:6379", "transport:\n  embedded: {dataDir: DIR}\nstorage:\n  redis: {url: 'redis://127.0.0.1:6379/0', poolSize: 2, prefix: config-test}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.server != "" {
				testserver.Listening(t, tc.name, tc.server)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := parse("infinitic.yml", []byte(strings.ReplaceAll(tc.yaml, "DIR", t.TempDir())), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := b.Close(); err != nil {
					t.Error(err)
				}
			}()
			key := "config-test." + t.Name()
			_ = b.Store.Delete(ctx, key, 0)
			v, err := b.Store.Put(ctx, key, []byte("x"), 0)
			if errors.Is(err, store.ErrConflict) { // left by an earlier run
				_, v, err = b.Store.Get(ctx, key)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Store.Delete(ctx, key, v); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The embedded section protects its port with users and roles: the
// process itself connects, a client with the user's password too, a
// stranger does not.
func TestEmbeddedUsers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	yml := "transport:\n  embedded:\n    dataDir: DIR\n    listen: 127.0.0.1:0\n    users:\n      - {name: shop, password: s3cret, role: client}\n"
	c, err := parse("infinitic.yml", []byte(strings.ReplaceAll(yml, "DIR", t.TempDir())), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	url := b.Server.ClientURL()
	shop, err := broker.Connect(ctx, broker.Config{URL: url, User: "shop", Password: "s3cret"})
	if err != nil {
		t.Fatalf("the user: %v", err)
	}
	_ = shop.Close()
	if _, err := broker.Dial(broker.Config{URL: url}); err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Fatalf("a stranger: %v", err)
	}
}
