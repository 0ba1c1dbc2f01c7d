package schedule_test

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Report is the workflow that the schedule starts.
type Report interface {
	Build(ctx workflow.Context, kind string) (string, error)
}

type report struct{}

func (report) Build(_ workflow.Context, kind string) (string, error) {
	return kind + " report built", nil
}

// A schedule starts a workflow on a cron expression (or at an interval):
// here every weekday at 7:00 in Paris, each run up to a minute later
// (jitter). Trigger starts a run now. Runs are ordinary instances of
// Report, with ids "daily-sales/<slot>".
func Example() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := schedule.Host(w); err != nil { // the worker runs schedules
			return err
		}
		return worker.AddWorkflow(w, func() Report { return report{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()

	spec := schedule.Spec{Cron: "0 7 * * MON-FRI", TimeZone: "Europe/Paris", Jitter: time.Minute}
	if err := schedule.Create(ctx, d.Client, "daily-sales", spec, Report.Build, "sales"); err != nil {
		panic(err)
	}
	id, err := schedule.Trigger(ctx, d.Client, "daily-sales") // a run now
	if err != nil {
		panic(err)
	}
	fmt.Println("triggered", id[:len("daily-sales/trigger-")])

	desc, err := schedule.Describe(ctx, d.Client, "daily-sales")
	if err != nil {
		panic(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	fmt.Println("started:", desc.Started, "last:", desc.Recent[0].ID == id, "next at 7:00 in Paris:", desc.Next.In(paris).Hour() == 7)

	if err := schedule.Delete(ctx, d.Client, "daily-sales"); err != nil {
		panic(err)
	}
	_, err = schedule.Describe(ctx, d.Client, "daily-sales")
	fmt.Println(err)
	// Output:
	// triggered daily-sales/trigger-
	// started: 1 last: true next at 7:00 in Paris: true
	// schedule: not found: daily-sales
}
