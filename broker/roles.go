package broker

import (
	"errors"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store/natskv"
)

// Role is what a connection may do on the broker. The server enforces it
// with the subject permissions of RolePermissions, given to the role's
// user (embedded.User.Role, `infinitic server --user`, or the
// "permissions" block of a nats-server configuration).
type Role string

const (
	// RoleClient starts, signals, cancels, queries and awaits workflows,
	// and reads state (to find instances by tag). It cannot publish a
	// task's or a child's outcome (engines dead-letter those from the
	// clients' subject), nor a result to another client, nor write state.
	// Completing a delegated task takes RoleService or RoleWorker.
	RoleClient Role = "client"
	// RoleService runs the tasks of its services: it consumes their
	// subjects and publishes task outcomes (and its own retries). It
	// cannot write state, nor send anything to clients directly.
	RoleService Role = "service"
	// RoleWorker runs workflow engines (and services): it may do anything
	// on infinitic's streams and bucket, and creates them. Only workers
	// write state.
	RoleWorker Role = "worker"
)

// Permissions are NATS subject permissions, the "permissions" block of
// a nats-server user: what the user may publish and subscribe to.
type Permissions struct {
	Publish, Subscribe []string // allowed subjects; anything else is refused
}

// String returns the permissions in nats-server configuration syntax.
func (p Permissions) String() string {
	list := func(s []string) string { return `["` + strings.Join(s, `", "`) + `"]` }
	return fmt.Sprintf("{ publish: %s, subscribe: %s }", list(p.Publish), list(p.Subscribe))
}

// RolePermissions returns the subject permissions of role for the
// streams and the bucket that cfg names (its Transport and Store; their
// defaults otherwise). services are the services that a RoleService
// user runs (at least one); other roles take none.
//
// What they do not prevent, as NATS permissions cannot tell consumers
// apart by owner: a client or service may fetch, acknowledge or delete
// the deliveries of other consumers of the message stream (messages
// lost, not forged), and a service may deliver a retry schedule to any
// subject of the stream. Give RoleService only to code you trust not to
// forge; use payload encryption (infinitic.EncryptedCodec) to keep the
// payloads secret from the broker's users.
func RolePermissions(role Role, cfg Config, services ...string) (Permissions, error) {
	if role != RoleService && len(services) > 0 {
		return Permissions{}, fmt.Errorf("broker: services are given for RoleService only, not %q", role)
	}
	for _, s := range services {
		if err := naming.Validate(s); err != nil {
			return Permissions{}, fmt.Errorf("broker: service %q: %w", s, err)
		}
	}
	t := cfg.Transport
	stream, dlq := t.Streams()
	logStream := t.LogStreamName()
	bucket := cfg.Store.Bucket
	if bucket == "" {
		bucket = natskv.DefaultBucket
	}
	kvStream := "KV_" + bucket
	p := Permissions{Subscribe: []string{"_INBOX.>"}}
	if role == RoleWorker {
		p.Publish = []string{
			t.AllPattern(), // messages, timers and dead letters
			"$KV." + bucket + ".>",
			"$JS.API.>", "$JS.ACK.>", "$JS.FC.>",
			wire.SyncSubject, // the server's group commits (embedded.DurabilityPowerLoss)
		}
		return p, nil
	}
	// Clients and services: no stream or bucket changes, consumers and
	// reads only.
	p.Publish = []string{
		"$JS.API.INFO", wire.SyncSubject,
		"$JS.API.STREAM.INFO." + stream, "$JS.API.STREAM.INFO." + dlq, "$JS.API.STREAM.INFO." + kvStream,
		"$JS.API.CONSUMER.*." + stream + ".>", "$JS.API.CONSUMER.*." + stream,
		"$JS.API.CONSUMER.MSG.NEXT." + stream + ".>",
		"$JS.API.CONSUMER.DURABLE.CREATE." + stream + ".>",
		"$JS.ACK." + stream + ".>",
		"$JS.API.DIRECT.GET." + kvStream, "$JS.API.DIRECT.GET." + kvStream + ".>",
		"$JS.API.STREAM.MSG.GET." + kvStream,
		"$JS.API.CONSUMER.*." + kvStream + ".>", "$JS.FC." + kvStream + ".>",
		// The event stream: read with ordered consumers (package events).
		"$JS.API.STREAM.INFO." + logStream, "$JS.API.CONSUMER.*." + logStream + ".>", "$JS.FC." + logStream + ".>",
	}
	allow := func(subject string, deadLettersToo bool) {
		messages, dead := t.SubjectPatterns(subject)
		p.Publish = append(p.Publish, messages)
		if deadLettersToo {
			p.Publish = append(p.Publish, dead)
		}
	}
	switch role {
	case RoleClient:
		allow(wire.WorkflowSubject(">"), false) // requests (the engines refuse the rest there)
		_, dead := t.SubjectPatterns(wire.ClientSubject(">"))
		p.Publish = append(p.Publish, dead) // a client dead-letters what it cannot read
	case RoleService:
		if len(services) == 0 {
			return Permissions{}, errors.New("broker: RoleService needs the services it runs")
		}
		allow(wire.WorkflowInternalSubject(">"), false)  // task outcomes
		p.Publish = append(p.Publish, t.TimersPattern(), // delayed retries
			t.LogPattern(wire.EventSubjects())) // task events
		for _, s := range services {
			allow(wire.ServiceSubject(s), true) // retries, dead letters
			_, dead := t.SubjectPatterns(wire.CancelSubject(s))
			p.Publish = append(p.Publish, dead)
		}
	default:
		return Permissions{}, fmt.Errorf("broker: unknown role %q: want %q, %q or %q", role, RoleClient, RoleService, RoleWorker)
	}
	return p, nil
}
