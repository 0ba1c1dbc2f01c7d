package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/infinitic-go/infinitic/inmemory"
	"io"
	"os"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprint(os.Stderr, infinitic.ErrorChain(err))
		os.Exit(1)
	}
}

// run books two trips on an in-memory deployment: Ada's to Lisbon
// succeeds; Grace's to Paris, where hotels are sold out, is compensated.
// It prints each outcome, then what the providers hold.
func run(ctx context.Context, out io.Writer) (err error) {
	p := NewProviders()
	p.Hotels.SetSoldOut("Paris")
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error { return Register(w, p) })
	if err != nil {
		return err
	}
	defer d.Stop(&err)
	c := d.Client

	for _, trip := range []Trip{{"Ada", "Lisbon", 3}, {"Grace", "Paris", 2}} {
		it, err := client.Execute(ctx, c, TripBooking.Book, trip)
		var failed BookingFailedError
		switch {
		case err == nil:
			fmt.Fprintf(out, "%s to %s: booked %s, %s, %s\n", trip.Traveler, trip.City, it.Car, it.Flight, it.Hotel)
		case AsBookingFailed(err, &failed):
			fmt.Fprintf(out, "%s to %s: %s failed; canceled %s\n", trip.Traveler, trip.City, strings.Join(failed.Failed, ", "), orNone(failed.Canceled))
		default:
			return err
		}
	}
	for _, pr := range []*Provider{p.Cars, p.Flights, p.Hotels} {
		for _, r := range pr.Reservations() {
			status := "active"
			if r.Canceled {
				status = "canceled"
			}
			fmt.Fprintf(out, "%s: %s in %s, %s\n", r.Ref, r.Traveler, r.City, status)
		}
	}
	return nil
}

// AsBookingFailed tells whether err, as returned to a client, is a
// BookingFailedError, and decodes its fields into target.
func AsBookingFailed(err error, target *BookingFailedError) bool {
	var remote *infinitic.RemoteError
	for e := err; errors.As(e, &remote); e = remote.Cause {
		if remote.Type == fmt.Sprintf("%T", target) {
			return remote.DecodeFields(target) == nil
		}
	}
	return false
}
