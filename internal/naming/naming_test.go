package naming

import (
	"errors"
	"reflect"
	"testing"
)

type (
	paid       struct{}
	shipped    struct{}
	box[T any] struct{ _ T }
	flow       interface{ Run() }
)

func TestVariantNames(t *testing.T) {
	renamed := &Table{}
	if err := renamed.SetType(reflect.TypeFor[shipped](), "sent"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		table *Table
		typ   reflect.Type
		want  string // "" for an error
	}{
		{"Go name, not the reflect name", nil, reflect.TypeFor[paid](), "paid"},
		{"a pointer: the name of its type", nil, reflect.TypeFor[*paid](), "paid"},
		{"overridden", renamed, reflect.TypeFor[shipped](), "sent"},
		{"not overridden", renamed, reflect.TypeFor[paid](), "paid"},
		{"a generic type needs an override", nil, reflect.TypeFor[box[int]](), ""},
		{"an unnamed type needs an override", nil, reflect.TypeFor[struct{}](), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.table.Variant(c.typ)
			switch {
			case c.want == "" && !errors.Is(err, ErrInvalid):
				t.Fatalf("got %q, %v; want an ErrInvalid", got, err)
			case c.want != "" && (err != nil || got != c.want):
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestVariantsRefuseTwoTypesWithOneName(t *testing.T) {
	tb := &Table{}
	if err := tb.SetType(reflect.TypeFor[shipped](), "paid"); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Variants([]reflect.Type{reflect.TypeFor[paid](), reflect.TypeFor[shipped]()}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("two variants named paid: %v", err)
	}
	if _, err := (&Table{}).Variants([]reflect.Type{reflect.TypeFor[paid](), reflect.TypeFor[*paid]()}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("paid and *paid: %v", err)
	}
	got, err := (&Table{}).Variants([]reflect.Type{reflect.TypeFor[paid](), reflect.TypeFor[shipped]()})
	if err != nil || got["paid"] != reflect.TypeFor[paid]() || got["shipped"] != reflect.TypeFor[shipped]() || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestContractNames(t *testing.T) {
	tb := &Table{}
	if err := tb.SetType(reflect.TypeFor[flow](), "Flow"); err != nil {
		t.Fatal(err)
	}
	if err := tb.SetType(reflect.TypeFor[flow](), "bad name"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an invalid override: %v", err)
	}
	for _, c := range []struct {
		table *Table
		typ   reflect.Type
		want  string
	}{
		{nil, reflect.TypeFor[flow](), "flow"},
		{tb, reflect.TypeFor[flow](), "Flow"},
		{nil, reflect.TypeFor[paid](), ""}, // not an interface
	} {
		got, err := c.table.Contract(c.typ)
		if (c.want == "") != (err != nil) || got != c.want {
			t.Errorf("Contract(%v) = %q, %v; want %q", c.typ, got, err, c.want)
		}
	}
}
