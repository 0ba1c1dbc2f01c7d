package config_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/config"
	"github.com/infinitic-go/infinitic/worker"
)

// writeFile writes a configuration file in a temporary directory.
func writeFile(name, content string) (path string, cleanup func()) {
	dir, err := os.MkdirTemp("", "infinitic-config-")
	if err != nil {
		panic(err)
	}
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		panic(err)
	}
	return path, func() { os.RemoveAll(dir) }
}

// Load reports every mistake of a file, with its line and key.
func ExampleLoad() {
	path, cleanup := writeFile("infinitic.yml", `
transport:
  nats:
    urls: nats://127.0.0.1:4222
services:
  ImageUtil:
    concurrency: 0
    timeout: 30
`)
	defer cleanup()
	_, err := config.Load(path)
	fmt.Println(strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), ""))
	// Output:
	// config: invalid configuration:
	// infinitic.yml:4: transport.nats.urls: unknown key (known here: connectTimeout, credsFile, nkeyFile, password, replicas, tls, token, url, user)
	// infinitic.yml:7: services.ImageUtil.concurrency: must be at least 1, got 0
	// infinitic.yml:8: services.ImageUtil.timeout: want a duration such as 30s or 1h30m, got "30"
}

// A worker and a client from a file: here an embedded server whose data
// lives in a temporary directory.
func ExampleConfig_Open() {
	dir, err := os.MkdirTemp("", "infinitic-data-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path, cleanup := writeFile("infinitic.yml", "transport:\n  embedded:\n    dataDir: "+dir+"\n")
	defer cleanup()

	ctx := context.Background()
	cfg, err := config.Load(path)
	if err != nil {
		panic(err)
	}
	b, err := cfg.Open(ctx)
	if err != nil {
		panic(err)
	}
	defer b.Close()
	w, err := worker.New(b.WorkerConfig()) // then worker.AddService, worker.AddWorkflow, w.Run
	if err != nil {
		panic(err)
	}
	c, err := client.New(ctx, b.ClientConfig())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Println(w != nil, b.Server.DataDir() == dir)
	// Output: true true
}
