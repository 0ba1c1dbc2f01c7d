package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Edgy's methods combine a failing task (Switch.Check, off until switched
// on) with channels, tags and custom ids: what a retry must keep intact.
type Edgy interface {
	// CheckWhileReceiving dispatches a check, receives a note, then awaits
	// the check: the note can arrive after the check failed.
	CheckWhileReceiving(ctx workflow.Context, n int) (string, error)
	// CheckThenReceive checks, then receives a note.
	CheckThenReceive(ctx workflow.Context, n int) (string, error)
	// CheckInChild checks in a child workflow (Check).
	CheckInChild(ctx workflow.Context, n int) (string, error)
	Check(ctx workflow.Context, n int) (int, error)
}

var Notes = workflow.NewChannel[Edgy, string]("notes")

type edgy struct{}

func (edgy) CheckWhileReceiving(ctx workflow.Context, n int) (string, error) {
	check := workflow.Dispatch(ctx, Switch.Check, n)
	note, err := Notes.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	v, err := check.Await(ctx)
	return fmt.Sprintf("%s %d", note, v), err
}

func (edgy) CheckThenReceive(ctx workflow.Context, n int) (string, error) {
	v, err := workflow.Call(ctx, Switch.Check, n)
	if err != nil {
		return "", err
	}
	note, err := Notes.Receive(ctx).Await(ctx)
	return fmt.Sprintf("%s %d", note, v), err
}

func (edgy) CheckInChild(ctx workflow.Context, n int) (string, error) {
	v, err := workflow.CallChild(ctx, Edgy.Check, n)
	return fmt.Sprint("child ", v), err
}

func (edgy) Check(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Switch.Check, n)
}

// edgyWorker registers Edgy and a Switch without retries; the returned
// switch is off.
func edgyWorker(opts ...worker.WorkflowOption) (func(*testing.T, *worker.Worker), *atomic.Bool) {
	on := &atomic.Bool{}
	return func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(
			worker.AddService[Switch](w, switchImpl{on, &atomic.Int64{}}, worker.WithRetry(infinitic.NoRetry)),
			worker.AddWorkflow(w, func() Edgy { return edgy{} }, opts...),
		); err != nil {
			t.Fatal(err)
		}
	}, on
}

// awaitTaskFailure awaits run and checks that it failed on a task.
func awaitTaskFailure(ctx context.Context, t *testing.T, run *client.Run[string]) {
	t.Helper()
	var task *infinitic.TaskFailedError
	if got, err := run.Await(ctx); !errors.As(err, &task) {
		t.Fatalf("want a task failure, got %q %v", got, err)
	}
}

// historyHasFailure tells whether the instance's history holds a failed
// outcome.
func historyHasFailure(ctx context.Context, run *client.Run[string]) bool {
	raw, err := run.Inspect(ctx)
	if err != nil {
		return false
	}
	var view struct{ History []struct{ Error string } }
	if err := jsonUnmarshal(raw, &view); err != nil {
		return false
	}
	return slices.ContainsFunc(view.History, func(r struct{ Error string }) bool { return r.Error != "" })
}

// historyHas tells whether the instance's recent history holds a command
// of that kind.
func historyHas(ctx context.Context, run *client.Run[string], kind string) bool {
	raw, err := run.Inspect(ctx)
	if err != nil {
		return false
	}
	var view struct{ History []struct{ Command string } }
	if err := jsonUnmarshal(raw, &view); err != nil {
		return false
	}
	return slices.ContainsFunc(view.History, func(r struct{ Command string }) bool { return strings.HasPrefix(r.Command, kind+" ") })
}

// Item 1 of issue 11: a value that Send acknowledged after a task failed
// survives RetryTasks, which cuts the history at that failure.
func TestRetryTasksKeepsAcknowledgedSignals(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Edgy.CheckWhileReceiving, 5)
		if err != nil {
			t.Fatal(err)
		}
		d.waitFor(ctx, t, "the check's failure in the history", func() bool { return historyHasFailure(ctx, run) })
		if err := client.Send(ctx, d.Client, Notes, run.ID(), "kept"); err != nil {
			t.Fatal(err)
		}
		awaitTaskFailure(ctx, t, run)
		on.Store(true)
		defer on.Store(false)
		if err := run.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != "kept 50" {
			t.Fatalf("after retry: %q %v, want %q", got, err, "kept 50")
		}
	})
}

