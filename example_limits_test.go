package infinitic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/transport/memory"
)

// A value over a limit is refused where it is given, with an error that
// names the limit: nothing is sent.
func ExampleLimitError() {
	ctx := context.Background()
	tr := memory.New()
	defer tr.Close()
	c, err := client.New(ctx, client.Config{Transport: tr})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	_, err = client.Start(ctx, c, Checkout.Pay, "card", client.WithID(strings.Repeat("x", 300)))
	var limit *infinitic.LimitError
	fmt.Println(errors.Is(err, infinitic.ErrLimitExceeded), errors.As(err, &limit) && limit.Limit == "MaxIDLength")
	fmt.Println(err)

	_, err = client.Start(ctx, c, Checkout.Pay, strings.Repeat("x", infinitic.MaxPayloadSize))
	fmt.Println(err)
	// Output:
	// true true
	// client: infinitic: workflow id is 300 bytes, over MaxIDLength (256 bytes)
	// client: start Checkout: infinitic: input of Checkout.Pay is 262146 bytes, over MaxPayloadSize (262144 bytes)
}
