package main

import (
	"github.com/infinitic-go/infinitic/workflow"
)

// tripBooking implements TripBooking.
type tripBooking struct{}

// Book dispatches the three bookings at once and waits for each of them;
// each booking that succeeds registers its cancellation in a saga. If any
// failed, the saga cancels the others, all at once. Each task is retried by
// its worker's retry policy; a sold-out city is a non-retryable failure.
func (tripBooking) Book(ctx workflow.Context, trip Trip) (Itinerary, error) {
	car := workflow.Dispatch(ctx, CarRental.Book, trip)
	flight := workflow.Dispatch(ctx, Airline.Book, trip)
	hotel := workflow.Dispatch(ctx, Hotel.Book, trip)

	saga := workflow.NewSaga(workflow.SagaParallel())
	failed := &BookingFailedError{}
	// Wait for every booking, failed or not: All would return at the first
	// failure, before knowing which of the others succeeded.
	booked := func(service string, d workflow.Deferred[string], cancel func(workflow.Context, string) (bool, error)) string {
		ref, err := d.Await(ctx)
		if err != nil {
			failed.Failed = append(failed.Failed, service)
			if failed.cause == nil {
				failed.cause = err
			}
			return ""
		}
		failed.Canceled = append(failed.Canceled, ref) // if the trip fails
		saga.Add(func(ctx workflow.Context) error { _, err := cancel(ctx, ref); return err })
		return ref
	}
	it := Itinerary{
		Car:    booked("CarRental", car, func(ctx workflow.Context, ref string) (bool, error) { return workflow.Call(ctx, CarRental.Cancel, ref) }),
		Flight: booked("Airline", flight, func(ctx workflow.Context, ref string) (bool, error) { return workflow.Call(ctx, Airline.Cancel, ref) }),
		Hotel:  booked("Hotel", hotel, func(ctx workflow.Context, ref string) (bool, error) { return workflow.Call(ctx, Hotel.Cancel, ref) }),
	}
	if len(failed.Failed) == 0 {
		return it, nil
	}
	// A *workflow.SagaError: the BookingFailedError, then the errors of
	// the cancellations that failed (cancel tasks are retried for a long
	// time first: only a provider that refuses to cancel for good shows).
	return Itinerary{}, saga.Compensate(ctx, failed)
}
