package main

import (
	"fmt"

	"github.com/infinitic-go/infinitic/workflow"
)

// tripBooking implements TripBooking.
type tripBooking struct{}

// Book dispatches the three bookings at once, waits for all of them, and
// compensates the successful ones if any failed. Each task is retried by
// its worker's retry policy; a sold-out city is a non-retryable failure.
func (tripBooking) Book(ctx workflow.Context, trip Trip) (Itinerary, error) {
	car := workflow.Dispatch(ctx, CarRental.Book, trip)
	flight := workflow.Dispatch(ctx, Airline.Book, trip)
	hotel := workflow.Dispatch(ctx, Hotel.Book, trip)

	// Wait for every booking, failed or not: All would return at the first
	// failure, before knowing which of the others succeeded.
	carRef, carErr := car.Await(ctx)
	flightRef, flightErr := flight.Await(ctx)
	hotelRef, hotelErr := hotel.Await(ctx)
	if carErr == nil && flightErr == nil && hotelErr == nil {
		return Itinerary{Car: carRef, Flight: flightRef, Hotel: hotelRef}, nil
	}

	// Compensate: cancel the bookings that succeeded, in parallel.
	failed := &BookingFailedError{}
	var undo []workflow.Deferred[bool]
	compensate := func(service string, ref string, err error, cancel func() workflow.Deferred[bool]) {
		if err != nil {
			failed.Failed = append(failed.Failed, service)
			if failed.cause == nil {
				failed.cause = err
			}
			return
		}
		failed.Canceled = append(failed.Canceled, ref)
		undo = append(undo, cancel())
	}
	compensate("CarRental", carRef, carErr, func() workflow.Deferred[bool] { return workflow.Dispatch(ctx, CarRental.Cancel, carRef) })
	compensate("Airline", flightRef, flightErr, func() workflow.Deferred[bool] { return workflow.Dispatch(ctx, Airline.Cancel, flightRef) })
	compensate("Hotel", hotelRef, hotelErr, func() workflow.Deferred[bool] { return workflow.Dispatch(ctx, Hotel.Cancel, hotelRef) })
	if _, err := workflow.All(undo...).Await(ctx); err != nil {
		// Cancel tasks are retried for a long time first: this happens
		// only if a provider refuses to cancel for good.
		return Itinerary{}, fmt.Errorf("compensation of %v failed: %w", failed.Canceled, err)
	}
	return Itinerary{}, failed
}
