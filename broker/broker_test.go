package broker_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
)

// startServer runs a JetStream server on a free loopback port, with the
// authentication and TLS that configure sets.
func startServer(t *testing.T, configure func(*server.Options)) string {
	t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	if configure != nil {
		configure(opts)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns.ClientURL()
}

func TestConnect(t *testing.T) {
	dir := t.TempDir()
	pki := newPKI(t, dir)
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	seedFile := writeFile(t, dir, "user.nk", seed)
	op := newOperator(t)

	tests := []struct {
		name    string
		server  func(*server.Options)
		cfg     broker.Config
		wantErr string // "" for success
	}{
		{name: "no auth"},
		{name: "user and password",
			server: func(o *server.Options) { o.Username, o.Password = "ada", "secret" },
			cfg:    broker.Config{User: "ada", Password: "secret"}},
		{name: "wrong password",
			server:  func(o *server.Options) { o.Username, o.Password = "ada", "secret" },
			cfg:     broker.Config{User: "ada", Password: "nope"},
			wantErr: "refused the credentials"},
		{name: "token",
			server: func(o *server.Options) { o.Authorization = "s3cr3t" },
			cfg:    broker.Config{Token: "s3cr3t"}},
		{name: "missing token",
			server:  func(o *server.Options) { o.Authorization = "s3cr3t" },
			wantErr: "refused the credentials"},
		{name: "nkey",
			server: func(o *server.Options) { o.Nkeys = []*server.NkeyUser{{Nkey: pub}} },
			cfg:    broker.Config{NKeyFile: seedFile}},
		{name: "creds file (operator mode)",
			server: op.server,
			cfg:    broker.Config{CredsFile: creds(t, dir, "app.creds", op.account)}},
		{name: "creds of an unknown account",
			server:  op.server,
			cfg:     broker.Config{CredsFile: creds(t, dir, "other.creds", newOperator(t).account)},
			wantErr: "refused the credentials"},
		{name: "mutual TLS",
			server: pki.serverTLS(t, true),
			cfg:    broker.Config{TLS: broker.TLS{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}}},
		{name: "TLS without the CA",
			server:  pki.serverTLS(t, false),
			cfg:     broker.Config{TLS: broker.TLS{CertFile: pki.clientCert, KeyFile: pki.clientKey}},
			wantErr: "TLS"},
		{name: "two credentials",
			cfg:     broker.Config{Token: "a", NKeyFile: seedFile},
			wantErr: "give one of"},
		{name: "cert without key",
			cfg:     broker.Config{TLS: broker.TLS{CertFile: pki.clientCert}},
			wantErr: "go together"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cfg := tc.cfg
			cfg.URL = startServer(t, tc.server)
			b, err := broker.Connect(ctx, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Connect: got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if !b.Conn.IsConnected() || b.Transport == nil || b.Store == nil {
				t.Fatal("not connected")
			}
		})
	}
}

// An unreachable URL fails at once, saying what to start, and hides the
// password of the URL.
func TestConnectUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = broker.Connect(ctx, broker.Config{URL: "nats://ada:secret@" + addr, ConnectTimeout: time.Second})
	if err == nil {
		t.Fatal("Connect succeeded without a server")
	}
	msg := err.Error()
	for _, want := range []string{"no NATS server answers at nats://***@" + addr, "infinitic server"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("error %q shows the password", msg)
	}
}

// pki is a certificate authority with a server and a client certificate.
type pki struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
}

func (p pki) serverTLS(t *testing.T, verifyClients bool) func(*server.Options) {
	return func(o *server.Options) {
		cfg, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: p.serverCert, KeyFile: p.serverKey,
			CaFile: p.caFile, Verify: verifyClients})
		if err != nil {
			t.Fatal(err)
		}
		o.TLSConfig, o.TLS, o.TLSVerify, o.TLSTimeout = cfg, true, verifyClients, 5
	}
}

