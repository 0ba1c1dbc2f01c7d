package e2e_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// base64JSON is a codec whose payloads are not JSON.
type base64JSON struct{}

func (base64JSON) Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return []byte(base64.StdEncoding.EncodeToString(b)), err
}

func (base64JSON) Unmarshal(data []byte, v any) error {
	b, err := base64.StdEncoding.DecodeString(string(data))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// A Where filter decodes values with the configured codec: with a codec
// other than JSON it still matches (it never did, and the receive hung).
func TestWhereFilterUsesTheCodec(t *testing.T) {
	ctx := testCtx(t)
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Codec: base64JSON{}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(w, func() Expense { return expense{} }); err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(wctx) }()
	defer func() { stop(); <-stopped }()
	c, err := client.New(ctx, client.Config{Transport: tr, Codec: base64JSON{}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run, err := client.Start(ctx, c, Expense.Review, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Approval{{By: "eve"}, {By: "bob", Status: "draft"}, {By: "ann", Status: "final"}} {
		if err := client.Send(ctx, c, Approvals, run.ID(), a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := run.Await(ctx)
	if want := "by eve, then final by ann"; err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}
