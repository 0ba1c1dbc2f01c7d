// Package broker connects workers and clients to a NATS JetStream server
// running elsewhere: `infinitic server`, a `nats-server -js` of your own, or
// a NATS cluster. It is the twin of [embedded.Open] for deployments where
// services, workflow engines and clients are separate processes that meet
// only on the broker:
//
//	b, err := broker.Connect(ctx, broker.Config{URL: "nats://127.0.0.1:4222"})
//	defer b.Close()
//	w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store})
//
// Connect waits up to Config.ConnectTimeout for a server that is not there
// yet (it may be starting), then fails with an error saying what to start; once connected, the connection reconnects
// forever, and the transport resumes its consumers when it is back.
//
// [embedded.Open]: https://pkg.go.dev/github.com/infinitic-go/infinitic/embedded#Open
package broker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// DefaultURL is the URL used when Config.URL is empty: `infinitic server`
// with its default --listen.
const DefaultURL = "nats://127.0.0.1:4222"

// DefaultConnectTimeout bounds the first connection when
// Config.ConnectTimeout is zero.
const DefaultConnectTimeout = 5 * time.Second

// ReconnectWait is how long the connection waits between reconnection
// attempts after losing the server.
const ReconnectWait = 250 * time.Millisecond

// Config says where the broker is and how to authenticate. The zero value
// connects to DefaultURL without credentials.
type Config struct {
	// URL of the server, or of several servers of a cluster separated by
	// commas ("nats://a:4222,nats://b:4222"). User and password may be
	// given in the URL ("nats://user:pass@host:4222"); "tls://" requires
	// TLS. Default DefaultURL.
	URL string
	// User and Password authenticate with a user name and password.
	// Default: none.
	User, Password string
	// Token authenticates with a token. Default: none.
	Token string
	// CredsFile is a NATS credentials file (.creds: a user JWT and its
	// nkey seed), for servers in operator mode. Default: none.
	CredsFile string
	// NKeyFile is a file holding an nkey seed ("SU..."), for servers that
	// list the user's public nkey. Default: none.
	NKeyFile string
	// TLS configures TLS. Default: TLS only if the URL says "tls://" or the
	// server requires it, verified with the system's certificate
	// authorities.
	TLS TLS
	// Name is the connection name shown by the server's monitoring.
	// Default "infinitic".
	Name string
	// ConnectTimeout bounds the first connection: Connect retries a
	// server that does not answer (it may be starting) and fails after
	// it. Default DefaultConnectTimeout (5s).
	ConnectTimeout time.Duration
	// Transport configures the JetStream streams (replicas on a cluster,
	// partitions...). Default: natsjs defaults.
	Transport natsjs.Config
	// Store configures the KV bucket of workflow state. Default: natskv
	// defaults.
	Store natskv.Config
}

// TLS holds the files of a TLS connection, in PEM format. Setting any
// field turns TLS on.
type TLS struct {
	// CAFile holds the certificate authorities that signed the server's
	// certificate. Default: the system's.
	CAFile string
	// CertFile and KeyFile are the client certificate and its key, for
	// servers that verify clients (mutual TLS). Default: none.
	CertFile, KeyFile string
}

func (t TLS) enabled() bool { return t != TLS{} }

// options validates cfg and returns the nats.go options it means.
func (cfg Config) options() ([]nats.Option, error) {
	name := cfg.Name
	if name == "" {
		name = "infinitic"
	}
	timeout := cfg.ConnectTimeout
	if timeout == 0 {
		timeout = DefaultConnectTimeout
	}
	var errs []error
	if timeout < 0 {
		errs = append(errs, errors.New("ConnectTimeout must not be negative"))
	}
	if (cfg.User == "") != (cfg.Password == "") {
		errs = append(errs, errors.New("User and Password go together"))
	}
	if n := count(cfg.User != "", cfg.Token != "", cfg.CredsFile != "", cfg.NKeyFile != ""); n > 1 {
		errs = append(errs, errors.New("give one of User/Password, Token, CredsFile and NKeyFile"))
	}
	if (cfg.TLS.CertFile == "") != (cfg.TLS.KeyFile == "") {
		errs = append(errs, errors.New("TLS.CertFile and TLS.KeyFile go together"))
	}
	opts := []nats.Option{
		nats.Name(name),
		nats.Timeout(timeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(ReconnectWait),
	}
	switch {
	case cfg.User != "":
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	case cfg.Token != "":
		opts = append(opts, nats.Token(cfg.Token))
	case cfg.CredsFile != "":
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	case cfg.NKeyFile != "":
		opt, err := nats.NkeyOptionFromSeed(cfg.NKeyFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("NKeyFile: %w", err))
		}
		opts = append(opts, opt)
	}
	if cfg.TLS.CAFile != "" {
		opts = append(opts, nats.RootCAs(cfg.TLS.CAFile))
	}
	if cfg.TLS.CertFile != "" {
		opts = append(opts, nats.ClientCert(cfg.TLS.CertFile, cfg.TLS.KeyFile))
	}
	if cfg.TLS.enabled() {
		opts = append(opts, nats.Secure())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("broker: config: %w", err)
	}
	return opts, nil
}

