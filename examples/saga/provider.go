package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/infinitic-go/infinitic"
)

// Provider is a fake booking system kept in memory. One Provider serves
// any of the three service contracts (CarRental, Airline and Hotel share
// their method set); give each its own Provider.
//
// Book is idempotent by task id: a task may run more than once (a retry
// after a crash, a duplicated message), and a second run returns the
// booking of the first instead of booking twice.
type Provider struct {
	prefix string

	mu           sync.Mutex
	soldOut      map[string]bool         // cities where Book fails
	reservations map[string]*Reservation // by reference
	byTask       map[string]string       // task id → reference
	calls        []string                // "Book CAR-1", "Cancel CAR-1"...
}

// Reservation is a booking held by a Provider.
type Reservation struct {
	Ref      string
	Traveler string
	City     string
	Canceled bool
}

// SoldOutError is returned by Book for a sold-out city.
type SoldOutError struct {
	Provider string
	City     string
}

func (e *SoldOutError) Error() string { return fmt.Sprintf("%s: sold out in %s", e.Provider, e.City) }

// ErrUnknownBooking is returned by Cancel for a reference it never gave.
var ErrUnknownBooking = errors.New("unknown booking")

// NewProvider returns a provider whose references start with prefix.
func NewProvider(prefix string) *Provider {
	return &Provider{prefix: prefix, soldOut: map[string]bool{},
		reservations: map[string]*Reservation{}, byTask: map[string]string{}}
}

// SetSoldOut makes Book fail (without retries) for city.
func (p *Provider) SetSoldOut(city string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.soldOut[city] = true
}

// Book implements the Book method of the three contracts.
func (p *Provider) Book(ctx context.Context, trip Trip) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.soldOut[trip.City] {
		// Retrying cannot help: fail the task at once.
		return "", infinitic.NonRetryable(&SoldOutError{Provider: p.prefix, City: trip.City})
	}
	if ref, ok := p.byTask[task.ID]; ok && task.ID != "" {
		return ref, nil // this task already booked
	}
	ref := fmt.Sprintf("%s-%d", p.prefix, len(p.reservations)+1)
	p.reservations[ref] = &Reservation{Ref: ref, Traveler: trip.Traveler, City: trip.City}
	p.byTask[task.ID] = ref
	p.calls = append(p.calls, "Book "+ref)
	return ref, nil
}

// Cancel implements the Cancel method of the three contracts.
func (p *Provider) Cancel(ctx context.Context, ref string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.reservations[ref]
	if !ok {
		return false, infinitic.NonRetryable(fmt.Errorf("%s: cancel %s: %w", p.prefix, ref, ErrUnknownBooking))
	}
	if r.Canceled {
		return false, nil
	}
	r.Canceled = true
	p.calls = append(p.calls, "Cancel "+ref)
	return true, nil
}

// Reservations returns a copy of every booking, canceled or not, by
// reference.
func (p *Provider) Reservations() []Reservation {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Reservation, 0, len(p.reservations))
	for _, r := range p.reservations {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Reservation) int { return compareRefs(a.Ref, b.Ref) })
	return out
}

// Calls returns the effective calls, in order: "Book <ref>" for each new
// booking, "Cancel <ref>" for each cancellation.
func (p *Provider) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// compareRefs orders "X-2" before "X-10".
func compareRefs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}
