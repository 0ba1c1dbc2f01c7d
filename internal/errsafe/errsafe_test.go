package errsafe_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

var errTarget = errors.New("target")

type selfWrapping struct{}

func (*selfWrapping) Error() string   { return "self" }
func (e *selfWrapping) Unwrap() error { return e }

// joinLoop is a tree whose second branch leads back to itself.
type joinLoop struct{}

func (joinLoop) Error() string     { return "join loop" }
func (e joinLoop) Unwrap() []error { return []error{errors.New("leaf"), e} }

type panicky struct{}

func (panicky) Error() string { panic("Error") }
func (panicky) Unwrap() error { panic("Unwrap") }
func (panicky) Is(error) bool { panic("Is") }

type nilPtr struct{}

func (*nilPtr) Error() string { return "nil ptr" }

type typed struct{ code int }

func (e typed) Error() string { return fmt.Sprint("typed ", e.code) }

func TestWalksAreBounded(t *testing.T) {
	var np *nilPtr
	cases := []struct {
		name    string
		err     error
		is      bool // errsafe.Is(err, errTarget)
		typed   bool // errsafe.As[typed] finds one
		message string
	}{
		{"plain", errTarget, true, false, "target"},
		{"wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", errTarget)), true, false, "a: b: target"},
		{"joined", errors.Join(typed{1}, errTarget), true, true, "typed 1\ntarget"},
		{"self-wrapping", &selfWrapping{}, false, false, "self"},
		{"self-wrapping, wrapped", fmt.Errorf("x: %w", &selfWrapping{}), false, false, "x: self"},
		{"join loop", joinLoop{}, false, false, "join loop"},
		{"panicking methods", panicky{}, false, false, "errsafe_test.panicky.Error() panicked: Error"},
		{"typed nil", np, false, false, "a nil *errsafe_test.nilPtr returned as a non-nil error"},
		{"typed nil, wrapped", fmt.Errorf("w: %w", error(np)), false, false, "w: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errsafe.Is(c.err, errTarget); got != c.is {
				t.Errorf("Is = %v, want %v", got, c.is)
			}
			if _, got := errsafe.As[typed](c.err); got != c.typed {
				t.Errorf("As = %v, want %v", got, c.typed)
			}
			if got := errsafe.Message(c.err); !strings.HasPrefix(got, c.message) {
				t.Errorf("Message = %q, want prefix %q", got, c.message)
			}
			n := 0
			errsafe.Walk(c.err, func(error) bool { n++; return false })
			if n > errsafe.MaxDepth {
				t.Errorf("walk visited %d errors", n)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	var np *nilPtr
	inner := errors.New("inner")
	if got := errsafe.Unwrap(fmt.Errorf("x: %w", inner)); got != inner {
		t.Errorf("Unwrap = %v", got)
	}
	for _, err := range []error{panicky{}, np, inner} {
		if got := errsafe.Unwrap(err); got != nil {
			t.Errorf("Unwrap(%T) = %v, want nil", err, got)
		}
	}
}
