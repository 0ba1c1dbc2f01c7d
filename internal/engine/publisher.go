package engine

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// publisher groups the messages that concurrent tasks publish into one
// transport call (group commit): under load, one round trip carries many
// task outcomes instead of one each.
type publisher struct {
	t        transport.Transport
	requests chan publishRequest
}

type publishRequest struct {
	msgs []wire.Outgoing // published in this order (see transport.LogPrefix)
	done chan error
}

// maxGroup bounds the messages of one grouped publish.
const maxGroup = 512

func newPublisher(t transport.Transport) *publisher {
	return &publisher{t: t, requests: make(chan publishRequest)}
}

// run publishes grouped requests until ctx is done.
func (p *publisher) run(ctx context.Context) {
	for {
		var first publishRequest
		select {
		case <-ctx.Done():
			return
		case first = <-p.requests:
		}
		group := []publishRequest{first}
	fill:
		for len(group) < maxGroup {
			select {
			case r := <-p.requests:
				group = append(group, r)
			default:
				break fill
			}
		}
		var msgs []wire.Outgoing
		for _, r := range group {
			msgs = append(msgs, r.msgs...)
		}
		err := publish(ctx, p.t, msgs)
		for _, r := range group {
			if errors.Is(err, transport.ErrInvalidMessage) && len(group) > 1 {
				// Tell each its own outcome: only the refused ones fail.
				r.done <- publish(ctx, p.t, r.msgs)
				continue
			}
			r.done <- err
		}
	}
}

// publish sends msgs with the next group and returns when they are
// durably published (or failed), or when ctx is done.
func (p *publisher) publish(ctx context.Context, msgs ...wire.Outgoing) error {
	return <-p.send(ctx, msgs...)
}

// send queues msgs for the next group without waiting: the channel
// returned gets the outcome of their publication.
func (p *publisher) send(ctx context.Context, msgs ...wire.Outgoing) <-chan error {
	r := publishRequest{msgs: msgs, done: make(chan error, 1)}
	select {
	case <-ctx.Done():
		r.done <- ctx.Err()
	case p.requests <- r:
	}
	return r.done
}
