package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/infinitic-go/infinitic"
)

// Saga undoes the steps of a workflow that cannot finish: after each step
// that succeeded, register its compensation (Add); if a later step fails,
// Compensate runs the compensations in reverse order (or all at once with
// SagaParallel) and returns the step's error with the errors of the
// compensations that failed, in one *SagaError. A Saga is workflow state:
// create it in the workflow method (not in a package variable).
//
//	saga := workflow.NewSaga()
//	car, err := workflow.Call(ctx, CarRental.Book, trip)
//	if err != nil {
//		return Itinerary{}, saga.Compensate(ctx, err)
//	}
//	saga.Add(workflow.Undo(CarRental.Cancel, car))
//
// A compensation that calls a service (Undo) is retried by the service's
// retry policy (worker.WithRetry), like any task; a compensation function
// that returns an error is run again per SagaRetry (default: not again).
// Compensations must be idempotent: a retried task may have run before.
type Saga struct {
	steps    []func(ctx Context) error
	parallel bool
	retry    infinitic.RetryPolicy
}

// SagaOption configures a Saga.
type SagaOption func(*Saga)

// SagaParallel runs the compensations all at once (each in an Async
// branch) instead of one after the other in reverse order.
func SagaParallel() SagaOption { return func(s *Saga) { s.parallel = true } }

// SagaRetry sets how a compensation function that returns an error is run
// again: after durable timers of the policy's delays (without its random
// factor, so that replays wait the same), until it succeeds or
// p.MaxRetries retries failed. Service calls made by compensations are
// retried by their service's policy in any case.
func SagaRetry(p infinitic.RetryPolicy) SagaOption { return func(s *Saga) { s.retry = p } }

// NewSaga returns a Saga with no compensation.
func NewSaga(opts ...SagaOption) *Saga {
	s := &Saga{}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Add registers the compensation of a step that succeeded.
func (s *Saga) Add(compensation func(ctx Context) error) { s.steps = append(s.steps, compensation) }

// Undo is a compensation that calls a service method, for Saga.Add:
// saga.Add(workflow.Undo(Hotel.Cancel, ref)). Its output is ignored.
func Undo[S, I, O any](method func(S, context.Context, I) (O, error), in I, opts ...Option) func(ctx Context) error {
	return func(ctx Context) error {
		_, err := Call(ctx, method, in, opts...)
		return err
	}
}

// Compensate runs the compensations registered so far, in reverse order of
// Add (all at once with SagaParallel), each retried per SagaRetry, and
// forgets them. It returns a *SagaError holding cause and the errors of the
// compensations that still failed (nil if cause is nil and every
// compensation succeeded). A compensation that fails does not stop the
// others. After a cancel of the instance reached the code (HandleCancel),
// the compensations run Disconnected, so that the cancel does not fail
// them.
func (s *Saga) Compensate(ctx Context, cause error) error {
	if Canceled(ctx) != nil {
		return Disconnected(ctx, func(ctx Context) error { return s.compensate(ctx, cause) })
	}
	return s.compensate(ctx, cause)
}

func (s *Saga) compensate(ctx Context, cause error) error {
	steps := slices.Clone(s.steps)
	s.steps = nil
	slices.Reverse(steps)
	var errs []error
	if s.parallel {
		ds := make([]Deferred[struct{}], len(steps))
		for i, step := range steps {
			ds[i] = Async(ctx, func(ctx Context) (struct{}, error) { return struct{}{}, s.run(ctx, step) })
		}
		for _, d := range ds {
			if _, err := d.Await(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	} else {
		for _, step := range steps {
			if err := s.run(ctx, step); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if cause == nil && len(errs) == 0 {
		return nil
	}
	return &SagaError{Cause: cause, Compensations: errs}
}

// run runs one compensation, again after delays per s.retry.
func (s *Saga) run(ctx Context, step func(ctx Context) error) error {
	p := s.retry
	p.RandomFactor = 0
	for retry := 1; ; retry++ {
		err := step(ctx)
		if err == nil {
			return nil
		}
		delay, again := p.Delay(retry, err)
		if !again {
			return err
		}
		if serr := Sleep(ctx, delay); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

// SagaError is what Saga.Compensate returns: the error that made the
// workflow compensate, and the errors of the compensations that failed
// after their retries, in the order they ran. errors.Is and errors.As see
// all of them (Unwrap). Across the wire (a client awaiting the workflow),
// it arrives as a *infinitic.RemoteError whose message lists them all and
// whose cause is Cause.
type SagaError struct {
	Cause         error
	Compensations []error
}

func (e *SagaError) Error() string {
	msg := "saga compensated"
	if e.Cause != nil {
		msg = fmt.Sprintf("%v; saga compensated", e.Cause)
	}
	if len(e.Compensations) == 0 {
		return msg
	}
	parts := make([]string, len(e.Compensations))
	for i, err := range e.Compensations {
		parts[i] = err.Error()
	}
	return fmt.Sprintf("%s, %d compensation(s) failed: %s", msg, len(e.Compensations), strings.Join(parts, "; "))
}

// Unwrap returns Cause, then the compensations' errors.
func (e *SagaError) Unwrap() []error {
	if e.Cause == nil {
		return e.Compensations
	}
	return append([]error{e.Cause}, e.Compensations...)
}