// Item 2 of issue 11: a retried instance is back in the tag index, for
// FindByTag, SendByTag and CancelByTag.
func TestRetriedInstanceIsBackInTagIndex(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		var runs []*client.Run[string]
		for _, tag := range []string{"to-send", "to-cancel"} {
			run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 5, client.WithTags("edgy", tag))
			if err != nil {
				t.Fatal(err)
			}
			awaitTaskFailure(ctx, t, run)
			runs = append(runs, run)
		}
		if ids, err := client.FindByTag[Edgy](ctx, d.Client, "edgy"); err != nil || len(ids) != 0 {
			t.Fatalf("failed instances are not running: FindByTag gave %v %v", ids, err)
		}
		on.Store(true)
		defer on.Store(false)
		for _, run := range runs {
			if err := run.RetryTasks(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := client.FindByTag[Edgy](ctx, d.Client, "edgy")
		want := []string{runs[0].ID(), runs[1].ID()}
		slices.Sort(ids)
		slices.Sort(want)
		if err != nil || !slices.Equal(ids, want) {
			t.Fatalf("after retry: FindByTag gave %v %v, want %v", ids, err, want)
		}
		if n, err := client.SendByTag(ctx, d.Client, Notes, "to-send", "tagged"); err != nil || n != 1 {
			t.Fatalf("SendByTag: %d %v", n, err)
		}
		if got, err := runs[0].Await(ctx); err != nil || got != "tagged 50" {
			t.Fatalf("%q %v", got, err)
		}
		if n, err := client.CancelByTag[Edgy](ctx, d.Client, "to-cancel", "done"); err != nil || n != 1 {
			t.Fatalf("CancelByTag: %d %v", n, err)
		}
		if _, err := runs[1].Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
			t.Fatalf("want canceled, got %v", err)
		}
	})
}

// Item 3 of issue 11: at most one running instance per custom id, across
// a failure, a second start and retries. A failed instance has finished:
// a new start takes its custom id, and retrying the failed one is refused
// while the new one runs.
func TestCustomIDOneRunningAcrossFailureAndRetry(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		first, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 1, client.WithCustomID("cid"))
		if err != nil {
			t.Fatal(err)
		}
		awaitTaskFailure(ctx, t, first)
		on.Store(true)
		defer on.Store(false)
		second, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 2, client.WithCustomID("cid"))
		if err != nil {
			t.Fatal(err)
		}
		if second.ID() == first.ID() {
			t.Fatal("a start after a failure joined the failed instance")
		}
		for _, retry := range []func(context.Context) error{
			func(ctx context.Context) error { return first.RetryTasks(ctx) },
			first.RetryWorkflowTask,
		} {
			if err := retry(ctx); !errors.Is(err, infinitic.ErrCustomIDInUse) {
				t.Fatalf("retry while another instance owns the custom id: want ErrCustomIDInUse, got %v", err)
			}
		}
		d.waitFor(ctx, t, "the second instance indexed", func() bool {
			ids, _ := client.FindByTag[Edgy](ctx, d.Client, "customId:cid")
			return slices.Equal(ids, []string{second.ID()})
		})
		if err := client.Send(ctx, d.Client, Notes, second.ID(), "second"); err != nil {
			t.Fatal(err)
		}
		if got, err := second.Await(ctx); err != nil || got != "second 20" {
			t.Fatalf("%q %v", got, err)
		}
		// The owner finished: the failed instance may run again, and owns
		// the custom id once more.
		if err := first.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		third, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 3, client.WithCustomID("cid"))
		if err != nil {
			t.Fatal(err)
		}
		if third.ID() != first.ID() {
			t.Fatalf("a start while the retried instance runs started %s", third.ID())
		}
		if err := client.Send(ctx, d.Client, Notes, first.ID(), "first"); err != nil {
			t.Fatal(err)
		}
		if got, err := third.Await(ctx); err != nil || got != "first 10" {
			t.Fatalf("%q %v", got, err)
		}
	})
}

