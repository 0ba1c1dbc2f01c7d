package wire

import (
	"errors"
	"reflect"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
)

type paid struct{ Amount int }
type shipped struct{ Carrier string }

// TestChannelValues pins the format of values sent on channels byte for
// byte: values already sent must still be read after an upgrade.
func TestChannelValues(t *testing.T) {
	variants := []reflect.Type{reflect.TypeFor[paid](), reflect.TypeFor[*shipped]()}
	renamed := &naming.Table{}
	if err := renamed.SetType(reflect.TypeFor[*shipped](), "Sent"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		names    *naming.Table
		variants []reflect.Type
		v        any
		want     string
		variant  string // the name SplitVariant finds
		value    string // the value SplitVariant finds
	}{
		{"no variants", nil, nil, paid{1}, `{"Amount":1}`, "", `{"Amount":1}`},
		{"a variant", nil, variants, paid{1}, "\x00variant:paid\n" + `{"Amount":1}`, "paid", `{"Amount":1}`},
		{"a pointer variant", nil, variants, &shipped{"UPS"}, "\x00variant:shipped\n" + `{"Carrier":"UPS"}`, "shipped", `{"Carrier":"UPS"}`},
		{"a renamed variant", renamed, variants, &shipped{"UPS"}, "\x00variant:Sent\n" + `{"Carrier":"UPS"}`, "Sent", `{"Carrier":"UPS"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := EncodeChannelValue(infinitic.JSON, c.names, "ch", c.variants, c.v)
			if err != nil || string(got) != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
			if name, value := SplitVariant(got); name != c.variant || string(value) != c.value {
				t.Fatalf("split: %q %q; want %q %q", name, value, c.variant, c.value)
			}
		})
	}
	if _, err := EncodeChannelValue(infinitic.JSON, nil, "ch", variants, shipped{}); !errors.Is(err, infinitic.ErrInvalidContract) {
		t.Fatalf("a type that is not a variant: %v", err)
	}
}
