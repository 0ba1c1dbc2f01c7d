package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
)

// On embedded, the store deletes finished instances by itself at the end
// of their retention (store.Expirer): the state and its index entries go.
// A failed instance retried before then runs on: its failed state's time
// to live went with it.
func TestRetentionByTheStore(t *testing.T) {
	const retention = 3 * time.Second
	register, on := edgyWorker(worker.WithRetention(retention))
	d := startEmbedded(t, register)
	ctx := testCtx(t)
	var runs []*client.Run[string]
	for n := range 2 {
		run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, n+1)
		if err != nil {
			t.Fatal(err)
		}
		awaitTaskFailure(ctx, t, run)
		runs = append(runs, run)
	}
	// The second failed last: once it is deleted, the first one's failed
	// state would have been too.
	retried, expired := runs[0], runs[1]
	failedAt := time.Now()
	on.Store(true)
	if err := retried.RetryTasks(ctx); err != nil {
		t.Fatal(err)
	}
	d.waitFor(ctx, t, "the failed instance and its index entries deleted", func() bool {
		_, err := expired.Inspect(ctx)
		return errors.Is(err, infinitic.ErrInstanceNotFound) && len(indexKeys(ctx, t, d, expired.ID())) == 0
	})
	if since := time.Since(failedAt); since < retention-time.Second {
		t.Fatalf("deleted %v after it failed, retention %v", since, retention)
	}
	desc, err := retried.Describe(ctx)
	if err != nil || desc.Status != client.StatusRunning {
		t.Fatalf("the retried instance: %+v %v", desc, err)
	}
	if len(indexKeys(ctx, t, d, retried.ID())) == 0 {
		t.Fatal("the retried instance left the index")
	}
	if err := client.Send(ctx, d.Client, Notes, retried.ID(), "note"); err != nil {
		t.Fatal(err)
	}
	if got, err := retried.Await(ctx); err != nil || got != "note 10" {
		t.Fatalf("after the retry: %q %v", got, err)
	}
}

// indexKeys returns the index entries of instance id of Edgy.
func indexKeys(ctx context.Context, t *testing.T, d *deployment, id string) []string {
	t.Helper()
	keys, err := d.Store.Keys(ctx, "index.Edgy.", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var own []string
	for _, k := range keys {
		if strings.HasSuffix(k, "."+id) {
			own = append(own, k)
		}
	}
	return own
}