// Item 4 of issue 11: once retention deleted an instance, its custom id
// starts a new instance.
func TestCustomIDAfterRetention(t *testing.T) {
	register, on := edgyWorker(worker.WithRetention(100 * time.Millisecond))
	on.Store(true)
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		var last string
		for i := range 2 {
			run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, i, client.WithCustomID("kept-briefly"))
			if err != nil {
				t.Fatal(err)
			}
			if run.ID() == last {
				t.Fatal("the custom id of a deleted instance was joined")
			}
			last = run.ID()
			if err := client.Send(ctx, d.Client, Notes, run.ID(), "note"); err != nil {
				t.Fatal(err)
			}
			if got, err := run.Await(ctx); err != nil || got != fmt.Sprintf("note %d", i*10) {
				t.Fatalf("run %d: %q %v", i, got, err)
			}
			d.waitFor(ctx, t, "the instance deleted", func() bool {
				_, err := run.Inspect(ctx)
				return errors.Is(err, infinitic.ErrInstanceNotFound)
			})
		}
	})
}

// Item 10 of issue 11: after RetryTasks from any handle (another handle
// of the same client, another client), every handle's Await returns the
// new outcome; a Run is safe for concurrent use (Await racing RetryTasks
// on one handle, under -race).
func TestAwaitAfterRetryFromAnyHandle(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		other, err := client.New(ctx, client.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 5)
		if err != nil {
			t.Fatal(err)
		}
		same, _ := client.Attach(d.Client, Edgy.CheckThenReceive, run.ID())
		remote, _ := client.Attach(other, Edgy.CheckThenReceive, run.ID())
		handles := []*client.Run[string]{run, same, remote}
		for _, h := range handles {
			awaitTaskFailure(ctx, t, h)
		}
		on.Store(true)
		defer on.Store(false)
		racing := make(chan error, 1)
		go func() { _, err := run.Await(ctx); racing <- err }()
		if err := same.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		if err := client.Send(ctx, d.Client, Notes, run.ID(), "again"); err != nil {
			t.Fatal(err)
		}
		for i, h := range handles {
			if got, err := h.Await(ctx); err != nil || got != "again 50" {
				t.Fatalf("handle %d after the retry: %q %v", i, got, err)
			}
		}
		var task *infinitic.TaskFailedError
		if err := <-racing; err != nil && !errors.As(err, &task) {
			t.Fatalf("Await racing the retry: %v", err)
		}
	})
}

// Item 11 of issue 11: messages for an id that never starts have a
// bounded life (worker.WithEarlyMessageLife): then their senders get
// ErrInstanceNotFound and nothing is left in the store.
func TestMessagesForAnIDThatNeverStarts(t *testing.T) {
	register, on := edgyWorker(worker.WithEarlyMessageLife(200 * time.Millisecond))
	on.Store(true)
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		if err := client.Send(ctx, d.Client, Notes, "never-1", "lost"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Fatalf("Send: want ErrInstanceNotFound, got %v", err)
		}
		never, _ := client.Attach(d.Client, Edgy.CheckThenReceive, "never-2")
		if err := never.Cancel(ctx, "why"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Fatalf("Cancel: want ErrInstanceNotFound, got %v", err)
		}
		method, err := client.StartMethod(ctx, d.Client, Edgy.CheckThenReceive, "never-3", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := method.Await(ctx); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Fatalf("method run: want ErrInstanceNotFound, got %v", err)
		}
		d.waitFor(ctx, t, "no state left", func() bool {
			keys, err := d.Store.Keys(ctx, "state.", "", 0)
			return err == nil && len(keys) == 0
		})
		// The id is free: starting it later works as usual.
		run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 1, client.WithID("never-1"))
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Send(ctx, d.Client, Notes, run.ID(), "late"); err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != "late 10" {
			t.Fatalf("%q %v", got, err)
		}
	})
}

