package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Jobs ends as its argument says: n > 0 completes, n < 0 fails, 0 waits
// for a value on "go".
type Jobs interface {
	Run(ctx workflow.Context, n int) (int, error)
}

var jobsGo = workflow.NewChannel[Jobs, int]("go")

type jobs struct{}

func (jobs) Run(ctx workflow.Context, n int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("job %d fails", n)
	case n == 0:
		return jobsGo.Receive(ctx).Await(ctx)
	}
	return n, nil
}

func registerJobs(opts ...worker.WorkflowOption) func(*testing.T, *worker.Worker) {
	return func(t *testing.T, w *worker.Worker) {
		if err := worker.AddWorkflow(w, func() Jobs { return jobs{} }, opts...); err != nil {
			t.Fatal(err)
		}
	}
}

// startJobs starts a job per argument (ids job-0, job-1...), one after the
// other, each once the previous one reached the status its argument
// gives, so that their start times are distinct and ordered.
func startJobs(ctx context.Context, t *testing.T, d *deployment, a *admin.Admin, args []int, tags func(i int) []string) {
	t.Helper()
	for i, n := range args {
		if d.Mem != nil {
			d.Mem.Clock.Advance(time.Second) // distinct start times on the fake clock
		}
		id := fmt.Sprintf("job-%d", i)
		if _, err := a.Start(ctx, "Jobs", "Run", json.RawMessage(fmt.Sprint(n)), admin.StartOptions{ID: id, Tags: tags(i)}); err != nil {
			t.Fatal(err)
		}
		want := map[bool]admin.Status{true: admin.StatusCompleted, false: admin.StatusRunning}[n > 0]
		if n < 0 {
			want = admin.StatusFailed
		}
		d.waitFor(ctx, t, id+" "+string(want), func() bool {
			in, err := a.Describe(ctx, "Jobs", id)
			return err == nil && in.Status == want
		})
	}
}

func ids(ins []*admin.Instance) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}

func TestListInstances(t *testing.T) {
	onBackends(t, registerJobs(), func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		// job-0..job-8: completed, failed, running, three times over.
		startJobs(ctx, t, d, a, []int{1, -1, 0, 2, -2, 0, 3, -3, 0}, func(i int) []string { return []string{fmt.Sprintf("group:%d", i%2)} })
		if err := a.Cancel(ctx, "Jobs", "job-5", "test"); err != nil {
			t.Fatal(err)
		}
		list := func(f admin.Filter, limit int, after string) admin.Page {
			t.Helper()
			p, err := a.List(ctx, "Jobs", f, limit, after)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		for _, tc := range []struct {
			name   string
			filter admin.Filter
			want   []string
		}{
			{"all, newest first", admin.Filter{}, []string{"job-8", "job-7", "job-6", "job-5", "job-4", "job-3", "job-2", "job-1", "job-0"}},
			{"failed", admin.Filter{Status: []admin.Status{admin.StatusFailed}}, []string{"job-7", "job-4", "job-1"}},
			{"running or canceled", admin.Filter{Status: []admin.Status{admin.StatusRunning, admin.StatusCanceled}}, []string{"job-8", "job-5", "job-2"}},
			{"tag", admin.Filter{Tag: "group:1"}, []string{"job-7", "job-5", "job-3", "job-1"}},
			{"completed with tag", admin.Filter{Status: []admin.Status{admin.StatusCompleted}, Tag: "group:0"}, []string{"job-6", "job-0"}},
		} {
			if got := ids(list(tc.filter, 0, "").Instances); !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
			if n, err := a.Count(ctx, "Jobs", tc.filter); err != nil || n != len(tc.want) {
				t.Errorf("%s: count %d %v, want %d", tc.name, n, err, len(tc.want))
			}
		}

		// Start time ranges, from the instances' own times.
		all := list(admin.Filter{}, 0, "").Instances
		from, to := all[6].Started, all[2].Started // job-2 (included) to job-6 (excluded)
		if got := ids(list(admin.Filter{StartedAfter: from, StartedBefore: to}, 0, "").Instances); !slices.Equal(got, []string{"job-5", "job-4", "job-3", "job-2"}) {
			t.Errorf("started in [job-2, job-6): %v", got)
		}
		if got := ids(list(admin.Filter{EndedAfter: all[8].Ended}, 0, "").Instances); !slices.Equal(got, []string{"job-7", "job-6", "job-5", "job-4", "job-3", "job-1", "job-0"}) {
			t.Errorf("ended since job-0: %v", got)
		}

		// Pages of 2 give every instance once, in the same order.
		var paged []string
		for after, pages := "", 0; pages < 10; pages++ {
			p := list(admin.Filter{}, 2, after)
			paged = append(paged, ids(p.Instances)...)
			if after = p.Next; after == "" {
				break
			}
		}
		if !slices.Equal(paged, ids(all)) {
			t.Errorf("paged: %v, want %v", paged, ids(all))
		}

		// A retried instance moves from failed to running.
		if err := a.RetryWorkflowTask(ctx, "Jobs", "job-7"); err == nil {
			d.waitFor(ctx, t, "job-7 failed again", func() bool {
				in, err := a.Describe(ctx, "Jobs", "job-7")
				return err == nil && in.Status == admin.StatusFailed && in.Generation == 1
			})
		} else {
			t.Fatal(err)
		}
		if n, _ := a.Count(ctx, "Jobs", admin.Filter{Status: []admin.Status{admin.StatusFailed}}); n != 3 {
			t.Errorf("failed after a retry that failed again: %d", n)
		}
	})
}

