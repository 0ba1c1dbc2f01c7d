package infinitic_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
)

type declinedError struct{ Code int }

func (e *declinedError) Error() string { return fmt.Sprintf("declined %d", e.Code) }

func TestRetryPolicyDelay(t *testing.T) {
	declined := &declinedError{Code: 51}
	fatal := infinitic.RetryPolicy{MaxRetries: 3, NonRetryable: []string{"*infinitic_test.declinedError"}}
	remote := &infinitic.RemoteError{Type: "*payment.DeclinedError", Message: "declined"}
	for _, tc := range []struct {
		name   string
		policy infinitic.RetryPolicy
		retry  int
		err    error
		want   bool
	}{
		{"zero policy: no retry", infinitic.RetryPolicy{}, 1, errors.New("x"), false},
		{"MaxRetries 0 with delays set: no retry", infinitic.RetryPolicy{MinDelay: time.Second, Coefficient: 3}, 1, errors.New("x"), false},
		{"NoRetry", infinitic.NoRetry, 1, errors.New("x"), false},
		{"default: 11th retry", infinitic.DefaultRetryPolicy, 11, errors.New("x"), true},
		{"default: no 12th", infinitic.DefaultRetryPolicy, 12, errors.New("x"), false},
		{"MaxRetries 1", infinitic.RetryPolicy{MaxRetries: 1}, 1, errors.New("x"), true},
		{"NonRetryable wrapper", infinitic.DefaultRetryPolicy, 1, infinitic.NonRetryable(errors.New("x")), false},
		{"listed type, outer", fatal, 1, declined, false},
		{"listed type, wrapped", fatal, 1, fmt.Errorf("charge: %w", declined), false},
		{"listed type, joined", fatal, 1, errors.Join(errors.New("a"), fmt.Errorf("b: %w", declined)), false},
		{"listed remote type, in a cause chain", infinitic.RetryPolicy{MaxRetries: 3, NonRetryable: []string{"*payment.DeclinedError"}}, 1,
			&infinitic.RemoteError{Type: "*fmt.wrapError", Message: "charge: declined", Cause: remote}, false},
		{"unlisted type", fatal, 1, errors.New("timeout"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.policy.Validate(); err != nil {
				t.Fatal(err)
			}
			if _, got := tc.policy.Delay(tc.retry, tc.err); got != tc.want {
				t.Fatalf("retry: got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRetryPolicyValidate(t *testing.T) {
	for _, p := range []infinitic.RetryPolicy{
		{MaxRetries: -1},
		{MinDelay: -time.Second},
		{MinDelay: time.Minute, MaxDelay: time.Second},
		{Coefficient: -1},
		{RandomFactor: 1.5},
	} {
		if p.Validate() == nil {
			t.Errorf("%+v: want an error", p)
		}
	}
}
