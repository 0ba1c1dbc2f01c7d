package infinitic_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
)

// A RetryPolicy's MaxRetries is taken as written: 0 means no retry. Start
// from DefaultRetryPolicy (11 retries, used when a service has no policy)
// to change one field.
func ExampleRetryPolicy() {
	fail := errors.New("bank unavailable")
	_, retried := infinitic.RetryPolicy{MinDelay: time.Second}.Delay(1, fail)
	fmt.Println("MaxRetries 0:", retried)

	p := infinitic.DefaultRetryPolicy
	p.MaxRetries, p.RandomFactor = 3, 0
	for retry := 1; retry <= 4; retry++ {
		fmt.Println(p.Delay(retry, fail))
	}
	// Output:
	// MaxRetries 0: false
	// 1s true
	// 2s true
	// 4s true
	// 0s false
}
