// Package admin operates workflow instances from names and ids only,
// without the workflows' Go types: describe an instance, read its history,
// cancel it, retry it, fire its timers, send a JSON value to one of its
// channels, or start a workflow by name with JSON input. The infinitic
// command line (infinitic workflow ...) is built on it; package client is
// the typed API for the same operations, and they share their code.
//
// An Admin needs the workers' transport and store:
//
//	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st})
//	defer a.Close()
//	inst, err := a.Describe(ctx, "Orders", "order-42")     // status, pending tasks, error chain...
//	steps, err := a.History(ctx, "Orders", "order-42")     // every task, timer, child, signal
//	err = a.RetryTasks(ctx, "Orders", "order-42", "")      // a failed instance continues
//	err = a.Signal(ctx, "Orders", "order-42", "approvals", json.RawMessage(`{"ok":true}`))
//
// Payloads are JSON: Admin assumes the workers use infinitic.JSON (the
// default codec). Names are wire names (the workflow's interface name, or
// its alias).
//
// What the store keeps: a running or failed instance keeps its whole
// history; a completed or canceled one keeps only its outcome (History is
// then empty), until its retention deletes it.
package admin
