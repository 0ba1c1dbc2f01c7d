// Command saga books a trip as a saga: a rental car, a flight and a hotel
// are booked in parallel; if any booking fails, the ones that succeeded
// are canceled by compensation tasks (a workflow.Saga), so that a trip is
// either fully booked or not booked at all. It is the booking example of Infinitic's
// documentation, in Go.
//
//	go run ./examples/saga
//
// The three providers are fakes kept in memory (see Provider); a provider
// can be told that a city is sold out, which makes its bookings there fail.
// The program books two trips: one succeeds, the other hits a sold-out
// hotel and is compensated.
package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/workflow"
)

// Trip is what a traveler asks for.
type Trip struct {
	Traveler string
	City     string
	Nights   int
}

// Itinerary is a fully booked trip: one booking reference per provider.
type Itinerary struct {
	Car    string
	Flight string
	Hotel  string
}

// CarRental is a service contract: a rental company's booking API.
type CarRental interface {
	// Book reserves a car for the trip and returns the booking reference.
	Book(ctx context.Context, trip Trip) (string, error)
	// Cancel cancels a booking (the compensation of Book). It returns
	// false if the booking was already canceled.
	Cancel(ctx context.Context, ref string) (bool, error)
}

// Airline is a service contract: an airline's booking API.
type Airline interface {
	// Book reserves a flight to the trip's city.
	Book(ctx context.Context, trip Trip) (string, error)
	// Cancel cancels a booking; false if it was already canceled.
	Cancel(ctx context.Context, ref string) (bool, error)
}

// Hotel is a service contract: a hotel chain's booking API.
type Hotel interface {
	// Book reserves a room for the trip's nights.
	Book(ctx context.Context, trip Trip) (string, error)
	// Cancel cancels a booking; false if it was already canceled.
	Cancel(ctx context.Context, ref string) (bool, error)
}

// TripBooking is the workflow contract.
type TripBooking interface {
	// Book books the car, the flight and the hotel of trip, or none of
	// them: it fails with a *BookingFailedError after compensating.
	Book(ctx workflow.Context, trip Trip) (Itinerary, error)
}

// BookingFailedError is returned by TripBooking.Book when a booking
// failed. Its fields cross the wire: a client finds it as the
// *infinitic.RemoteError cause of the *infinitic.WorkflowFailedError and
// reads it back with RemoteError.DecodeFields. Unwrap gives the first
// failure (a *infinitic.TaskFailedError), so the chain goes on to the
// provider's error.
type BookingFailedError struct {
	// Failed lists the services whose booking failed, e.g. ["Hotel"].
	Failed []string
	// Canceled lists the references of the bookings that succeeded and
	// were canceled by compensation.
	Canceled []string

	cause error
}

func (e *BookingFailedError) Error() string {
	return fmt.Sprintf("trip not booked: %s failed; canceled %s",
		strings.Join(e.Failed, ", "), orNone(e.Canceled))
}

// Unwrap returns the first failure.
func (e *BookingFailedError) Unwrap() error { return e.cause }

func orNone(refs []string) string {
	if len(refs) == 0 {
		return "nothing"
	}
	return strings.Join(refs, ", ")
}
