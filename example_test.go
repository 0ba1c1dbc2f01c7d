package infinitic_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// CarRental and HotelBooking are service contracts: Go interfaces whose
// methods are tasks, shared by the workflow code and the service workers.
type CarRental interface {
	Book(ctx context.Context, trip Trip) (string, error)
}

// HotelBooking is a service contract.
type HotelBooking interface {
	Book(ctx context.Context, trip Trip) (string, error)
}

// TripWorkflow is a workflow contract.
type TripWorkflow interface {
	Book(ctx workflow.Context, trip Trip) (string, error)
}

// Trip is the argument of every method: one argument (a struct) keeps
// contracts evolvable.
type Trip struct {
	Traveler string
	City     string
	Nights   int
}

type carRental struct{}

func (carRental) Book(ctx context.Context, trip Trip) (string, error) {
	return fmt.Sprintf("car in %s for %d days", trip.City, trip.Nights+1), nil
}

type hotelBooking struct{}

func (hotelBooking) Book(ctx context.Context, trip Trip) (string, error) {
	return fmt.Sprintf("hotel in %s for %d nights", trip.City, trip.Nights), nil
}

type tripWorkflow struct{}

// Book books a car and a hotel in parallel and waits for both.
func (tripWorkflow) Book(ctx workflow.Context, trip Trip) (string, error) {
	car := workflow.Dispatch(ctx, CarRental.Book, trip)
	hotel := workflow.Dispatch(ctx, HotelBooking.Book, trip)
	both, err := workflow.All(car, hotel).Await(ctx)
	if err != nil {
		return "", err
	}
	return trip.Traveler + ": " + strings.Join(both, ", "), nil
}

// A whole deployment in one process: the in-memory transport and store, a
// worker running the services and the workflow, and a client.
func Example_workflow() {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)

	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		panic(err)
	}
	if err := errors.Join(
		worker.AddService[CarRental](w, carRental{}),
		worker.AddService[HotelBooking](w, hotelBooking{}),
		worker.AddWorkflow(w, func() TripWorkflow { return tripWorkflow{} }),
	); err != nil {
		panic(err)
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() {
		stop()
		if err := <-stopped; err != nil {
			fmt.Println("worker:", err)
		}
	}()

	c, err := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	booked, err := client.Execute(ctx, c, TripWorkflow.Book, Trip{Traveler: "Ada", City: "Lyon", Nights: 2})
	fmt.Println(booked, err)
	// Output:
	// Ada: car in Lyon for 3 days, hotel in Lyon for 2 nights <nil>
}
