package natskv_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store/natskv"
)

// A bucket created without per-message TTLs (before they were used) gets
// them when the store opens it: the engine can then let the server delete
// finished instances.
func TestExistingBucketGetsTTLs(t *testing.T) {
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
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "old", History: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := natskv.New(ctx, nc, natskv.Config{Bucket: "old"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.Expires() {
		t.Fatal("Expires is false on an embedded server")
	}
	stream, err := js.Stream(ctx, "KV_old")
	if err != nil {
		t.Fatal(err)
	}
	if cfg := stream.CachedInfo().Config; !cfg.AllowMsgTTL || cfg.SubjectDeleteMarkerTTL != 0 {
		t.Fatalf("stream config: AllowMsgTTL %v, SubjectDeleteMarkerTTL %v", cfg.AllowMsgTTL, cfg.SubjectDeleteMarkerTTL)
	}
}
