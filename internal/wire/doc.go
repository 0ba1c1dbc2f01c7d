// Package wire defines the engine's internal formats: the envelopes that
// travel on the transport and the workflow state kept in the store.
//
// Both are encoded in CBOR with integer keys (compact, fast, and evolvable:
// unknown keys are ignored, missing keys decode to zero values). A field's
// key number is forever: never reuse or renumber one. Every released format
// version is kept under testdata/ as golden files that must still decode.
package wire
