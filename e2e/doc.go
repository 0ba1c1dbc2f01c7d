// Package e2e is the engine's specification: end-to-end scenarios that start
// workflows through the public client, run them on a worker and check what
// comes back, on the in-memory test kit (infinitictest) and, where a scenario
// says so, on the embedded NATS backend.
//
// The package holds tests only; run them with
//
//	go test -race ./e2e
package e2e
