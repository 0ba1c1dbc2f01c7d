package infinitic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// RetryPolicy decides whether and when a failed task attempt is retried:
// exponential backoff with jitter, as in Infinitic. A service given no
// policy (no worker.WithRetry) uses DefaultRetryPolicy. In a policy you
// write, MaxRetries and RandomFactor are taken as written, zero included
// (MaxRetries 0: no retry, as Infinitic's maximumRetries = 0; RandomFactor
// 0: no jitter), while MinDelay, MaxDelay and Coefficient left at 0 take
// DefaultRetryPolicy's values. To change one field of the default, start
// from it:
//
//	p := infinitic.DefaultRetryPolicy
//	p.MaxRetries = 3
type RetryPolicy struct {
	// MinDelay is the delay before the first retry. Default 1s.
	MinDelay time.Duration
	// MaxDelay caps the delay. Default 1000s.
	MaxDelay time.Duration
	// Coefficient multiplies the delay at each retry. Default 2.
	Coefficient float64
	// RandomFactor spreads delays by ±RandomFactor (0..1); 0: no jitter.
	// DefaultRetryPolicy's: 0.5.
	RandomFactor float64
	// MaxRetries is the number of retries after the first attempt; 0: none.
	// DefaultRetryPolicy's: 11.
	MaxRetries int
	// NonRetryable lists error types (as printed by %T, e.g.
	// "*payment.DeclinedError") that fail the task at once when any error
	// of the returned error's chain has one of them (as errors.As would
	// find it, through wrapping and across the wire).
	NonRetryable []string
}

// DefaultRetryPolicy is Infinitic's default: 1s, ×2, ±50%, 11 retries.
var DefaultRetryPolicy = RetryPolicy{
	MinDelay:     time.Second,
	MaxDelay:     1000 * time.Second,
	Coefficient:  2,
	RandomFactor: 0.5,
	MaxRetries:   11,
}

// NoRetry never retries (it is the zero RetryPolicy: MaxRetries 0).
var NoRetry = RetryPolicy{}

// withDefaults fills the unset delays and coefficient from
// DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if p.MinDelay == 0 {
		p.MinDelay = d.MinDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.Coefficient == 0 {
		p.Coefficient = d.Coefficient
	}
	return p
}

// Validate reports a policy that cannot work.
func (p RetryPolicy) Validate() error {
	switch {
	case p.MinDelay < 0 || p.MaxDelay < 0:
		return errors.New("infinitic: retry delays must not be negative")
	case p.MaxDelay != 0 && p.MinDelay > p.MaxDelay:
		return fmt.Errorf("infinitic: retry MinDelay %v exceeds MaxDelay %v", p.MinDelay, p.MaxDelay)
	case p.Coefficient < 0:
		return errors.New("infinitic: retry Coefficient must not be negative")
	case p.RandomFactor < 0 || p.RandomFactor > 1:
		return errors.New("infinitic: retry RandomFactor must be within [0, 1]")
	case p.MaxRetries < 0:
		return fmt.Errorf("infinitic: retry MaxRetries must not be negative (0: no retry), got %d", p.MaxRetries)
	}
	return nil
}

// Delay returns the delay before retry number retry (1-based) after err,
// and false if the task must not be retried.
func (p RetryPolicy) Delay(retry int, err error) (time.Duration, bool) {
	p = p.withDefaults()
	if retry > p.MaxRetries || IsNonRetryable(err) || p.nonRetryable(err) {
		return 0, false
	}
	d := float64(p.MinDelay) * math.Pow(p.Coefficient, float64(retry-1))
	d = min(d, float64(p.MaxDelay))
	if p.RandomFactor > 0 {
		d *= 1 + p.RandomFactor*(2*rand.Float64()-1)
	}
	return time.Duration(d), true
}

// nonRetryable reports whether an error of err's chain has a type listed
// in p.NonRetryable: its Go type, or for an error rebuilt from the wire
// (*RemoteError), the original's.
func (p RetryPolicy) nonRetryable(err error) bool {
	if len(p.NonRetryable) == 0 {
		return false
	}
	return errsafe.Walk(err, func(e error) bool {
		name := fmt.Sprintf("%T", e)
		if remote, ok := e.(*RemoteError); ok {
			name = remote.Type
		}
		return slices.Contains(p.NonRetryable, name)
	})
}

// RetryDecider can be implemented by a service implementation to decide
// per error: it returns the delay before retry number retry (1-based) and
// whether to retry at all. It overrides the service's RetryPolicy.
type RetryDecider interface {
	RetryDelay(method string, retry int, err error) (time.Duration, bool)
}
