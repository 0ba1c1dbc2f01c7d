package natskv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/nats-io/nats.go/jetstream"
)

// A deleted key leaves nothing in the bucket's stream (no delete marker):
// the subject index does not grow with every key ever written.
func TestDeleteLeavesNoMarker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	st, err := natskv.New(ctx, nc, natskv.Config{Bucket: "markers"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.Put(ctx, "state.W.one", []byte("x"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "state.W.one", v); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, "KV_markers")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.GetLastMsgForSubject(ctx, "$KV.markers.state.W.one"); !errors.Is(err, jetstream.ErrMsgNotFound) {
		t.Fatalf("a message is left for the deleted key: %v", err)
	}
	// The key can be created again, with a higher version.
	v2, err := st.Put(ctx, "state.W.one", []byte("y"), 0)
	if err != nil || v2 <= v {
		t.Fatalf("create after delete: %d %v (first version %d)", v2, err, v)
	}
}
