// Package storetest is the conformance suite every [store.Store]
// implementation must pass.
//
// An implementation's tests call Run with a constructor:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
//	}
//
// Each case gets a fresh store from newStore (stores may share a backend:
// every case writes only keys under its own unique prefix) and closes it at
// the end. Cases run in parallel.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/store"
)

const caseTimeout = 60 * time.Second

var caseSeq atomic.Int64

// env is the fixture given to each case.
type env struct {
	t   *testing.T
	ctx context.Context
	s   store.Store
	ns  string // unique key prefix, ends with '.'
}

// key returns a key unique to this case.
func (e *env) key(name string) string { return e.ns + name }

type testCase struct {
	name string
	run  func(e *env)
}

// Run runs the conformance suite on stores built by newStore.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	var cases []testCase
	cases = append(cases, crudCases...)
	cases = append(cases, keysCases...)
	cases = append(cases, pipelineCases...)
	cases = append(cases, expireCases...)
	stamp := time.Now().UnixNano() % 1_000_000_000
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			s := newStore(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			ns := fmt.Sprintf("st%d_%d.", stamp, caseSeq.Add(1))
			c.run(&env{t: t, ctx: ctx, s: s, ns: ns})
		})
	}
}

// put writes and fails the test on error.
func (e *env) put(key, value string, expected store.Version) store.Version {
	e.t.Helper()
	v, err := e.s.Put(e.ctx, key, []byte(value), expected)
	if err != nil {
		e.t.Fatalf("Put(%q, expected %d): %v", key, expected, err)
	}
	if v == 0 {
		e.t.Fatalf("Put(%q) returned version 0", key)
	}
	return v
}

// get reads and fails the test on error.
func (e *env) get(key string) (string, store.Version) {
	e.t.Helper()
	b, v, err := e.s.Get(e.ctx, key)
	if err != nil {
		e.t.Fatalf("Get(%q): %v", key, err)
	}
	return string(b), v
}

// wantErr checks that err is (or wraps) target.
func (e *env) wantErr(what string, err, target error) {
	e.t.Helper()
	if !errors.Is(err, target) {
		e.t.Errorf("%s: error %v, want %v", what, err, target)
	}
}
