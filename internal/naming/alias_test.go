package naming_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
)

type Images interface {
	Resize(ctx context.Context, size int) (string, error)
	Upload(ctx context.Context, url string) (string, error)
}

func TestNewTable(t *testing.T) {
	contract := reflect.TypeFor[Images]()
	for _, tc := range []struct {
		name               string
		aliases            []infinitic.Alias
		contract, resize   string
		upload, wantErrSub string
	}{
		{"none", nil, "Images", "Resize", "Upload", ""},
		{"zero alias ignored", []infinitic.Alias{{}}, "Images", "Resize", "Upload", ""},
		{"contract and method", []infinitic.Alias{infinitic.Name[Images]("Pictures"), infinitic.MethodName(Images.Resize, "Scale")},
			"Pictures", "Scale", "Upload", ""},
		{"invalid wire name", []infinitic.Alias{infinitic.Name[Images]("no spaces")}, "", "", "", "must be 1-128 characters"},
		{"not a method expression", []infinitic.Alias{infinitic.MethodName(42, "X")}, "", "", "", "expected a method expression"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table, err := naming.NewTable(tc.aliases)
			if tc.wantErrSub != "" {
				if !errors.Is(err, naming.ErrInvalid) || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("got %v, want an error with %q", err, tc.wantErrSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := table.Contract(contract)
			resize := table.Method(naming.Method{Contract: contract, Name: "Resize"})
			upload := table.Method(naming.Method{Contract: contract, Name: "Upload"})
			if err != nil || got != tc.contract || resize != tc.resize || upload != tc.upload {
				t.Fatalf("got %s %s %s %v", got, resize, upload, err)
			}
		})
	}
}
