package main

import (
	"errors"

	"github.com/infinitic-go/infinitic/worker"
)

// Providers are the three fake booking systems of a deployment.
type Providers struct {
	Cars    *Provider
	Flights *Provider
	Hotels  *Provider
}

// NewProviders returns three empty providers.
func NewProviders() Providers {
	return Providers{Cars: NewProvider("CAR"), Flights: NewProvider("FLIGHT"), Hotels: NewProvider("HOTEL")}
}

// Register puts the three services and the TripBooking workflow on w.
// Services keep the default retry policy: a provider that is down is
// retried with backoff, for bookings and for compensations alike.
func Register(w *worker.Worker, p Providers) error {
	return errors.Join(
		worker.AddService[CarRental](w, p.Cars),
		worker.AddService[Airline](w, p.Flights),
		worker.AddService[Hotel](w, p.Hotels),
		worker.AddWorkflow(w, func() TripBooking { return tripBooking{} }),
	)
}
