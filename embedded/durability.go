package embedded

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/internal/groupsync"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Durability says what a write acknowledged by the server survives.
type Durability int

const (
	// DurabilityProcessCrash (the default): a write is acknowledged once
	// it reached the operating system. It survives a crash of any
	// process (kill -9), not a power loss or a crash of the machine,
	// which lose the writes of the last moments (the server fsyncs every
	// 2 minutes).
	DurabilityProcessCrash Durability = iota
	// DurabilityPowerLoss: nothing is acknowledged to the outside before
	// it is on disk, by group commit. The server writes as with
	// DurabilityProcessCrash, and serves wire.SyncSubject: a request
	// there is answered once every write acknowledged before it was
	// fsynced, and one fsync round serves every request that arrived
	// while the previous round ran. Transports (transport/natsjs) that
	// find the service ask it before a Publish returns, before a
	// delivery is handed to the consumer and before an ack is sent, so
	// that a client's Start returns, a result is reported and a message
	// is removed only once what led to it survives a power loss. Needs a
	// single server (not Cluster); for an external nats-server, set
	// sync_interval: always in its configuration instead.
	DurabilityPowerLoss
)

var durabilityNames = []string{"process-crash", "power-loss"}

// String returns the durability's name in configuration files and flags:
// "process-crash" or "power-loss".
func (d Durability) String() string {
	if d < 0 || int(d) >= len(durabilityNames) {
		return fmt.Sprintf("Durability(%d)", int(d))
	}
	return durabilityNames[d]
}

// ParseDurability returns the Durability named s ("" is the default,
// DurabilityProcessCrash).
func ParseDurability(s string) (Durability, error) {
	if s == "" {
		return DurabilityProcessCrash, nil
	}
	for i, name := range durabilityNames {
		if s == name {
			return Durability(i), nil
		}
	}
	return 0, fmt.Errorf("embedded: durability %q: want %q or %q", s, durabilityNames[0], durabilityNames[1])
}

// validate checks d against the rest of cfg.
func (cfg Config) validateDurability() error {
	switch cfg.Durability {
	case DurabilityProcessCrash:
		return nil
	case DurabilityPowerLoss:
		if cfg.Cluster.enabled() {
			return errors.New("embedded: DurabilityPowerLoss needs a single server: a cluster's answer to " +
				"machine loss is replicas (or SyncAlways on every node)")
		}
		return nil
	}
	return fmt.Errorf("embedded: unknown %v", cfg.Durability)
}

// serveSync answers requests on wire.SyncSubject after a group commit of
// the data directory, on a connection of its own (closed by Shutdown).
func (s *Server) serveSync() error {
	nc, err := s.Connect(nats.Name("infinitic-sync"))
	if err != nil {
		return err
	}
	files := newFileSyncer(s.dir)
	g := groupsync.New(func(context.Context) error { return files.sync() })
	_, err = nc.Subscribe(wire.SyncSubject, func(m *nats.Msg) {
		g.Then(func(err error) {
			var reply []byte
			if err != nil {
				reply = []byte(err.Error())
				if s.cfg.Logger != nil {
					s.cfg.Logger.Error("embedded server: fsync of the data directory failed", "err", err)
				}
			}
			_ = m.Respond(reply) // a lost reply: the requester retries or fails
		})
	})
	if err != nil {
		nc.Close()
		return fmt.Errorf("embedded: serve %s: %w", wire.SyncSubject, err)
	}
	if err := nc.Flush(); err != nil {
		nc.Close()
		return fmt.Errorf("embedded: serve %s: %w", wire.SyncSubject, err)
	}
	s.syncConn = nc
	return nil
}
