package infinitic

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// RetryPolicy decides whether and when a failed task attempt is retried:
// exponential backoff with jitter, as in Infinitic. The zero value means
// DefaultRetryPolicy. In a policy with some fields set, the other duration,
// coefficient and count fields take their defaults, but RandomFactor is
// taken as given (0: no jitter). Set MaxRetries to -1 for no retries.
type RetryPolicy struct {
	// MinDelay is the delay before the first retry. Default 1s.
	MinDelay time.Duration
	// MaxDelay caps the delay. Default 1000s.
	MaxDelay time.Duration
	// Coefficient multiplies the delay at each retry. Default 2.
	Coefficient float64
	// RandomFactor spreads delays by ±RandomFactor (0..1). Default 0.5.
	RandomFactor float64
	// MaxRetries is the number of retries after the first attempt. Default
	// 11; -1 disables retries.
	MaxRetries int
	// NonRetryable lists error types (as printed by %T, e.g.
	// "*payment.DeclinedError") that fail the task at once.
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

// NoRetry never retries.
var NoRetry = RetryPolicy{MaxRetries: -1}

// withDefaults fills unset fields from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if reflect.ValueOf(p).IsZero() {
		return d
	}
	if p.MinDelay == 0 {
		p.MinDelay = d.MinDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.Coefficient == 0 {
		p.Coefficient = d.Coefficient
	}
	if p.MaxRetries == 0 {
		p.MaxRetries = d.MaxRetries
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
	case p.MaxRetries < -1:
		return errors.New("infinitic: retry MaxRetries must be -1 (none) or more")
	}
	return nil
}

// Delay returns the delay before retry number retry (1-based) after err,
// and false if the task must not be retried.
func (p RetryPolicy) Delay(retry int, err error) (time.Duration, bool) {
	p = p.withDefaults()
	if p.MaxRetries < 0 || retry > p.MaxRetries || IsNonRetryable(err) {
		return 0, false
	}
	if slices.Contains(p.NonRetryable, errorType(err)) {
		return 0, false
	}
	d := float64(p.MinDelay) * math.Pow(p.Coefficient, float64(retry-1))
	d = min(d, float64(p.MaxDelay))
	if p.RandomFactor > 0 {
		d *= 1 + p.RandomFactor*(2*rand.Float64()-1)
	}
	return time.Duration(d), true
}

// errorType is the Go type name of the innermost error in err's chain that
// is not a wrapper added by infinitic.
func errorType(err error) string {
	if remote, ok := errsafe.As[*RemoteError](err); ok {
		return remote.Type
	}
	if nr, ok := errsafe.As[nonRetryable](err); ok {
		err = nr.err
	}
	return fmt.Sprintf("%T", err)
}

// RetryDecider can be implemented by a service implementation to decide
// per error: it returns the delay before retry number retry (1-based) and
// whether to retry at all. It overrides the service's RetryPolicy.
type RetryDecider interface {
	RetryDelay(method string, retry int, err error) (time.Duration, bool)
}
