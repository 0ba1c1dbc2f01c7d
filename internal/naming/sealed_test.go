package naming_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
)

func TestSealedFamilies(t *testing.T) {
	stringer := reflect.TypeFor[fmt.Stringer]()
	for _, tc := range []struct {
		name  string
		alias infinitic.Alias
		ok    bool
	}{
		{"interface with variants", infinitic.Sealed[fmt.Stringer](time.Duration(0), time.Month(1)), true},
		{"not an interface", infinitic.Sealed[int](1), false},
		{"no variant", infinitic.Sealed[fmt.Stringer](), false},
		{"nil variant", infinitic.Sealed[fmt.Stringer](nil), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table, err := naming.NewTable([]infinitic.Alias{tc.alias})
			if !tc.ok {
				if !errors.Is(err, naming.ErrInvalid) {
					t.Fatalf("got %v, want an invalid-contract error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			variants, sealed := table.Sealed(stringer)
			if !sealed || len(variants) != 2 || variants[0] != reflect.TypeFor[time.Duration]() {
				t.Fatalf("got %v %v", variants, sealed)
			}
			if _, sealed := table.Sealed(reflect.TypeFor[error]()); sealed {
				t.Fatal("error is not a declared family")
			}
		})
	}
}
