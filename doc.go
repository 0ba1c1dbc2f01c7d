// Package infinitic holds what the client, the worker and workflow code
// share: the errors that cross the wire, retry policies, wire-name
// overrides and the payload codec.
//
// infinitic-go is a durable "workflow as code" engine. Users write
// services (Go interfaces run by workers) and workflows (ordinary Go code
// that calls services, child workflows and timers through package
// [github.com/infinitic-go/infinitic/workflow]). A client
// ([github.com/infinitic-go/infinitic/client]) starts workflows; a worker
// ([github.com/infinitic-go/infinitic/worker]) runs them. Workflow state is
// stored with compare-and-set and the workflow code is replayed from its
// history, so a crash at any instant loses nothing.
package infinitic
