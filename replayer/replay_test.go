package replayer_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/replayer"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Desk is a service: three bookings.
type Desk interface {
	Car(ctx context.Context, city string) (string, error)
	Flight(ctx context.Context, city string) (string, error)
	Train(ctx context.Context, city string) (string, error)
}

type desk struct{}

func (desk) Car(_ context.Context, city string) (string, error)    { return "car to " + city, nil }
func (desk) Flight(_ context.Context, city string) (string, error) { return "flight to " + city, nil }
func (desk) Train(_ context.Context, city string) (string, error)  { return "train to " + city, nil }

// Journey is the workflow whose history the tests replay.
type Journey interface {
	Plan(ctx workflow.Context, city string) (string, error)
}

var confirmations = workflow.NewChannel[Journey, string]("confirmations")

// journey is the code that ran: car, flight, an hour's wait, then a
// confirmation. Each variant below changes one thing.
type journey struct{ variant string }

func (j journey) Plan(ctx workflow.Context, city string) (string, error) {
	first, second := Desk.Car, Desk.Flight
	switch j.variant {
	case "swapped":
		first, second = Desk.Flight, Desk.Car
	case "renamed":
		second = Desk.Train
	}
	car, err := workflow.Call(ctx, first, city)
	if err != nil {
		return "", err
	}
	flight, err := workflow.Call(ctx, second, city)
	if err != nil {
		return "", err
	}
	if j.variant == "ends early" {
		return car + ", " + flight, nil
	}
	if j.variant != "no timer" {
		if err := workflow.Sleep(ctx, time.Hour); err != nil {
			return "", err
		}
	}
	by, err := confirmations.Receive(ctx).Await(ctx)
	return car + ", " + flight + ", confirmed by " + by, err
}

// recordJourney runs the original code until it waits for the
// confirmation, and returns its history, through a file's round trip.
func recordJourney(t *testing.T) *replayer.History {
	t.Helper()
	ctx := context.Background()
	env := infinitictest.New(t)
	if err := errors.Join(worker.AddService[Desk](env.Worker, desk{}),
		worker.AddWorkflow(env.Worker, func() Journey { return journey{} })); err != nil {
		t.Fatal(err)
	}
	env.Start()
	if _, err := client.Start(ctx, env.Client, Journey.Plan, "Oslo", client.WithID("j-1")); err != nil {
		t.Fatal(err)
	}
	var h *replayer.History
	for deadline := time.Now().Add(time.Minute); ; {
		var err error
		h, err = replayer.Load(ctx, env.Store, "Journey", "j-1")
		if err == nil && len(h.Commands) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the instance never waited for its confirmation: %v %+v", err, h)
		}
		time.Sleep(10 * time.Millisecond) // polling the store for the condition
	}
	want := []string{"task Desk.Car", "task Desk.Flight", "timer", "receive confirmations"}
	if h.Status != "running" || h.Method != "Plan" || h.ID != "j-1" || !equal(h.Commands, want) {
		t.Fatalf("history: %+v, want commands %q", h, want)
	}
	var file bytes.Buffer
	if err := h.Write(&file); err != nil {
		t.Fatal(err)
	}
	read, err := replayer.Read(&file)
	if err != nil {
		t.Fatal(err)
	}
	return read
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The same code replays its history; a change of the commands fails,
// naming the first position that differs.
func TestReplay(t *testing.T) {
	h := recordJourney(t)
	for _, tc := range []struct {
		variant   string
		position  int
		want, got string
	}{
		{variant: ""},
		{"swapped", 0, "task Desk.Car", "task Desk.Flight"},
		{"renamed", 1, "task Desk.Flight", "task Desk.Train"},
		{"no timer", 2, "timer", "receive confirmations"},
		{"ends early", 2, "timer", infinitic.NoCommandIssued},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			err := replayer.Replay(h, func() Journey { return journey{tc.variant} })
			if tc.variant == "" {
				if err != nil {
					t.Fatalf("replay of the same code: %v", err)
				}
				return
			}
			var nd *infinitic.NonDeterminismError
			if !errors.As(err, &nd) || !errors.Is(err, infinitic.ErrNonDeterministic) {
				t.Fatalf("replay: %v, want a NonDeterminismError", err)
			}
			if nd.Position != tc.position || nd.Want != tc.want || nd.Got != tc.got || nd.ID != "j-1" || nd.Workflow != "Journey" {
				t.Fatalf("replay: %+v, want position %d, history has %q, code issued %q", nd, tc.position, tc.want, tc.got)
			}
			t.Log(err)
		})
	}
}

type otherFlow interface {
	Plan(ctx workflow.Context, city string) (string, error)
}

// Mistakes in what is replayed say what is wrong.
func TestReplayMistakes(t *testing.T) {
	ctx := context.Background()
	h := recordJourney(t)
	if err := replayer.Replay(h, func() otherFlow { return journey{} }); err == nil {
		t.Fatal("replay on another workflow's contract: no error")
	}
	if _, err := replayer.Read(bytes.NewBufferString(`{"format":"infinitic-history/9"}`)); err == nil {
		t.Fatal("read of an unknown format: no error")
	}
	if _, err := replayer.Read(bytes.NewBufferString(`{"format":"infinitic-history/1","state":"AAAA"}`)); err == nil {
		t.Fatal("read of a bad state: no error")
	}

	env := infinitictest.New(t)
	if err := errors.Join(worker.AddService[Desk](env.Worker, desk{}),
		worker.AddWorkflow(env.Worker, func() Journey { return journey{"ends early"} })); err != nil {
		t.Fatal(err)
	}
	env.Start()
	if _, err := client.Execute(ctx, env.Client, Journey.Plan, "Rome", client.WithID("done-1")); err != nil {
		t.Fatal(err)
	}
	if _, err := replayer.Load(ctx, env.Store, "Journey", "done-1"); !errors.Is(err, replayer.ErrNoHistory) {
		t.Fatalf("load of a completed instance: %v", err)
	}
	if _, err := replayer.Load(ctx, env.Store, "Journey", "nobody"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
		t.Fatalf("load of an unknown id: %v", err)
	}
}
