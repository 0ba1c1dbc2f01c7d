package crashtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/powerloss"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// powerLossWorkflows is 200 (INFINITIC_POWERLOSS_WORKFLOWS overrides: a
// longer run).
func powerLossWorkflows(t *testing.T) int {
	return countFromEnv(t, "INFINITIC_POWERLOSS_WORKFLOWS", 200)
}

// TestPowerLoss runs the server's data directory on a file system that
// loses, at a simulated power loss, every write not fsynced
// (internal/powerloss), kills every process but the test's (the outside
// world: it dispatches, and receives the results), rolls the files back
// and restarts. With the power-loss durability, nothing acknowledged may
// be lost: every dispatched workflow (Publish returned) completes exactly
// once, a completion once reported is never taken back (a workflow run
// again would report another result: its tasks' nonces differ), and the
// stored states survive a last power loss. With the default durability
// the same check must find losses: it shows that the simulation and the
// check can see them.
func TestPowerLoss(t *testing.T) {
	for _, tt := range []struct {
		durability embedded.Durability
		cutMidRun  bool // also cut the power twice while workflows run
		wantLoss   bool
	}{
		{embedded.DurabilityPowerLoss, true, false},
		{embedded.DurabilityProcessCrash, false, true},
	} {
		t.Run(tt.durability.String(), func(t *testing.T) {
			n := powerLossWorkflows(t)
			if tt.wantLoss {
				n = min(n, 100)
			}
			m := startMachine(t, tt.durability)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			nc, err := connect(m.url)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			tr, st, err := backend(ctx, nc, 1)
			if err != nil {
				t.Fatal(err)
			}
			if tr.GroupCommit() != (tt.durability == embedded.DurabilityPowerLoss) {
				t.Fatalf("GroupCommit() = %v with durability %v", tr.GroupCommit(), tt.durability)
			}
			res := &results{outputs: map[string]map[string]int{}, changed: make(chan struct{}, 1)}
			go collect(ctx, t, tr, res)

			dispatch(ctx, t, tr, 0, n) // returns once every Start is acknowledged
			if tt.cutMidRun {
				for _, share := range []int{3, 2} {
					waitResults(ctx, t, res, n/share)
					m.powerLoss(t)
					if lost := lostStates(ctx, t, st, res); lost > 0 {
						t.Fatalf("%d reported completions lost in a power loss while workflows ran", lost)
					}
				}
			}
			waitResults(ctx, t, res, n)
			verify(ctx, t, res, n)
			m.powerLoss(t)
			lost := lostStates(ctx, t, st, res)
			switch {
			case tt.wantLoss && lost == 0:
				t.Errorf("durability %v: no completed workflow lost its state in a power loss: the simulation shows nothing", tt.durability)
			case !tt.wantLoss && lost > 0:
				t.Errorf("durability %v: %d of %d reported completions lost in a power loss", tt.durability, lost, n)
			default:
				t.Logf("durability %v: %d of %d completed workflows lost in the last power loss", tt.durability, lost, n)
			}
		})
	}
}

// machine is what a power loss stops: the server, on a simulated disk,
// and the workers.
type machine struct {
	url             string
	disk            *powerloss.FS
	dir, saved, mnt string
	server          *proc
	workers         []*proc
}

func startMachine(t *testing.T, durability embedded.Durability) *machine {
	dir := t.TempDir()
	t.Setenv("CRASH_LOG_DIR", dir)
	m := &machine{dir: t.TempDir(), saved: t.TempDir(), mnt: t.TempDir()}
	m.mount(t)
	port := freePort(t)
	m.url = fmt.Sprintf("nats://127.0.0.1:%d", port)
	m.server = &proc{t: t, role: "server", env: []string{"CRASH_DIR=" + m.mnt + "/data",
		fmt.Sprintf("CRASH_LISTEN=127.0.0.1:%d", port), "CRASH_DURABILITY=" + durability.String()}}
	for range 2 {
		m.workers = append(m.workers, &proc{t: t, role: "worker", env: []string{"CRASH_URL=" + m.url, "CRASH_EXEC_LOG=" + dir + "/executions.log"}})
	}
	m.start()
	t.Cleanup(func() {
		m.stop()
		if m.disk != nil {
			_ = m.disk.Unmount()
		}
	})
	return m
}

func (m *machine) mount(t *testing.T) {
	disk, err := powerloss.Mount(m.dir, m.saved, m.mnt)
	if err != nil {
		t.Fatal(err)
	}
	m.disk = disk
}

func (m *machine) start() {
	m.server.start()
	for _, w := range m.workers {
		w.start()
	}
}

// stop kills the server first, in the middle of its writes, as a power
// loss would.
func (m *machine) stop() {
	m.server.kill9()
	for _, w := range m.workers {
		w.kill9()
	}
}

// powerLoss kills every process of the machine, drops what the disk had
// not made durable, and starts them again.
func (m *machine) powerLoss(t *testing.T) {
	m.stop()
	disk := m.disk
	m.disk = nil
	if err := disk.Unmount(); err != nil {
		t.Fatal(err)
	}
	loss, err := disk.PowerLoss()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("power loss: %d files lost %d bytes not fsynced", loss.Files, loss.Bytes)
	m.mount(t)
	m.start()
}

func waitResults(ctx context.Context, t *testing.T, res *results, n int) {
	for res.count() < n {
		select {
		case <-ctx.Done():
			t.Fatalf("only %d of %d workflows completed", res.count(), n)
		case <-res.changed:
		case <-time.After(time.Second):
		}
	}
}

// lostStates counts the workflows whose reported result is not their
// stored state.
func lostStates(ctx context.Context, t *testing.T, st store.Store, res *results) int {
	res.mu.Lock()
	defer res.mu.Unlock()
	lost := 0
	for id, outs := range res.outputs {
		var data []byte
		var err error
		for range 50 { // the store reconnects after the restart
			actx, cancel := attempt(ctx)
			data, _, err = st.Get(actx, wire.StateKey("Flows", id))
			cancel()
			if err == nil || ctx.Err() != nil || errors.Is(err, store.ErrNotFound) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		state, derr := wire.DecodeState(data)
		for out := range outs {
			if err != nil || derr != nil || state.Status != wire.StatusCompleted || string(state.Output) != out {
				lost++
				break
			}
		}
	}
	return lost
}
