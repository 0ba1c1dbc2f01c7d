package engine

import (
	"container/list"
	"sync"

	"github.com/infinitic-go/infinitic/store"
)

// cache keeps live instances (with their runtimes positioned at the end of
// the history) so that each new event costs one step, not a replay. An
// instance in the cache is trusted: if another engine changed the state
// meanwhile, the next compare-and-set fails and the instance is reloaded.
//
// Evicted instances drop their runtime but leave their stored bytes and
// version in a second, larger tier (cold): when more instances run than the
// first tier holds, LRU thrashes (each instance is evicted just before its
// next event), and a cold hit then saves the store read and the
// re-publication of the outbox; only the decoding and the replay remain.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent
	items map[string]*list.Element

	coldMax   int
	coldOrder *list.List // of *coldEntry, front: most recent
	cold      map[string]*list.Element
}

// coldEntry is the stored form of an evicted instance, as load would read
// it: its outbox was published before it was first cached.
type coldEntry struct {
	id      string
	data    []byte
	version store.Version
}

// coldFactor sizes the cold tier: entries are the encoded states (hundreds
// of bytes for a short history), not runtimes with their goroutines.
const coldFactor = 4

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), items: map[string]*list.Element{},
		coldMax: max * coldFactor, coldOrder: list.New(), cold: map[string]*list.Element{}}
}

// take removes and returns the cached instance of id, if any, or else its
// cold entry, if any.
func (c *cache) take(id string) (*instance, *coldEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[id]; ok {
		c.order.Remove(el)
		delete(c.items, id)
		return el.Value.(*instance), nil
	}
	if el, ok := c.cold[id]; ok {
		c.coldOrder.Remove(el)
		delete(c.cold, id)
		return nil, el.Value.(*coldEntry)
	}
	return nil, nil
}

// put caches in, evicting (and closing) the least recently used ones.
// in must have been published (see coldEntry).
func (c *cache) put(in *instance) {
	if c.max <= 0 {
		closeInstance(in)
		return
	}
	c.mu.Lock()
	var evicted []*instance
	c.items[in.id] = c.order.PushFront(in)
	for c.order.Len() > c.max {
		el := c.order.Back()
		c.order.Remove(el)
		old := el.Value.(*instance)
		delete(c.items, old.id)
		evicted = append(evicted, old)
		if old.stored != nil {
			c.cold[old.id] = c.coldOrder.PushFront(&coldEntry{id: old.id, data: old.stored, version: old.version})
		}
	}
	for c.coldOrder.Len() > c.coldMax {
		el := c.coldOrder.Back()
		c.coldOrder.Remove(el)
		delete(c.cold, el.Value.(*coldEntry).id)
	}
	c.mu.Unlock()
	for _, old := range evicted {
		closeInstance(old)
	}
}

// clear closes every cached instance and forgets the cold tier.
func (c *cache) clear() {
	c.mu.Lock()
	items := c.items
	c.items = map[string]*list.Element{}
	c.order.Init()
	c.cold = map[string]*list.Element{}
	c.coldOrder.Init()
	c.mu.Unlock()
	for _, el := range items {
		closeInstance(el.Value.(*instance))
	}
}

func closeInstance(in *instance) {
	if in != nil && in.rt != nil {
		in.rt.Close()
	}
}
