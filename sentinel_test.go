package infinitic_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/infinitic-go/infinitic"
)

func TestSentinelCodeIsDeterministic(t *testing.T) {
	both := errors.Join(infinitic.ErrTimeout, infinitic.ErrCanceled)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"none", errors.New("plain"), ""},
		{"itself", infinitic.ErrDecode, "decode"},
		{"wrapped", fmt.Errorf("x: %w", infinitic.ErrInstanceNotFound), "workflow-unknown"},
		{"two sentinels: canceled first", both, "canceled"},
		{"typed error", &infinitic.TimeoutError{What: "t"}, "timeout"},
		{"not failed", fmt.Errorf("y: %w", infinitic.ErrNotFailed), "not-failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 100 { // a map order would show within 100 tries
				if got := infinitic.SentinelCode(tc.err); got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}
