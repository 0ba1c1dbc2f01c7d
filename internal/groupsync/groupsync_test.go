package groupsync

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A caller that arrives while a round runs is served by the next round,
// never by the running one.
func TestLateCallerWaitsForNextRound(t *testing.T) {
	started := make(chan int, 4)
	release := make(chan struct{})
	var rounds atomic.Int32
	g := New(func(context.Context) error {
		started <- int(rounds.Add(1))
		<-release
		return nil
	})
	first := make(chan error, 1)
	go func() { first <- g.Wait(context.Background()) }()
	if r := <-started; r != 1 {
		t.Fatalf("first round is %d", r)
	}
	second := make(chan error, 1)
	g.Then(func(err error) { second <- err })
	release <- struct{}{} // end round 1
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-second:
		t.Fatalf("the late caller was served (%v) by the round that was running when it arrived", err)
	default:
	}
	if r := <-started; r != 2 {
		t.Fatalf("second round is %d", r)
	}
	release <- struct{}{}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// Callers that arrive during a round share the next one.
func TestCallersShareRounds(t *testing.T) {
	release := make(chan struct{})
	var rounds atomic.Int32
	g := New(func(context.Context) error {
		if rounds.Add(1) == 1 {
			<-release
		}
		return nil
	})
	first := make(chan error, 1)
	go func() { first <- g.Wait(context.Background()) }()
	for rounds.Load() == 0 { // wait for round 1 to hold the group
		runtime.Gosched()
	}
	const callers = 50
	var wg sync.WaitGroup
	var queued sync.WaitGroup
	queued.Add(callers)
	for range callers {
		wg.Go(func() {
			done := make(chan error, 1)
			g.Then(func(err error) { done <- err })
			queued.Done()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	queued.Wait()
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if r := rounds.Load(); r != 2 {
		t.Errorf("%d rounds for 1 + %d callers, want 2", r, callers)
	}
}

func TestErrorsAndCancel(t *testing.T) {
	boom := errors.New("boom")
	block := make(chan struct{})
	defer close(block)
	tests := []struct {
		name string
		do   func(context.Context) error
		ctx  func() context.Context
		want error
	}{
		{"round error", func(context.Context) error { return boom }, context.Background, boom},
		{"no error", func(context.Context) error { return nil }, context.Background, nil},
		{"caller gives up", func(context.Context) error { <-block; return nil }, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := New(tt.do).Wait(tt.ctx()); !errors.Is(err, tt.want) {
				t.Errorf("Wait: %v, want %v", err, tt.want)
			}
			if err := New(tt.do).Join(tt.ctx()); !errors.Is(err, tt.want) {
				t.Errorf("Join: %v, want %v", err, tt.want)
			}
		})
	}
}

// A caller that joins is served by the running round; with none running,
// by a new one.
func TestJoinServedByRunningRound(t *testing.T) {
	started := make(chan int, 4)
	release := make(chan struct{})
	var rounds atomic.Int32
	g := New(func(context.Context) error {
		started <- int(rounds.Add(1))
		<-release
		return nil
	})
	first := make(chan error, 1)
	go func() { first <- g.Wait(context.Background()) }()
	if r := <-started; r != 1 {
		t.Fatalf("first round is %d", r)
	}
	joined := make(chan error, 1)
	go func() { joined <- g.Join(context.Background()) }()
	for { // until Join queued itself
		g.mu.Lock()
		n := len(g.joined)
		g.mu.Unlock()
		if n == 1 {
			break
		}
		runtime.Gosched()
	}
	release <- struct{}{} // end round 1
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-joined; err != nil {
		t.Fatal(err)
	}
	if r := rounds.Load(); r != 1 {
		t.Fatalf("%d rounds: Join waited for another one", r)
	}

	go func() { joined <- g.Join(context.Background()) }() // nothing running now
	if r := <-started; r != 2 {
		t.Fatalf("Join with no round running: round %d started", r)
	}
	release <- struct{}{}
	if err := <-joined; err != nil {
		t.Fatal(err)
	}
}

// Then on a lazy group starts no round: its callback rides on the next
// round that a Wait starts, also when it arrives while a round runs.
func TestLazyThenRidesOnNextRound(t *testing.T) {
	started := make(chan int, 4)
	release := make(chan struct{})
	var rounds atomic.Int32
	g := NewLazy(func(context.Context) error {
		started <- int(rounds.Add(1))
		<-release
		return nil
	}, time.Hour)
	acked := make(chan int, 2)
	g.Then(func(error) { acked <- int(rounds.Load()) }) // idle group: no round
	first := make(chan error, 1)
	go func() { first <- g.Wait(context.Background()) }()
	if r := <-started; r != 1 {
		t.Fatalf("first round is %d", r)
	}
	g.Then(func(error) { acked <- int(rounds.Load()) }) // during round 1
	release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if r := <-acked; r != 1 {
		t.Fatalf("the first Then was served by round %d, want 1", r)
	}
	second := make(chan error, 1)
	go func() { second <- g.Wait(context.Background()) }()
	if r := <-started; r != 2 {
		t.Fatalf("the Wait after round 1 got round %d: the Then started one of its own", r)
	}
	release <- struct{}{}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if r := <-acked; r != 2 {
		t.Fatalf("the second Then was served by round %d, want 2", r)
	}
}

// With nobody else to start a round, a lazy Then gets one after its delay.
func TestLazyThenAlone(t *testing.T) {
	var rounds atomic.Int32
	g := NewLazy(func(context.Context) error { rounds.Add(1); return nil }, time.Millisecond)
	done := make(chan error, 1)
	g.Then(func(err error) { done <- err })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r := rounds.Load(); r != 1 {
		t.Fatalf("%d rounds", r)
	}
}
