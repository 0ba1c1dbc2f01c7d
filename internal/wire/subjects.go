package wire

import "github.com/infinitic-go/infinitic/transport"

// Subjects. The client, the engines and the executors must agree on them
// byte for byte; how a transport maps a subject to its own destinations
// (NATS subjects, partitions) is the transport's business. Names are
// validated (naming.Validate) before subjects are built from them.

// WorkflowSubject is where a workflow's engines consume the requests of
// clients (and of workflows acting like clients: signals, cancels):
// the envelopes that ClientMayPublish allows. Engines dead-letter any
// other envelope arriving there, so that a client's credential, which
// may publish only here, cannot forge a task's or a child's outcome.
func WorkflowSubject(workflow string) string { return "wf." + workflow }

// WorkflowInternalSubject is where a workflow's engines consume what only
// workers send: task outcomes, timers, child dispatches and outcomes,
// retention. Brokers with roles let only workers publish there.
func WorkflowInternalSubject(workflow string) string { return "wfi." + workflow }

// ServiceSubject is where a service's executors consume task messages.
func ServiceSubject(service string) string { return "svc." + service }

// CancelSubject is where the executors of a service learn that running
// tasks were canceled (every executor consumes it in its own group).
func CancelSubject(service string) string { return "cancel." + service }

// ClientSubject is where a client receives results and replies.
func ClientSubject(clientID string) string { return "client." + clientID }

// Consumer groups. Every engine of a workflow consumes its subject in one
// group, every executor of a service in another: processes of different
// versions (a rolling upgrade) must share them to share the work.
const (
	EngineGroup   = "engine"
	ExecutorGroup = "executor"
)

// EventSubject is the log subject of the events of a workflow's
// instances and of their tasks (see transport.LogPrefix).
func EventSubject(workflow string) string { return transport.LogPrefix + "events." + workflow }

// EventSubjects is the log subject pattern of every workflow's events.
func EventSubjects() string { return transport.LogPrefix + "events.>" }

// SyncSubject is where an embedded server with the power-loss durability
// serves group commits: a request is answered once every write that the
// server had acknowledged when it arrived is on disk (fsync). Clients
// (transport/natsjs) ask there before they acknowledge anything to the
// outside. A NATS subject of its own, outside every transport prefix: it
// belongs to the server, not to a deployment.
const SyncSubject = "_INFINITIC.sync"
