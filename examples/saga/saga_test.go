package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/transport/memory"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newEnv deploys the saga in memory; soldOut(p) runs before the worker
// starts, to make some providers fail.
func newEnv(t *testing.T, soldOut func(Providers), opts ...infinitictest.Option) (*infinitictest.Env, Providers) {
	t.Helper()
	env := infinitictest.New(t, opts...)
	p := NewProviders()
	if soldOut != nil {
		soldOut(p)
	}
	if err := Register(env.Worker, p); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env, p
}

func checkCalls(t *testing.T, name string, p *Provider, want ...string) {
	t.Helper()
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Errorf("%s calls: got %q, want %q", name, got, want)
	}
}

func TestBookTrip(t *testing.T) {
	env, p := newEnv(t, nil)
	got, err := client.Execute(testCtx(t), env.Client, TripBooking.Book, Trip{"Ada", "Lisbon", 3})
	if err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	if want := (Itinerary{Car: "CAR-1", Flight: "FLIGHT-1", Hotel: "HOTEL-1"}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for name, pr := range map[string]*Provider{"cars": p.Cars, "flights": p.Flights, "hotels": p.Hotels} {
		rs := pr.Reservations()
		if len(rs) != 1 || rs[0].Traveler != "Ada" || rs[0].City != "Lisbon" || rs[0].Canceled {
			t.Errorf("%s: want one active booking for Ada in Lisbon, got %+v", name, rs)
		}
	}
	checkCalls(t, "cars", p.Cars, "Book CAR-1")
}

// Whichever bookings fail, the others are canceled, and the client learns
// which failed, what was canceled, and why.
func TestBookTripCompensates(t *testing.T) {
	for _, tc := range []struct {
		name         string
		soldOut      func(Providers)
		failed       []string
		canceled     []string
		cars, hotels []string // calls
	}{
		{"hotel sold out", func(p Providers) { p.Hotels.SetSoldOut("Paris") },
			[]string{"Hotel"}, []string{"CAR-1", "FLIGHT-1"},
			[]string{"Book CAR-1", "Cancel CAR-1"}, nil},
		{"car sold out", func(p Providers) { p.Cars.SetSoldOut("Paris") },
			[]string{"CarRental"}, []string{"FLIGHT-1", "HOTEL-1"},
			nil, []string{"Book HOTEL-1", "Cancel HOTEL-1"}},
		{"car and hotel sold out", func(p Providers) { p.Cars.SetSoldOut("Paris"); p.Hotels.SetSoldOut("Paris") },
			[]string{"CarRental", "Hotel"}, []string{"FLIGHT-1"},
			nil, nil},
		{"everything sold out", func(p Providers) {
			p.Cars.SetSoldOut("Paris")
			p.Flights.SetSoldOut("Paris")
			p.Hotels.SetSoldOut("Paris")
		}, []string{"CarRental", "Airline", "Hotel"}, nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, p := newEnv(t, tc.soldOut)
			_, err := client.Execute(testCtx(t), env.Client, TripBooking.Book, Trip{"Grace", "Paris", 2})
			var wf *infinitic.WorkflowFailedError
			if !errors.As(err, &wf) {
				t.Fatalf("want a WorkflowFailedError, got %v", err)
			}
			var failed BookingFailedError
			if !AsBookingFailed(err, &failed) {
				t.Fatalf("no BookingFailedError in:\n%s", infinitic.ErrorChain(err))
			}
			if !slices.Equal(failed.Failed, tc.failed) || !slices.Equal(failed.Canceled, tc.canceled) {
				t.Fatalf("failed %q, canceled %q; want %q, %q", failed.Failed, failed.Canceled, tc.failed, tc.canceled)
			}
			// The chain goes on to the first failed task and the provider's error.
			var task *infinitic.TaskFailedError
			if !errors.As(err, &task) || task.Service != tc.failed[0] || task.Method != "Book" || task.Attempt != 1 {
				t.Fatalf("want %s.Book failed at attempt 1 in:\n%s", tc.failed[0], infinitic.ErrorChain(err))
			}
			var remote *infinitic.RemoteError
			if !errors.As(task, &remote) || remote.Type != "*main.SoldOutError" {
				t.Fatalf("want the SoldOutError cause, got %v", task.Cause)
			}
			// The compensations really happened.
			checkCalls(t, "cars", p.Cars, tc.cars...)
			checkCalls(t, "hotels", p.Hotels, tc.hotels...)
			for _, pr := range []*Provider{p.Cars, p.Flights, p.Hotels} {
				for _, r := range pr.Reservations() {
					if !r.Canceled {
						t.Errorf("booking %s still active", r.Ref)
					}
					if !slices.Contains(tc.canceled, r.Ref) {
						t.Errorf("booking %s was not reported as canceled", r.Ref)
					}
				}
			}
		})
	}
}

// Tasks may run more than once (here every message is delivered twice):
// Book is idempotent by task id, so each provider books and cancels once.
func TestCompensationUnderDuplicatedDelivery(t *testing.T) {
	env, p := newEnv(t, func(p Providers) { p.Flights.SetSoldOut("Oslo") },
		infinitictest.WithTransportOptions(memory.WithDuplicates()))
	_, err := client.Execute(testCtx(t), env.Client, TripBooking.Book, Trip{"Alan", "Oslo", 1})
	var failed BookingFailedError
	if !AsBookingFailed(err, &failed) || !slices.Equal(failed.Canceled, []string{"CAR-1", "HOTEL-1"}) {
		t.Fatalf("got %+v from:\n%s", failed, infinitic.ErrorChain(err))
	}
	checkCalls(t, "cars", p.Cars, "Book CAR-1", "Cancel CAR-1")
	checkCalls(t, "flights", p.Flights)
	checkCalls(t, "hotels", p.Hotels, "Book HOTEL-1", "Cancel HOTEL-1")
}

// TestRun runs what `go run ./examples/saga` runs, on the real clock.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(testCtx(t), &out); err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	want := `Ada to Lisbon: booked CAR-1, FLIGHT-1, HOTEL-1
Grace to Paris: Hotel failed; canceled CAR-2, FLIGHT-2
CAR-1: Ada in Lisbon, active
CAR-2: Grace in Paris, canceled
FLIGHT-1: Ada in Lisbon, active
FLIGHT-2: Grace in Paris, canceled
HOTEL-1: Ada in Lisbon, active
`
	if got := out.String(); got != want {
		t.Fatalf("printed:\n%s\nwant:\n%s", got, want)
	}
}
