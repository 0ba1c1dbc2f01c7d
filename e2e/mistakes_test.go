package e2e_test

import (
	"errors"
	"testing"

	"github.com/infinitic-go/infinitic/client"
)

// A closed client says so: calls after Close, and an Await pending at
// Close, return client.ErrClosed instead of waiting for ever.
func TestClientClosed(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := testCtx(t)
			tr, _ := b.open(t)
			c, err := client.New(ctx, client.Config{Transport: tr})
			if err != nil {
				t.Fatal(err)
			}
			run, err := client.Start(ctx, c, Sums.Sequential, 3) // no worker: it stays pending
			if err != nil {
				t.Fatal(err)
			}
			awaited := make(chan error, 1)
			go func() { _, err := run.Await(ctx); awaited <- err }()
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if err := <-awaited; !errors.Is(err, client.ErrClosed) {
				t.Errorf("Await pending at Close: got %v, want client.ErrClosed", err)
			}
			if _, err := client.Start(ctx, c, Sums.Sequential, 3); !errors.Is(err, client.ErrClosed) {
				t.Errorf("Start after Close: got %v, want client.ErrClosed", err)
			}
			if _, err := run.Await(ctx); !errors.Is(err, client.ErrClosed) {
				t.Errorf("Await after Close: got %v, want client.ErrClosed", err)
			}
			if err := client.Send(ctx, c, Approvals, run.ID(), Approval{}); !errors.Is(err, client.ErrClosed) {
				t.Errorf("Send after Close: got %v, want client.ErrClosed", err)
			}
		})
	}
}
