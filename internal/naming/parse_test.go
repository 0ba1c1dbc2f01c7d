package naming

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

type greeter interface {
	Hello(name string) string
	Bye()
}

type impl struct{}

func (impl) Hello(name string) string { return name }
func (impl) Bye()                     {}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"Order", true},
		{"order_v2-beta", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{"a.b", false}, // a subject token separator
		{"a b", false},
		{"a*", false},
		{"é", false},
	} {
		if err := Validate(c.name); (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("Validate(%q) = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name string
		fn   any
		want Method // zero: an ErrInvalid
	}{
		{"a method expression", greeter.Hello, Method{reflect.TypeFor[greeter](), "Hello"}},
		{"another method of it", greeter.Bye, Method{reflect.TypeFor[greeter](), "Bye"}},
		{"a method value", impl{}.Hello, Method{}},
		{"a method expression on a struct", impl.Hello, Method{}},
		{"a plain function", strings.ToUpper, Method{}},
		{"not a function", "Hello", Method{}},
		{"nil", nil, Method{}},
		{"a nil function", (func(greeter))(nil), Method{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.fn)
			if c.want == (Method{}) {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %v, %v; want an ErrInvalid", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %v, %v; want %v", got, err, c.want)
			}
			// Parsed once, then cached: the same answer again.
			if again, err := Parse(c.fn); err != nil || again != got {
				t.Fatalf("again: %v, %v", again, err)
			}
		})
	}
}

func TestMethodNames(t *testing.T) {
	hello := Method{reflect.TypeFor[greeter](), "Hello"}
	tb := &Table{}
	if err := tb.SetMethod(hello, "greet"); err != nil {
		t.Fatal(err)
	}
	if err := tb.SetMethod(hello, "not valid"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an invalid override: %v", err)
	}
	for _, c := range []struct {
		table *Table
		m     Method
		want  string
	}{
		{nil, hello, "Hello"},
		{tb, hello, "greet"},
		{tb, Method{reflect.TypeFor[greeter](), "Bye"}, "Bye"},
	} {
		if got := c.table.Method(c.m); got != c.want {
			t.Errorf("Method(%v) = %q, want %q", c.m, got, c.want)
		}
	}
}
