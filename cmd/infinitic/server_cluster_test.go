package main

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// Three `infinitic server --cluster-name ...` form one cluster, on which
// the transport and the store open with 3 replicas.
func TestServerCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	listens := make([]string, 3)
	for i := range listens {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		listens[i] = l.Addr().String()
		_ = l.Close()
	}
	routes := "nats://" + strings.Join(listens, ",nats://")
	var urls []string
	for i, listen := range listens {
		out := &syncBuffer{ch: make(chan string, 16)}
		cmd := newRootCmd()
		cmd.SetArgs([]string{"server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(),
			"--server-name", fmt.Sprintf("n%d", i+1), "--cluster-name", "test", "--cluster-listen", listen, "--routes", routes})
		cmd.SetOut(out)
		srvCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- cmd.ExecuteContext(srvCtx) }()
		t.Cleanup(func() {
			stop()
			go func() {
				for range out.ch { // "stopping"
				}
			}()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
		select {
		case line := <-out.ch:
			urls = append(urls, regexp.MustCompile(`nats://[0-9.]+:\d+`).FindString(line))
		case err := <-done:
			t.Fatalf("server %d stopped: %v", i+1, err)
		}
		if line := <-out.ch; !strings.Contains(line, "of cluster test, routes on nats://"+listen) {
			t.Errorf("server %d printed %q", i+1, line)
		}
	}
	b, err := broker.Connect(ctx, broker.Config{URL: strings.Join(urls, ","),
		Transport: natsjs.Config{Replicas: 3}, Store: natskv.Config{Replicas: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, "KV_"+natskv.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.CachedInfo().Cluster; c == nil || c.Name != "test" || len(c.Replicas) != 2 {
		t.Fatalf("bucket's stream cluster info: %+v", c)
	}
}
