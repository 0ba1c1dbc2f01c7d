package groupsync

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
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
		})
	}
}
