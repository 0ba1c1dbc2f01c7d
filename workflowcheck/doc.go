// Package workflowcheck is a go/analysis analyzer that reports
// non-deterministic code in workflow code, with the replacement to use.
//
// Workflow code runs again from its history after a crash, a cache
// eviction or on another worker (package workflow, "Rules of
// determinism"); code that does not do the same thing every time fails its
// instances with a *infinitic.NonDeterminismError, or worse, silently
// behaves differently. The analyzer finds such code before it runs:
//
//	go install github.com/infinitic-go/infinitic/cmd/infinitic-vet
//	go vet -vettool=$(which infinitic-vet) ./...
//	infinitic vet ./...    # the same, with the infinitic command
//
// # What is workflow code
//
// A function or method whose first parameter is a workflow.Context (the
// methods of workflow implementations, the branches given to
// workflow.Async, helpers taking the context), and the closures it calls.
// The functions given to workflow.Inline are not: they run once and their
// result is recorded. Functions without a workflow.Context that workflow
// code calls are checked through facts: a function of the analyzed
// packages (and their dependencies outside the standard library) that does
// something reported below, directly or through the functions it calls,
// is reported where workflow code calls it, with the chain of calls.
// Calls through interfaces and function values are not followed.
//
// # What it reports
//
//   - time.Now, time.Since, time.Until: use workflow.Now(ctx);
//   - time.Sleep: use workflow.Sleep(ctx, d);
//   - time.After, time.AfterFunc, time.Tick, time.NewTimer, time.NewTicker:
//     use workflow.Timer(ctx, d), raced with workflow.AnyOf for a timeout;
//   - the functions of math/rand and math/rand/v2 that use the global
//     source: use workflow.Rand(ctx) or workflow.NewUUID(ctx) (a source
//     that the code seeds itself, rand.New(rand.NewSource(42)), is fine);
//   - crypto/rand: workflow.NewUUID(ctx) for an id, workflow.Inline or a
//     task for a secret;
//   - go statements and sync.WaitGroup.Go: use workflow.Async;
//   - select statements: race Deferreds with workflow.AnyOf or Any;
//   - channel sends and receives, ranges over channels: wait on Deferreds,
//     or receive from outside with a workflow.Channel;
//   - a range over a map (or over maps.Keys, maps.Values or maps.All of
//     one) whose body calls the workflow API (other than Now, GetInfo,
//     Logger and SetSearch, which record nothing) or passes a
//     workflow.Context to another function: its commands would be issued
//     in another order on replay, so range over sorted keys.
//     A map range that only computes (a sum) is not reported;
//   - writes to package-level variables (x = ..., x++, x[k] = ..., x.f = ...,
//     and pointer methods called on a package-level variable, such as
//     counter.Add(1) on an atomic.Int64 or mu.Lock() on a sync.Mutex):
//     keep state in the workflow's fields, which replay rebuilds. Reading
//     package-level variables is not reported;
//   - I/O: the functions of os, os/exec, os/signal, os/user, net, net/http,
//     io/ioutil and syscall (but for a few that do none, such as
//     os.IsNotExist, net.JoinHostPort, http.NewRequest), the methods of
//     their files, processes, connections and clients, os.Stdin, os.Stdout
//     and os.Stderr, and fmt.Print*/Scan*: do I/O in a service task, or a
//     short read in workflow.Inline;
//   - log.Print*/Fatal*/Panic* and slog.Info (Debug, Warn, Error, Log,
//     LogAttrs): use workflow.Logger(ctx), which is silent while the
//     history replays.
//
// # Silencing a report
//
// A comment //infinitic:nondeterministic-ok on the line of a report, or
// on the line above, silences it (say why after it). In a function that is
// not workflow code, it also keeps the silenced code out of the function's
// fact, so its callers are not reported for it:
//
//	start := time.Now() //infinitic:nondeterministic-ok: only logged, never decides anything
package workflowcheck
