package broker_test

import (
	"errors"
	"testing"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// operator is a NATS operator with one account allowed JetStream and a
// system account, for a server in operator mode (accounts resolved from
// memory).
type operator struct {
	claims    *jwt.OperatorClaims
	account   nkeys.KeyPair
	jwt       string // the account's
	system    string // the system account's public key
	systemJWT string
}

func newOperator(t *testing.T) *operator {
	t.Helper()
	op, err := nkeys.CreateOperator()
	if err != nil {
		t.Fatal(err)
	}
	opPub, _ := op.PublicKey()
	oc := jwt.NewOperatorClaims(opPub)
	if _, err := oc.Encode(op); err != nil { // self-signed
		t.Fatal(err)
	}
	acc, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	sys, err := nkeys.CreateAccount()
	if err != nil {
		t.Fatal(err)
	}
	sysPub, _ := sys.PublicKey()
	sysJWT, err := jwt.NewAccountClaims(sysPub).Encode(op)
	if err != nil {
		t.Fatal(err)
	}
	accPub, _ := acc.PublicKey()
	ac := jwt.NewAccountClaims(accPub)
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	accJWT, err := ac.Encode(op)
	if err != nil {
		t.Fatal(err)
	}
	return &operator{claims: oc, account: acc, jwt: accJWT, system: sysPub, systemJWT: sysJWT}
}

// server configures a server trusting the operator and knowing its account.
func (o *operator) server(opts *server.Options) {
	accPub, _ := o.account.PublicKey()
	r := &server.MemAccResolver{}
	if err := errors.Join(r.Store(accPub, o.jwt), r.Store(o.system, o.systemJWT)); err != nil {
		panic(err)
	}
	opts.TrustedOperators = []*jwt.OperatorClaims{o.claims}
	opts.SystemAccount = o.system
	opts.AccountResolver = r
}

// creds writes a .creds file of a new user of account (a user JWT signed
// by the account, and the user's nkey seed).
func creds(t *testing.T, dir, name string, account nkeys.KeyPair) string {
	t.Helper()
	u, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	uPub, _ := u.PublicKey()
	uJWT, err := jwt.NewUserClaims(uPub).Encode(account)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := u.Seed()
	file, err := jwt.FormatUserConfig(uJWT, seed)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, file)
}
