package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// ErrNoAvailability and *FullyBookedError are a user package's errors,
// registered (in the workers and the clients: here one test binary) so
// that errors.Is and errors.As work across the wire.
var ErrNoAvailability = errors.New("no availability")

type FullyBookedError struct {
	Hotel  string
	Nights int
}

func (e *FullyBookedError) Error() string {
	return fmt.Sprintf("%s is fully booked for %d nights", e.Hotel, e.Nights)
}

func init() {
	infinitic.RegisterError("e2e.NoAvailability", ErrNoAvailability)
	infinitic.RegisterErrorType[*FullyBookedError]("e2e.FullyBooked")
}

type Hotels interface {
	Book(ctx context.Context, nights int) (string, error)
}

type hotels struct{}

func (hotels) Book(ctx context.Context, nights int) (string, error) {
	if nights > 7 {
		return "", infinitic.NonRetryable(&FullyBookedError{Hotel: "Ritz", Nights: nights})
	}
	return "", infinitic.NonRetryable(fmt.Errorf("booking %d nights: %w", nights, ErrNoAvailability))
}

type Trip interface {
	Plan(ctx workflow.Context, nights int) (string, error)
}

type trip struct{}

func (trip) Plan(ctx workflow.Context, nights int) (string, error) {
	_, err := workflow.Call(ctx, Hotels.Book, nights)
	if errors.Is(err, ErrNoAvailability) { // in workflow code too
		return "", fmt.Errorf("trip: %w", err)
	}
	return "", err
}

// A task's own sentinel and typed errors, once registered, match with
// errors.Is and errors.As in the client (and in workflow code).
func TestUserErrorsAcrossTheWire(t *testing.T) {
	register := func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(worker.AddService[Hotels](w, hotels{}), worker.AddWorkflow(w, func() Trip { return trip{} })); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		_, err := client.Execute(ctx, d.Client, Trip.Plan, 2)
		if !errors.Is(err, ErrNoAvailability) {
			t.Errorf("errors.Is(err, ErrNoAvailability) is false for %v", err)
		}
		_, err = client.Execute(ctx, d.Client, Trip.Plan, 10)
		var booked *FullyBookedError
		if !errors.As(err, &booked) || booked.Hotel != "Ritz" || booked.Nights != 10 {
			t.Errorf("errors.As(err, *FullyBookedError) = %+v for %v", booked, err)
		}
		if errors.Is(err, ErrNoAvailability) {
			t.Errorf("a FullyBookedError matches ErrNoAvailability: %v", err)
		}
	})
}