// A crash between an index write and its state's leaves a stale entry or
// (for states stored before the index) a missing one: List stays exact,
// and RepairIndex fixes the index.
func TestRepairIndex(t *testing.T) {
	env := infinitictest.New(t)
	registerJobs()(t, env.Worker)
	env.Start()
	ctx := testCtx(t)
	a, err := admin.New(ctx, admin.Config{Transport: env.Transport, Store: env.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	d := &deployment{Mem: env}
	startJobs(ctx, t, d, a, []int{1, 2, 0}, func(int) []string { return nil })

	// job-0 has no entry; a stale entry says job-1 runs; one for a
	// deleted instance; one just written (its state may be on its way).
	st, err := wire.ReadState(ctx, env.Store, "Jobs", "job-0")
	if err != nil {
		t.Fatal(err)
	}
	deleteKey(ctx, t, env.Store, wire.IndexKeys(st)[0])
	old := wire.IndexValue(time.Now().Add(-time.Hour))
	stale := wire.IndexPrefix("Jobs", wire.StatusRunning) + wire.IndexTime(time.Now()) + ".job-1"
	gone := wire.IndexPrefix("Jobs", wire.StatusCompleted) + wire.IndexTime(time.Now()) + ".gone"
	fresh := wire.IndexPrefix("Jobs", wire.StatusFailed) + wire.IndexTime(time.Now()) + ".job-2"
	for key, value := range map[string][]byte{stale: old, gone: old, fresh: wire.IndexValue(time.Now())} {
		if _, err := env.Store.Put(ctx, key, value, 0); err != nil {
			t.Fatal(err)
		}
	}
	p, err := a.List(ctx, "Jobs", admin.Filter{}, 0, "")
	if err != nil || !slices.Equal(ids(p.Instances), []string{"job-2", "job-1"}) {
		t.Fatalf("before repair: %v %v", ids(p.Instances), err)
	}
	r, err := a.RepairIndex(ctx, "Jobs", 0)
	if err != nil || r != (admin.Repair{Instances: 3, Added: 1, Removed: 2}) {
		t.Fatalf("repair: %+v %v", r, err)
	}
	if n, err := a.Count(ctx, "Jobs", admin.Filter{}); err != nil || n != 3 {
		t.Fatalf("after repair: %d %v", n, err)
	}
	if _, _, err := env.Store.Get(ctx, fresh); err != nil {
		t.Fatalf("the fresh entry was removed: %v", err)
	}
}

// Instances deleted by their retention leave the index.
func TestIndexFollowsRetention(t *testing.T) {
	env := infinitictest.New(t)
	registerJobs(worker.WithRetention(time.Hour))(t, env.Worker)
	env.Start()
	ctx := testCtx(t)
	a, err := admin.New(ctx, admin.Config{Transport: env.Transport, Store: env.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	id, err := a.Start(ctx, "Jobs", "Run", json.RawMessage(`5`), admin.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The entries are deleted after the state.
	(&deployment{Mem: env}).waitFor(ctx, t, "deleted with its index entries after its retention", func() bool {
		_, err := a.Describe(ctx, "Jobs", id)
		keys, kerr := env.Store.Keys(ctx, "index.Jobs.", "", 0)
		if kerr != nil {
			t.Fatal(kerr)
		}
		return err != nil && len(keys) == 0
	})
}

func deleteKey(ctx context.Context, t *testing.T, st store.Store, key string) {
	t.Helper()
	_, v, err := st.Get(ctx, key)
	if err == nil {
		err = st.Delete(ctx, key, v)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
}
