package redis_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/redis"
)

// A read-modify-write loop: reload and retry on store.ErrConflict.
// (Not run as a test: it needs a server.)
func Example() { //nolint:testableexamples // needs a running server: compiled, not run
	ctx := context.Background()
	s, err := redis.New(ctx, redis.Config{Addr: "127.0.0.1:6379", Prefix: "myapp"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for {
		old, v, err := s.Get(ctx, "wf.Counter.1")
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			fmt.Println(err)
			return
		}
		_, err = s.Put(ctx, "wf.Counter.1", append(old, '+'), v) // v is 0 when absent
		if errors.Is(err, store.ErrConflict) {
			continue // someone else wrote first: reload
		}
		if err != nil {
			fmt.Println(err)
		}
		return
	}
}
