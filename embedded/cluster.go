package embedded

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster makes the server one node of a NATS cluster: the nodes connect
// to each other on their cluster ports (routes) and form one JetStream
// domain, where streams and KV buckets with Replicas 3 keep a copy on
// three nodes and survive the loss of one of them. Start three servers,
// each with its own ServerName and DataDir, the same Cluster.Name, and
// the cluster addresses of the others in Routes.
//
// The cluster port carries no authentication or TLS here: keep it on a
// private network (the client port takes Users and TLS as usual).
type Cluster struct {
	// Name is the cluster's name, the same on every node. Required.
	Name string
	// Listen is the "host:port" on which the other nodes connect to this
	// one. Port 0 picks a free port (kept across restarts of the Server).
	// Required.
	Listen string
	// Routes are the cluster addresses of the other nodes
	// ("nats://127.0.0.1:6223"); listing this node's own address too is
	// harmless, so every node can take the same list. Default: none (the
	// node waits for the others to connect to it).
	Routes []string
}

func (c Cluster) enabled() bool { return c.Name != "" || c.Listen != "" || len(c.Routes) > 0 }

// apply sets the cluster options of c on opts.
func (c Cluster) apply(opts *server.Options, serverName string) error {
	if !c.enabled() {
		return nil
	}
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("Cluster.Name is required"))
	}
	if serverName == "" {
		errs = append(errs, errors.New("a cluster node needs a ServerName of its own (unique in the cluster)"))
	}
	host, port, err := hostPort(c.Listen)
	if err != nil {
		errs = append(errs, fmt.Errorf("Cluster.Listen: %w", err))
	}
	for _, r := range c.Routes {
		if len(server.RoutesFromStr(r)) != 1 {
			errs = append(errs, fmt.Errorf("Cluster.Routes: %q is not a URL (nats://host:port)", r))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	opts.Cluster = server.ClusterOpts{Name: c.Name, Host: host, Port: port}
	for _, r := range c.Routes {
		opts.Routes = append(opts.Routes, server.RoutesFromStr(r)...)
	}
	return nil
}

// hostPort parses "host:port"; port 0 becomes server.RANDOM_PORT.
func hostPort(addr string) (string, int, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want host:port: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: invalid port", addr)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// ClusterURL returns the address other nodes give in Cluster.Routes to
// reach this one ("nats://127.0.0.1:6222"), or "" without Cluster.
func (s *Server) ClusterURL() string {
	if !s.cfg.Cluster.enabled() {
		return ""
	}
	return "nats://" + s.cfg.Cluster.Listen
}
