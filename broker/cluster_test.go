package broker_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// startCluster starts n embedded servers forming one cluster, on free
// loopback ports, and returns them with the clients' URL of all.
func startCluster(t *testing.T, n int) ([]*embedded.Server, string) {
	t.Helper()
	routes := make([]string, n)
	listens := make([]string, n)
	for i := range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		listens[i] = l.Addr().String()
		routes[i] = "nats://" + listens[i]
		_ = l.Close()
	}
	nodes := make([]*embedded.Server, n)
	urls := make([]string, n)
	for i := range n {
		s, err := embedded.Start(embedded.Config{
			DataDir: t.TempDir(), Listen: "127.0.0.1:0", ServerName: fmt.Sprintf("n%d", i+1),
			Cluster: embedded.Cluster{Name: "test", Listen: listens[i], Routes: routes},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Shutdown)
		nodes[i], urls[i] = s, s.ClientURL()
	}
	return nodes, strings.Join(urls, ",")
}

// TestClusterR3 opens the transport and the store with 3 replicas on a
// 3-node cluster just started (before its JetStream leader is elected),
// then stops the node leading the message stream: publishing, consuming
// and compare-and-set continue on the other two.
func TestClusterR3(t *testing.T) {
	nodes, url := startCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := broker.Connect(ctx, broker.Config{URL: url, ConnectTimeout: 30 * time.Second,
		Transport: natsjs.Config{Replicas: 3}, Store: natskv.Config{Replicas: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	leader := ""
	for _, name := range []string{natsjs.DefaultStream, natsjs.DefaultStream + "_DLQ", "KV_" + natskv.DefaultBucket} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info := s.CachedInfo()
		if info.Config.Replicas != 3 || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
			t.Fatalf("stream %s: %d replicas, cluster %+v", name, info.Config.Replicas, info.Cluster)
		}
		if name == natsjs.DefaultStream {
			leader = info.Cluster.Leader
		}
	}
	msg := transport.Message{ID: "m1", Subject: "wf.T", Key: "a", Data: []byte("hello")}
	c, err := b.Transport.Consume(ctx, msg.Subject, "g")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, n := range nodes {
		if n.NATSServer().Name() == leader {
			t.Logf("stopping %s, the leader of the message stream", leader)
			n.Shutdown()
			break
		}
	}

	// Each attempt has its own deadline: the reply to a request may be lost
	// with the node, and a new leader takes a few seconds to be elected.
	attempt := func(f func(ctx context.Context) error) error {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return f(actx)
	}
	put := func(ctx context.Context) error {
		_, err := b.Store.Put(ctx, "k", []byte("1"), 0)
		return err
	}
	for err = attempt(put); err != nil && !errors.Is(err, store.ErrConflict) && ctx.Err() == nil; err = attempt(put) {
		time.Sleep(100 * time.Millisecond) // a conflict: an attempt that timed out was written
	}
	var value []byte
	var v store.Version
	err = attempt(func(ctx context.Context) (err error) {
		value, v, err = b.Store.Get(ctx, "k")
		return err
	})
	if err != nil || string(value) != "1" {
		t.Fatalf("Get = %q, %v", value, err)
	}
	err = attempt(func(ctx context.Context) error {
		_, err := b.Store.Put(ctx, "k", []byte("2"), v+1)
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("a put at a wrong version: %v, want a conflict", err)
	}
	publish := func(ctx context.Context) error { return b.Transport.Publish(ctx, msg) }
	for err = attempt(publish); err != nil && ctx.Err() == nil; err = attempt(publish) {
		time.Sleep(100 * time.Millisecond)
	}
	for ctx.Err() == nil {
		ds, err := c.Fetch(ctx, 1, time.Second)
		if err == nil && len(ds) == 1 {
			if got := string(ds[0].Message().Data); got != "hello" {
				t.Fatalf("got %q", got)
			}
			return
		}
	}
	t.Fatal("the message never came after the leader's loss")
}
