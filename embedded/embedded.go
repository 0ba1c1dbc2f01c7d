// Package embedded runs a NATS server with JetStream inside the current
// process, so that infinitic-go needs no infrastructure by default.
//
// By default the server opens no network port: clients of the same
// process connect in-process ([Server.Connect]). Setting Config.Listen
// also serves NATS clients of other processes over TCP.
//
// # Durability
//
// JetStream stores messages and KV entries under Config.DataDir. A write
// is acknowledged once it reached the operating system, so it survives a
// crash of the process (kill -9), but not necessarily a power loss. Set
// Config.SyncAlways to fsync every write before acknowledging it (much
// slower: about 40x for publishes, 12x for KV writes on our machines). A
// replicated (R3) NATS cluster is the production answer to machine loss.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// DefaultDataDir is where JetStream data is stored when Config.DataDir is empty.
const DefaultDataDir = "./.infinitic/data"

// DefaultStartTimeout bounds the wait for the server to accept connections.
const DefaultStartTimeout = 10 * time.Second

// Config configures an embedded server. The zero value is valid.
type Config struct {
	// DataDir is the JetStream storage directory, created if needed.
	// Default: DefaultDataDir ("./.infinitic/data").
	DataDir string
	// Listen is the "host:port" address on which to serve NATS clients of
	// other processes. Port 0 picks a free port (see Server.ClientURL).
	// Default "": no TCP listener, in-process connections only.
	Listen string
	// SyncAlways makes JetStream fsync each write before acknowledging it,
	// for durability across power loss on a single node. Default false:
	// writes reach the OS before being acknowledged and are synced
	// periodically (every 2 minutes), which survives any process crash.
	SyncAlways bool
	// ServerName names the server in logs and monitoring.
	// Default "infinitic".
	ServerName string
	// MaxStore limits JetStream file storage, in bytes. Default 0: the
	// server's default (a share of the free disk space).
	MaxStore int64
	// MaxMemory limits JetStream memory storage, in bytes. Default 0: the
	// server's default (a share of the system memory).
	MaxMemory int64
	// StartTimeout bounds the wait for the server to be ready.
	// Default DefaultStartTimeout (10s).
	StartTimeout time.Duration
	// Logs sends the server's notices and errors to standard error.
	// Default false: the server is silent.
	Logs bool
}

// Server is a running embedded NATS server. Create it with Start.
type Server struct {
	ns     *server.Server
	listen bool
	dir    string
	unlock func() // releases the data directory
}

// options validates cfg and builds the server options.
func (cfg Config) options() (*server.Options, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded: data dir %q: %w", dir, err)
	}
	name := cfg.ServerName
	if name == "" {
		name = "infinitic"
	}
	opts := &server.Options{
		ServerName:         name,
		JetStream:          true,
		StoreDir:           abs,
		JetStreamMaxStore:  cfg.MaxStore,
		JetStreamMaxMemory: cfg.MaxMemory,
		SyncAlways:         cfg.SyncAlways,
		NoSigs:             true,
		NoLog:              !cfg.Logs,
		DontListen:         cfg.Listen == "",
	}
	if cfg.MaxStore < 0 || cfg.MaxMemory < 0 {
		return nil, errors.New("embedded: MaxStore and MaxMemory must not be negative")
	}
	if cfg.Listen != "" {
		host, portStr, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("embedded: Listen %q: want host:port: %w", cfg.Listen, err)
		}
		port, err := strconv.Atoi(portStr)
		if err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("embedded: Listen %q: invalid port", cfg.Listen)
		}
		if port == 0 {
			port = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, port
	}
	return opts, nil
}

// Start starts a server with cfg and waits until it accepts connections.
// It fails if another server holds DataDir: each data directory is
// locked by one server at a time (released by Shutdown, or when the
// process dies).
func Start(cfg Config) (*Server, error) {
	opts, err := cfg.options()
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(opts.StoreDir)
	if err != nil {
		return nil, err
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("embedded: create server (data dir %s): %w", opts.StoreDir, err)
	}
	if cfg.Logs {
		ns.ConfigureLogger()
	}
	timeout := cfg.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	go ns.Start()
	if !ns.ReadyForConnections(timeout) {
		ns.Shutdown()
		ns.WaitForShutdown()
		unlock()
		return nil, fmt.Errorf("embedded: server not ready after %v (data dir %s, listen %q): "+
			"is the address in use or the directory unwritable? set Config.Logs for details",
			timeout, opts.StoreDir, cfg.Listen)
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		ns.WaitForShutdown()
		unlock()
		return nil, fmt.Errorf("embedded: JetStream failed to start (data dir %s): set Config.Logs for details", opts.StoreDir)
	}
	return &Server{ns: ns, listen: cfg.Listen != "", dir: opts.StoreDir, unlock: unlock}, nil
}

// ClientURL returns the URL for clients of other processes, such as
// "nats://127.0.0.1:4222", or "" when the server does not listen.
func (s *Server) ClientURL() string {
	if !s.listen {
		return ""
	}
	return s.ns.ClientURL()
}

// DataDir returns the absolute JetStream storage directory.
func (s *Server) DataDir() string { return s.dir }

// ReconnectWait is how long connections made by Connect wait between
// reconnection attempts (nats.go's default is 2s): after a restart of the
// server, its clients are back within about this long.
const ReconnectWait = 250 * time.Millisecond

// Connect returns a new connection to the server: in-process when the
// server does not listen, over TCP otherwise. opts are applied after the
// defaults (client name "infinitic", reconnecting forever, every
// ReconnectWait).
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	all := []nats.Option{nats.Name("infinitic"), nats.MaxReconnects(-1), nats.ReconnectWait(ReconnectWait)}
	url := s.ClientURL()
	if url == "" {
		all = append(all, nats.InProcessServer(s.ns))
	}
	nc, err := nats.Connect(url, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("embedded: connect: %w", err)
	}
	return nc, nil
}

// NATSServer returns the underlying server, for advanced settings and
// monitoring.
func (s *Server) NATSServer() *server.Server { return s.ns }

// Shutdown stops the server and waits until it has stopped, closing its
// clients' connections, then releases DataDir. JetStream data stays in
// DataDir.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.unlock()
}
