// Package dashboard is infinitic-go's web dashboard: an http.Handler that
// shows the instances of workflows (searched by workflow, status, tag,
// custom id and start time, with counts per status), each instance with
// its history drawn on a time axis and the state at any point of it, and
// the workers' streams (consumers, pending messages, redeliveries, dead
// letters, throughput). Unless read-only, it also acts: cancel, retry the
// failed tasks or the workflow task, complete timers, send a JSON value to
// a channel, start a workflow with JSON input; each action asks for
// confirmation first.
//
// The command `infinitic dashboard` serves it; a program can mount it in
// its own server:
//
//	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st})
//	d, err := dashboard.New(a, dashboard.Options{Transport: tr, Workflows: []string{"Orders"}})
//	mux.Handle("/ops/", http.StripPrefix("/ops", d))
//
// Pages are rendered on the server with html/template; a small script
// (embedded, like the stylesheet) refreshes the live parts of a page every
// few seconds. Without the script every page still works.
//
// Safety: forms that act carry a per-process token and are checked with
// net/http's CrossOriginProtection, so another site cannot make a browser
// post to the dashboard. The handler does no authentication: serve it on
// loopback (the command's default), or behind your own authenticating
// proxy or middleware, and set Options.ReadOnly where people should only
// look.
package dashboard
