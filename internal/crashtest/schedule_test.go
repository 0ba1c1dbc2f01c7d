package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/workflow"
)

// Ticks is what the schedule of TestKill9Schedule starts.
type Ticks interface {
	Tick(ctx workflow.Context, in string) (string, error)
}

type ticks struct{}

func (ticks) Tick(_ workflow.Context, in string) (string, error) { return in, nil }

// A schedule firing every second while workers and the server are
// kill -9ed: afterwards every slot from its creation to its last one was
// started exactly once (one instance per slot, none outside the slots) or
// counted as missed, and every run completed. About 15 s.
func TestKill9Schedule(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	t.Setenv("CRASH_LOG_DIR", dir)
	server := &proc{t: t, role: "server", env: []string{"CRASH_DIR=" + dir + "/data", fmt.Sprintf("CRASH_LISTEN=127.0.0.1:%d", port)}}
	server.start()
	workers := make([]*proc, 2)
	for i := range workers {
		workers[i] = &proc{t: t, role: "worker", env: []string{"CRASH_URL=" + url, "CRASH_EXEC_LOG=" + dir + "/executions.log", "CRASH_HOSTS=" + hostWorkflows}}
		workers[i].start()
	}
	t.Cleanup(func() {
		for _, w := range workers {
			w.kill9()
		}
		server.kill9()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	nc, err := connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	tr, st, err := backend(ctx, nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(ctx, client.Config{Transport: tr, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// retry runs op until it succeeds: requests fail while the server is
	// down.
	retry := func(what string, op func(ctx context.Context) error) {
		t.Helper()
		for {
			actx, cancel := attempt(ctx)
			err := op(actx)
			cancel()
			if err == nil {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("%s: %v", what, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	spec := schedule.Spec{Every: time.Second, Overlap: schedule.OverlapAllow, CatchUpWindow: time.Minute}
	retry("create", func(ctx context.Context) error { return schedule.Create(ctx, c, "tick", spec, Ticks.Tick, "tock") })

	for round := 1; round <= 6; round++ {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		w := workers[rand.IntN(len(workers))]
		w.kill9()
		if round%3 == 0 {
			server.kill9()
			server.start()
		}
		w.start()
	}
	// The schedule goes on after the kills; then it is paused, to count.
	after := time.Now().Add(2 * time.Second)
	var d schedule.Description
	for d.Last.Before(after) {
		retry("describe", func(ctx context.Context) error { d, err = schedule.Describe(ctx, c, "tick"); return err })
		time.Sleep(100 * time.Millisecond)
	}
	retry("pause", func(ctx context.Context) error { return schedule.Pause(ctx, c, "tick", "counting") })
	retry("describe", func(ctx context.Context) error { d, err = schedule.Describe(ctx, c, "tick"); return err })

	first := d.Created.Truncate(time.Second).Add(time.Second)
	slots := int(d.Last.Sub(first)/time.Second) + 1
	if d.Started+d.Missed != slots || d.Skipped != 0 {
		t.Fatalf("%d slots from %v to %v: started %d, missed %d, skipped %d", slots, first, d.Last, d.Started, d.Missed, d.Skipped)
	}
	// One instance per started slot, each completed, none elsewhere.
	runs := map[time.Time]bool{}
	for {
		runs = map[time.Time]bool{}
		running := 0
		err := conn.EachKey(ctx, st, wire.StatePrefix("Ticks"), func(key string) error {
			data, _, err := st.Get(ctx, key)
			if err != nil {
				return err
			}
			s, err := wire.DecodeState(data)
			if err != nil {
				return err
			}
			slot, err := time.Parse(time.RFC3339, strings.TrimPrefix(s.ID, "tick/"))
			if err != nil || slot.Before(first) || slot.After(d.Last) {
				return fmt.Errorf("run %s is not a slot of the schedule", s.ID)
			}
			runs[slot] = true
			if s.Status != wire.StatusCompleted {
				running++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if running == 0 && len(runs) == d.Started {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d runs stored (%d not completed), %d started", len(runs), running, d.Started)
		}
		time.Sleep(100 * time.Millisecond)
	}
	report := fmt.Sprintf("crash test, schedule: %d one-second slots through kill -9 of 6 workers and 2 servers: %d started once each and completed, %d missed",
		slots, d.Started, d.Missed)
	t.Log(report)
	fmt.Println(report)
}
