// Package embedded runs a NATS server with JetStream inside the current
// process, so that infinitic-go needs no infrastructure by default.
//
// By default the server opens no network port: clients of the same
// process connect in-process ([Server.Connect]). Setting Config.Listen
// also serves NATS clients of other processes over TCP.
//
// # Durability
//
// JetStream stores messages and KV entries under Config.DataDir. By
// default (DurabilityProcessCrash) a write is acknowledged once it
// reached the operating system, so it survives a crash of the process
// (kill -9), but not a power loss. Config.Durability DurabilityPowerLoss
// makes it survive a power loss too, by group commit: nothing is
// acknowledged to the outside before an fsync, and one fsync serves every
// write of its moment (see DurabilityPowerLoss; slower than the default,
// faster than Config.SyncAlways, which fsyncs every write on its own:
// figures in docs/benchmarks.md). A replicated (R3) NATS cluster is the
// production answer to machine loss.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"sync"
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
	// Durability says what an acknowledged write survives: a crash of
	// the process (DurabilityProcessCrash, the default) or a power loss
	// too (DurabilityPowerLoss: group commit, single server only).
	Durability Durability
	// SyncAlways makes JetStream fsync each write on its own before
	// acknowledging it. Default false: writes reach the OS before being
	// acknowledged and are synced periodically (every 2 minutes). Slower
	// than DurabilityPowerLoss on one server (one fsync per write instead
	// of per round); on the nodes of a cluster, the server syncs its
	// replicated streams on its own schedule with it.
	SyncAlways bool
	// ServerName names the server in logs and monitoring; nodes of a
	// cluster need each their own. Default "infinitic" (required with
	// Cluster).
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
	// Users may connect, each with a password or an nkey and the rights
	// of its role (see broker.RolePermissions). Default none: anyone who
	// reaches Listen may do anything (see Exposed); the server's own
	// connections (Connect) need no credentials either way.
	Users []User
	// TLS makes the client port require TLS, and optionally client
	// certificates (mutual TLS). Default: no TLS.
	TLS TLS
	// Cluster makes the server a node of a NATS cluster (see Cluster).
	// Default: a single server.
	Cluster Cluster
	// Logger receives the server's logs: notices at Info, warnings,
	// errors, and at Debug the server's debug logs. Default nil: the server
	// is silent.
	Logger *slog.Logger
}

// Server is a running embedded NATS server. Create it with Start.
type Server struct {
	cfg    Config // Listen holds the actual port once started
	listen bool
	dir    string
	unlock func() // releases the data directory

	internalPassword string     // of Connect's connections, when cfg.Users is set
	syncConn         *nats.Conn // serves wire.SyncSubject (DurabilityPowerLoss)

	restarting sync.Mutex // serializes restarts and Shutdown
	mu         sync.Mutex
	ns         *server.Server
	noSpace    error         // set while writes fail for lack of disk space
	stop       chan struct{} // closed by Shutdown
	stopped    bool
}

// options validates cfg and builds the server options; internalPassword
// is the password of the server's own connections when there are Users.
func (cfg Config) options(internalPassword string) (*server.Options, error) {
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
		NoLog:              true, // Start sets the logger
		DontListen:         cfg.Listen == "",
	}
	if err := cfg.validateDurability(); err != nil {
		return nil, err
	}
	if err := cfg.auth(opts, internalPassword); err != nil {
		return nil, err
	}
	if cfg.MaxStore < 0 || cfg.MaxMemory < 0 {
		return nil, errors.New("embedded: MaxStore and MaxMemory must not be negative")
	}
	if err := cfg.Cluster.apply(opts, cfg.ServerName); err != nil {
		return nil, fmt.Errorf("embedded: %w", err)
	}
	if cfg.Listen != "" {
		if opts.Host, opts.Port, err = hostPort(cfg.Listen); err != nil {
			return nil, fmt.Errorf("embedded: Listen: %w", err)
		}
	}
	return opts, nil
}

