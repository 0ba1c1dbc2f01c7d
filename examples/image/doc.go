// Package image is the image workflow of Infinitic's README, in Go.
//
// When a user uploads a picture, ImageWorkflow.Handle downloads it,
// resizes it to several sizes in parallel (one Async branch per size,
// joined with All), uploads each version and saves their URLs to the
// user's profile. Every step is a task of the ImageUtil service, so each one
// is retried on failure and none is lost if a process crashes.
//
// Service is a fake but working ImageUtil: it needs no network. A
// "download" generates the picture's pixels deterministically from its URL,
// Resize samples them, Upload keeps the bytes in memory under a URL derived
// from their hash, and Save records the URLs per email.
//
// Register puts the service and the workflow on a worker; the `infinitic
// demo` command and the tests use it. To run one workflow:
//
//	go run ./examples/image/cmd/image
//
// Deployed as Infinitic is, in separate processes that meet on
// `infinitic server`, each configured by the infinitic.yml next to it:
// cmd/worker-services runs the service, cmd/worker-workflows the
// workflow engine, and cmd/client starts workflows and prints their
// results (see the README's "Deploying" section; e2e
// TestDeployedAsProcesses runs them as real processes).
package image
