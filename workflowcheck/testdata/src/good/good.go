package good

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/workflow"

	"helpers"
)

type Svc interface {
	Do(ctx context.Context, in string) (string, error)
}

var table = map[string]int{"a": 1, "b": 2} // read-only: fine

type wf struct {
	count int
	names map[string]bool
}

func (w *wf) Run(ctx workflow.Context, in string) (string, error) {
	now := workflow.Now(ctx)
	_ = now.Add(time.Hour).Format(time.RFC3339)
	_ = workflow.Rand(ctx).Intn(10)
	_ = rand.New(rand.NewSource(42)).Intn(10) // seeded by the code: deterministic
	if err := workflow.Sleep(ctx, time.Minute); err != nil {
		return "", err
	}
	host, err := workflow.Inline(ctx, func() (string, error) {
		return os.Hostname() // runs once; its result is recorded
	})
	if err != nil {
		return "", err
	}
	w.count++
	w.names = map[string]bool{host: true}

	total := 0
	for k, v := range table { // no command in the body: order does not matter
		total += v
		_ = workflow.SetSearch(ctx, k, v) // not a command either
	}
	for _, k := range slices.Sorted(maps.Keys(table)) {
		if _, err := workflow.Call(ctx, Svc.Do, k); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", total)
	keys := []string{"b", "a"}
	sort.Strings(keys)
	_ = helpers.Pure(b.String())
	_ = helpers.Silenced()
	_ = time.Now() //infinitic:nondeterministic-ok (only logged)
	//infinitic:nondeterministic-ok: the line above silences this one too
	_ = time.Now()
	return fmt.Sprint(total), errors.New("done")
}

// A service implementation is not workflow code: it may do anything.
type svc struct{}

func (svc) Do(ctx context.Context, in string) (string, error) { // want Do:"reaches go statement"
	go func() {}()
	return time.Now().String(), nil
}
