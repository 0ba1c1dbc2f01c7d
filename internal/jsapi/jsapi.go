// Package jsapi retries JetStream API calls that fail while a NATS cluster
// is not ready: its JetStream leader not yet elected (requests go
// unanswered, or "JetStream system temporarily unavailable"), or fewer
// servers known than a stream's replicas ("no suitable peers"). A single
// server answers at once; a cluster just started takes a few seconds.
package jsapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// AttemptTimeout bounds one attempt, so that a request that the cluster
// drops is sent again.
const AttemptTimeout = 5 * time.Second

// ReadyTimeout bounds the retries when the caller's context has no
// deadline.
const ReadyTimeout = time.Minute

// Codes of the JetStream API errors of a cluster that is not ready.
const (
	codeNoPeers         = 10005 // no suitable peers for placement (yet)
	codeClusterNotAvail = 10008 // JetStream system temporarily unavailable
	codeNotLeader       = 10009
	codeNoResources     = 10023 // insufficient resources
)

// Retry calls f until it succeeds, fails for another reason than a
// cluster that is not ready, or ctx (or ReadyTimeout without a deadline)
// ends. Each attempt gets its own AttemptTimeout.
func Retry(ctx context.Context, f func(ctx context.Context) error) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ReadyTimeout)
		defer cancel()
	}
	delay := 50 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, AttemptTimeout)
		err := f(actx)
		cancel()
		if err == nil || !notReady(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (the cluster has no JetStream leader, or fewer servers than the replicas asked for)", err)
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// notReady reports whether err comes from a cluster that is not ready.
func notReady(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) {
		return true
	}
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode {
	case codeNoPeers, codeClusterNotAvail, codeNotLeader, codeNoResources:
		return true
	}
	return false
}
