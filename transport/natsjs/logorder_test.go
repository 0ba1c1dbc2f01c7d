package natsjs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// TestLogOrder checks that what a message causes is logged after the log
// messages published with it, on a single server, where the transport
// does not wait for their acknowledgement before sending the other
// messages (a cluster's path, which waits, is TestStoredBy's false cases).
func TestLogOrder(t *testing.T) {
	tr := newTransport(t, connect(t, startServer(t, t.TempDir())), uniqueConfig())
	if !natsjs.Local(tr) {
		t.Fatal("the embedded server's streams are not seen as local")
	}
	checkLogOrder(t, tr)
}

// TestStoredBy checks when a stream counts as stored by the connection's
// server alone.
func TestStoredBy(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *jetstream.ClusterInfo
		want bool
	}{
		{"single server", &jetstream.ClusterInfo{Leader: "n1"}, true},
		{"no information", nil, false},
		{"another server", &jetstream.ClusterInfo{Leader: "n2"}, false},
		{"clustered, one replica", &jetstream.ClusterInfo{Name: "c", RaftGroup: "S-R1F-x", Leader: "n1"}, false},
		{"clustered, three replicas", &jetstream.ClusterInfo{Name: "c", RaftGroup: "S-R3F-x", Leader: "n1",
			Replicas: []*jetstream.PeerInfo{{Name: "n2"}, {Name: "n3"}}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := natsjs.StoredBy(tc.c, "n1"); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// checkLogOrder publishes n pairs (log "cause i", message i); a consumer
// logs "effect i" on receiving message i. The log must hold each cause
// before its effect.
func checkLogOrder(t *testing.T, tr *natsjs.Transport) {
	const n = 50
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := tr.Consume(ctx, "order", "g")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	effects := make(chan error, 1)
	go func() {
		for done := 0; done < n; {
			ds, err := c.Fetch(ctx, n, time.Second)
			if err != nil {
				effects <- err
				return
			}
			for _, d := range ds {
				id := "effect " + d.Message().ID
				if err := tr.Publish(ctx, transport.Message{ID: id, Subject: "log.order", Data: []byte(id)}); err != nil {
					effects <- err
					return
				}
				_ = d.Ack()
				done++
			}
		}
		effects <- nil
	}()
	for i := range n {
		err := tr.Publish(ctx,
			transport.Message{ID: fmt.Sprintf("cause %d", i), Subject: "log.order", Data: []byte(fmt.Sprintf("cause %d", i))},
			transport.Message{ID: fmt.Sprint(i), Subject: "order", Key: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := <-effects; err != nil {
		t.Fatal(err)
	}
	r, err := tr.ReadLog(ctx, "log.order", transport.LogPosition{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	logged := map[string]bool{}
	for range 2 * n {
		e, err := r.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var i int
		if _, err := fmt.Sscanf(e.ID, "effect %d", &i); err == nil && !logged[fmt.Sprintf("cause %d", i)] {
			t.Fatalf("%q logged before its cause", e.ID)
		}
		logged[e.ID] = true
	}
}