func count(conds ...bool) (n int) {
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}

// Backend is a connection to the broker with the JetStream transport and
// the KV store on it. Give Transport and Store to the worker and client
// configs.
type Backend struct {
	Conn      *nats.Conn
	Transport *natsjs.Transport
	Store     *natskv.Store
}

// Connect connects to the broker of cfg and opens the transport and the
// store on it, creating their streams and bucket if needed. It fails
// after cfg.ConnectTimeout when no server answers, and at once when the
// server refuses the credentials or has no JetStream.
func Connect(ctx context.Context, cfg Config) (_ *Backend, err error) {
	b := &Backend{}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	if b.Conn, err = Dial(cfg); err != nil {
		return nil, err
	}
	url := b.Conn.ConnectedUrlRedacted()
	if b.Transport, err = natsjs.New(ctx, b.Conn, cfg.Transport); err != nil {
		return nil, fmt.Errorf("broker: %s: %w (is JetStream enabled? `infinitic server` enables it; nats-server needs -js)", url, err)
	}
	if b.Store, err = natskv.New(ctx, b.Conn, cfg.Store); err != nil {
		return nil, fmt.Errorf("broker: %s: %w", url, err)
	}
	return b, nil
}

// Dial only connects, for programs that open the transport or the store
// themselves (a SQL store, say); cfg.Transport and cfg.Store are not used.
// It fails like Connect.
func Dial(cfg Config) (*nats.Conn, error) {
	url := cfg.URL
	if url == "" {
		url = DefaultURL
	}
	opts, err := cfg.options()
	if err != nil {
		return nil, err
	}
	timeout := cfg.ConnectTimeout
	if timeout == 0 {
		timeout = DefaultConnectTimeout
	}
	// A refused connection is retried until the timeout: the server may be
	// starting at the same time (docker compose, systemd, a test).
	deadline := time.Now().Add(timeout)
	delay := 50 * time.Millisecond
	for {
		nc, err := nats.Connect(url, opts...)
		if err == nil {
			return nc, nil
		}
		if !unreachable(err) || time.Now().Add(delay).After(deadline) {
			return nil, explain(url, timeout, err)
		}
		time.Sleep(delay)
		delay = min(2*delay, time.Second)
	}
}

// explain turns a failed first connection into an error saying what to do.
func explain(url string, timeout time.Duration, err error) error {
	url = redact(url)
	switch {
	case unreachable(err):
		return fmt.Errorf("broker: no NATS server answers at %s after %v (%w): start one with "+
			"`infinitic server --listen HOST:PORT` (or `nats-server -js`), or fix the URL", url, timeout, err)
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthExpired), errors.Is(err, nats.ErrAuthRevoked):
		return fmt.Errorf("broker: %s refused the credentials (%w): check User/Password, Token, CredsFile or NKeyFile", url, err)
	case strings.Contains(err.Error(), "tls") || strings.Contains(err.Error(), "x509") || strings.Contains(err.Error(), "certificate"):
		return fmt.Errorf("broker: TLS with %s failed (%w): check TLS.CAFile, TLS.CertFile and TLS.KeyFile", url, err)
	}
	return fmt.Errorf("broker: connect to %s: %w", url, err)
}

// unreachable reports whether err means that no server answered.
func unreachable(err error) bool {
	if errors.Is(err, nats.ErrNoServers) || errors.Is(err, nats.ErrTimeout) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "connection refused") || strings.Contains(s, "no such host") ||
		strings.Contains(s, "i/o timeout") || strings.Contains(s, "network is unreachable")
}

// redact hides passwords and tokens of URLs in errors.
func redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, u := range parts {
		if at := strings.LastIndex(u, "@"); at >= 0 {
			if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
				parts[i] = u[:scheme+3] + "***" + u[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}

// Close closes the store, the transport and the connection.
func (b *Backend) Close() error {
	var errs []error
	if b.Store != nil {
		errs = append(errs, b.Store.Close())
	}
	if b.Transport != nil {
		errs = append(errs, b.Transport.Close())
	}
	if b.Conn != nil {
		b.Conn.Close()
	}
	return errors.Join(errs...)
}