func newPKI(t *testing.T, dir string) pki {
	t.Helper()
	caKey, ca := newCert(t, &x509.Certificate{IsCA: true, KeyUsage: x509.KeyUsageCertSign,
		BasicConstraintsValid: true, Subject: pkix.Name{CommonName: "test CA"}}, nil, nil)
	p := pki{caFile: writePEM(t, dir, "ca.pem", "CERTIFICATE", ca.Raw)}
	for _, side := range []struct {
		name      string
		usage     x509.ExtKeyUsage
		cert, key *string
	}{
		{"server", x509.ExtKeyUsageServerAuth, &p.serverCert, &p.serverKey},
		{"client", x509.ExtKeyUsageClientAuth, &p.clientCert, &p.clientKey},
	} {
		key, cert := newCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: side.name},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{side.usage},
			KeyUsage: x509.KeyUsageDigitalSignature}, ca, caKey)
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		*side.cert = writePEM(t, dir, side.name+".pem", "CERTIFICATE", cert.Raw)
		*side.key = writePEM(t, dir, side.name+"-key.pem", "EC PRIVATE KEY", der)
	}
	return p
}

// newCert makes a certificate from template, signed by parent (self-signed
// when parent is nil).
func newCert(t *testing.T, template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template.SerialNumber = big.NewInt(time.Now().UnixNano())
	template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func writePEM(t *testing.T, dir, name, kind string, der []byte) string {
	return writeFile(t, dir, name, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Connect waits for a server that starts after it was called.
func TestConnectWaitsForAStartingServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type result struct {
		b   *broker.Backend
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := broker.Connect(ctx, broker.Config{URL: fmt.Sprintf("nats://127.0.0.1:%d", port), ConnectTimeout: 20 * time.Second})
		done <- result{b, err}
	}()
	startServer(t, func(o *server.Options) { o.Port = port })
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	r.b.Close()
}

// The embedded server (`infinitic server`) authenticates its users by
// password or nkey over TLS, optionally mutual; its own in-process
// connections need neither.
func TestEmbeddedServerAuthentication(t *testing.T) {
	dir := t.TempDir()
	pki := newPKI(t, dir)
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	seedFile := writeFile(t, dir, "user.nk", seed)
	users := []embedded.User{
		{Name: "ada", Password: "secret", Role: broker.RoleWorker},
		{Name: "bob", NKey: pub, Role: broker.RoleClient},
	}
	serverTLS := embedded.TLS{CertFile: pki.serverCert, KeyFile: pki.serverKey, CAFile: pki.caFile}
	mutual := serverTLS
	mutual.VerifyClients = true
	clientTLS := broker.TLS{CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey}
	tests := []struct {
		name    string
		tls     embedded.TLS
		cfg     broker.Config
		wantErr string
	}{
		{name: "password", cfg: broker.Config{User: "ada", Password: "secret"}},
		{name: "wrong password", cfg: broker.Config{User: "ada", Password: "nope"}, wantErr: "refused the credentials"},
		{name: "no credentials", wantErr: "refused the credentials"},
		{name: "nkey over TLS", tls: serverTLS, cfg: broker.Config{NKeyFile: seedFile, TLS: broker.TLS{CAFile: pki.caFile}}},
		{name: "mutual TLS", tls: mutual, cfg: broker.Config{User: "ada", Password: "secret", TLS: clientTLS}},
		{name: "mutual TLS without a client certificate", tls: mutual,
			cfg: broker.Config{User: "ada", Password: "secret", TLS: broker.TLS{CAFile: pki.caFile}}, wantErr: "broker"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			own, err := embedded.Open(ctx, embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Users: users, TLS: tc.tls})
			if err != nil {
				t.Fatalf("the server and its own connection: %v", err)
			}
			defer own.Close()
			cfg := tc.cfg
			cfg.URL, cfg.ConnectTimeout = own.Server.ClientURL(), time.Second
			b, err := broker.Connect(ctx, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Connect: got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_ = b.Close()
		})
	}
}
