// Package wire is the engine's protocol, in one place: the envelopes that
// travel on the transport and how each message is addressed (its id,
// subject and key: ids.go, subjects.go, messages.go), the workflow state
// kept in the store and its keys. The client, the engines and the
// executors build every message here, never by hand, so that they agree
// byte for byte.
//
// Envelopes and states are encoded in CBOR with integer keys (compact,
// fast, and evolvable: unknown keys are ignored, missing keys decode to
// zero values). A field's key number is forever: never reuse or renumber
// one. Every released format version is kept under testdata/ as golden
// files that must still decode, and every message id format is pinned by
// TestMessageIDs.
package wire