// Start starts a server with cfg and waits until it accepts connections.
// It fails if another server holds DataDir: each data directory is
// locked by one server at a time (released by Shutdown, or when the
// process dies).
func Start(cfg Config) (*Server, error) {
	password := randomPassword()
	opts, err := cfg.options(password)
	if err != nil {
		return nil, err
	}
	unlock, err := lockDir(opts.StoreDir)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, listen: cfg.Listen != "", dir: opts.StoreDir, unlock: unlock, stop: make(chan struct{}),
		internalPassword: password}
	if s.ns, err = s.startNATS(); err != nil {
		unlock()
		return nil, err
	}
	if s.listen { // a restart must keep the port that clients know
		s.cfg.Listen = net.JoinHostPort(opts.Host, strconv.Itoa(s.ns.Addr().(*net.TCPAddr).Port))
	}
	if cfg.Cluster.enabled() { // and the one that the other nodes know
		s.cfg.Cluster.Listen = net.JoinHostPort(opts.Cluster.Host, strconv.Itoa(s.ns.ClusterAddr().Port))
	}
	if cfg.Durability == DurabilityPowerLoss {
		if err := s.serveSync(); err != nil {
			s.Shutdown()
			return nil, err
		}
	}
	return s, nil
}

// startNATS starts a NATS server with s.cfg and waits until it is ready.
func (s *Server) startNATS() (*server.Server, error) {
	opts, err := s.cfg.options(s.internalPassword)
	if err != nil {
		return nil, err
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded: create server (data dir %s): %w", opts.StoreDir, err)
	}
	ctx := context.Background()
	debug := s.cfg.Logger != nil && s.cfg.Logger.Enabled(ctx, slog.LevelDebug)
	trace := s.cfg.Logger != nil && s.cfg.Logger.Enabled(ctx, slog.LevelDebug-4)
	ns.SetLogger(serverLogger{logger: s.cfg.Logger, onError: s.noteError}, debug, trace)
	timeout := s.cfg.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	go ns.Start()
	if !ns.ReadyForConnections(timeout) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("embedded: server not ready after %v (data dir %s, listen %q): "+
			"is the address in use or the directory unwritable? set Config.Logger for details",
			timeout, opts.StoreDir, s.cfg.Listen)
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("embedded: JetStream failed to start (data dir %s): set Config.Logger for details", opts.StoreDir)
	}
	return ns, nil
}

// current returns the running NATS server (a new one after a restart).
func (s *Server) current() *server.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ns
}

// ClientURL returns the URL for clients of other processes, such as
// "nats://127.0.0.1:4222", or "" when the server does not listen.
func (s *Server) ClientURL() string {
	if !s.listen {
		return ""
	}
	return s.current().ClientURL()
}

// DataDir returns the absolute JetStream storage directory.
func (s *Server) DataDir() string { return s.dir }

// ReconnectWait is how long connections made by Connect wait between
// reconnection attempts (nats.go's default is 2s): after a restart of the
// server, its clients are back within about this long.
const ReconnectWait = 250 * time.Millisecond

// Connect returns a new connection to the server, with every right:
// in-process when the server does not listen or requires TLS, over TCP
// otherwise. opts are applied after the defaults (client name
// "infinitic", reconnecting forever, every ReconnectWait).
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	all := []nats.Option{nats.Name("infinitic"), nats.MaxReconnects(-1), nats.ReconnectWait(ReconnectWait)}
	all = append(all, s.internalAuth()...)
	url := s.ClientURL()
	if s.cfg.TLS != (TLS{}) {
		url = ""
	}
	if url == "" {
		all = append(all, nats.InProcessServer(inProcess{s}))
	}
	nc, err := nats.Connect(url, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("embedded: connect: %w", err)
	}
	return nc, nil
}

// inProcess connects in-process to the current server, so that
// connections made by Connect follow the server across restarts.
type inProcess struct{ s *Server }

func (p inProcess) InProcessConn() (net.Conn, error) { return p.s.current().InProcessConn() }

// NATSServer returns the underlying server, for advanced settings and
// monitoring. After a restart (see Health) it is a new one.
func (s *Server) NATSServer() *server.Server { return s.current() }

// Shutdown stops the server and waits until it has stopped, closing its
// clients' connections, then releases DataDir. JetStream data stays in
// DataDir.
func (s *Server) Shutdown() {
	s.restarting.Lock()
	defer s.restarting.Unlock()
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	close(s.stop)
	ns := s.ns
	s.mu.Unlock()
	if s.syncConn != nil {
		s.syncConn.Close()
	}
	ns.Shutdown()
	ns.WaitForShutdown()
	s.unlock()
}