// A restart (everything stopped, then started again on the same data)
// meets tags, custom ids, channels and a retry: the running instance is
// still indexed, its custom id is joined, it receives a value; a failed
// instance is retried after the restart.
func TestRestartMeetsTagsCustomIDsChannelsAndRetries(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		on.Store(true)
		run, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 4, client.WithTags("restart"), client.WithCustomID("rcid"))
		if err != nil {
			t.Fatal(err)
		}
		d.waitFor(ctx, t, "the first instance past its check", func() bool { return historyHas(ctx, run, "receive") })
		on.Store(false)
		failed, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 3)
		if err != nil {
			t.Fatal(err)
		}
		awaitTaskFailure(ctx, t, failed)
		d = d.restarted(t)
		on.Store(true)
		defer on.Store(false)
		if ids, err := client.FindByTag[Edgy](ctx, d.Client, "restart"); err != nil || !slices.Equal(ids, []string{run.ID()}) {
			t.Fatalf("after restart: FindByTag %v %v", ids, err)
		}
		joined, err := client.Start(ctx, d.Client, Edgy.CheckThenReceive, 9, client.WithCustomID("rcid"))
		if err != nil || joined.ID() != run.ID() {
			t.Fatalf("after restart: custom id gave %v %v, want %s", joined, err, run.ID())
		}
		if err := client.Send(ctx, d.Client, Notes, run.ID(), "after"); err != nil {
			t.Fatal(err)
		}
		if got, err := joined.Await(ctx); err != nil || got != "after 40" {
			t.Fatalf("%q %v", got, err)
		}
		again, _ := client.Attach(d.Client, Edgy.CheckThenReceive, failed.ID())
		if err := again.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		if err := client.Send(ctx, d.Client, Notes, failed.ID(), "retried"); err != nil {
			t.Fatal(err)
		}
		if got, err := again.Await(ctx); err != nil || got != "retried 30" {
			t.Fatalf("%q %v", got, err)
		}
	})
}

// A retry meets a child workflow: RetryTasks on a parent that failed
// because its child failed on a task retries the child's tasks too, and
// the parent gets the child's new outcome (the message of a retried
// child's outcome is not a duplicate of its first).
func TestRetryTasksRetriesAFailedChild(t *testing.T) {
	register, on := edgyWorker()
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Edgy.CheckInChild, 6)
		if err != nil {
			t.Fatal(err)
		}
		awaitTaskFailure(ctx, t, run)
		on.Store(true)
		defer on.Store(false)
		if err := run.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != "child 60" {
			t.Fatalf("after retry: %q %v", got, err)
		}
	})
}

// Tally's main method checks (Switch) while receiving a note; Bump, run
// in parallel, adds to the shared total.
type Tally interface {
	Run(ctx workflow.Context, n int) (int, error)
	Bump(ctx workflow.Context, by int) (int, error)
}

var TallyNotes = workflow.NewChannel[Tally, string]("notes")

type tally struct{ total int }

func (t *tally) Run(ctx workflow.Context, n int) (int, error) {
	check := workflow.Dispatch(ctx, Switch.Check, n)
	if _, err := TallyNotes.Receive(ctx).Await(ctx); err != nil {
		return 0, err
	}
	v, err := check.Await(ctx)
	return t.total + v, err
}

func (t *tally) Bump(ctx workflow.Context, by int) (int, error) {
	t.total += by
	return t.total, nil
}

// A retry meets a parallel method run: a method run started after the
// failed task is run again after the cut, like an acknowledged signal.
func TestRetryTasksKeepsMethodRuns(t *testing.T) {
	on := &atomic.Bool{}
	register := func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(
			worker.AddService[Switch](w, switchImpl{on, &atomic.Int64{}}, worker.WithRetry(infinitic.NoRetry)),
			worker.AddWorkflow(w, func() Tally { return &tally{} }),
		); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Tally.Run, 5)
		if err != nil {
			t.Fatal(err)
		}
		d.waitFor(ctx, t, "the check's failure in the history", func() bool {
			raw, err := run.Inspect(ctx)
			return err == nil && strings.Contains(string(raw), "switched off")
		})
		bump, err := client.StartMethod(ctx, d.Client, Tally.Bump, run.ID(), 7)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := bump.Await(ctx); err != nil || got != 7 {
			t.Fatalf("Bump: %d %v", got, err)
		}
		if err := client.Send(ctx, d.Client, TallyNotes, run.ID(), "go"); err != nil {
			t.Fatal(err)
		}
		var task *infinitic.TaskFailedError
		if _, err := run.Await(ctx); !errors.As(err, &task) {
			t.Fatalf("want the check's failure, got %v", err)
		}
		on.Store(true)
		if err := run.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != 57 {
			t.Fatalf("after retry: %d %v, want 57 (the bump kept)", got, err)
		}
		on.Store(false)
	})
}
