package bad

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"log"
	"maps"
	"math/rand"
	randv2 "math/rand/v2"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic/workflow"

	"helpers"
)

type Svc interface {
	Do(ctx context.Context, in string) (string, error)
}

type wf struct{ seen int }

var (
	hits    int
	counter atomic.Int64
	cache   = map[string]string{}
)

func (w *wf) Run(ctx workflow.Context, in string) (string, error) {
	_ = time.Now()                     // want `time.Now in workflow code: use workflow.Now\(ctx\)`
	time.Sleep(time.Second)            // want `time.Sleep in workflow code: use workflow.Sleep\(ctx, d\)`
	<-time.After(time.Second)          // want `time.After in workflow code: use workflow.Timer` `channel receive in workflow code`
	t := time.NewTimer(time.Second)    // want `time.NewTimer in workflow code`
	_ = time.Since(time.Time{})        // want `time.Since in workflow code`
	_ = rand.Intn(3)                   // want `math/rand.Intn in workflow code: use workflow.Rand\(ctx\)`
	_ = randv2.IntN(3)                 // want `math/rand/v2.IntN in workflow code`
	_, _ = crand.Read(make([]byte, 8)) // want `crypto/rand.Read in workflow code: use workflow.NewUUID\(ctx\)`
	_, _ = os.ReadFile("x")            // want `os.ReadFile \(I/O\) in workflow code: do I/O in a service task`
	conn, _ := net.Dial("tcp", "x:80") // want `net.Dial \(I/O\) in workflow code`
	_, _ = conn.Write(nil)             // want `net.Conn.Write \(I/O\) in workflow code`
	_ = net.JoinHostPort("x", "80")    // no I/O
	fmt.Println("hi")                  // want `fmt.Println \(I/O on the process's stdin or stdout\) in workflow code`
	fmt.Fprintln(os.Stderr, "hi")      // want `os.Stderr \(I/O\) in workflow code`
	log.Printf("hi")                   // want `log.Printf in workflow code: use workflow.Logger\(ctx\)`
	_ = t

	go func() {}() // want `go statement in workflow code: use workflow.Async\(ctx, fn\)`
	ch := make(chan int, 1)
	ch <- 1  // want `channel send in workflow code`
	select { // want `select statement in workflow code: race Deferreds with workflow.AnyOf or workflow.Any`
	case v := <-ch:
		_ = v
	default:
	}
	for range ch { // want `range over a channel in workflow code`
	}

	hits++          // want `write to package-level variable hits in workflow code: keep state in the workflow's fields`
	cache[in] = "x" // want `write to package-level variable cache in workflow code`
	counter.Add(1)  // want `write to package-level variable counter \(through its method Add\) in workflow code`
	w.seen++        // the workflow's own field: fine

	for k := range map[string]int{"a": 1} { // want `range over a map issuing workflow commands in workflow code: the order of a map range changes`
		_, _ = workflow.Call(ctx, Svc.Do, k)
	}
	for k := range maps.Keys(map[string]int{"a": 1}) { // want `range over a map issuing workflow commands`
		w.step(ctx, k)
	}

	_ = helpers.Stamp() // want `time.Now in workflow code \(called through helpers.Stamp → helpers.format\): use workflow.Now\(ctx\)`
	_ = helpers.Env()   // want `os.Getenv \(I/O\) in workflow code \(called through helpers.Env\)`
	_ = local()         // want `time.Now in workflow code \(called through bad.local → bad.deeper\)`
	return "", nil
}

func (w *wf) step(ctx workflow.Context, k string) {
	_, _ = workflow.Call(ctx, Svc.Do, k)
}

func local() int64 { return deeper() } // want local:"reaches time.Now"

func deeper() int64 { return time.Now().Unix() } // want deeper:"reaches time.Now"

// Async branches are workflow code too.
func (w *wf) Branches(ctx workflow.Context) (string, error) {
	d := workflow.Async(ctx, func(ctx workflow.Context) (string, error) {
		return time.Now().String(), nil // want `time.Now in workflow code`
	})
	return d.Await(ctx)
}

// Closures called by workflow code are workflow code.
func (w *wf) Closure(ctx workflow.Context) (int, error) {
	f := func() int { return rand.Int() } // want `math/rand.Int in workflow code`
	return f(), nil
}
