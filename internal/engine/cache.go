package engine

import (
	"container/list"
	"math/rand/v2"
	"sync"

	"github.com/infinitic-go/infinitic/store"
)

// cache keeps live instances (with their runtimes positioned at the end of
// the history) so that each new event costs one step, not a replay. An
// instance in the cache is trusted: if another engine changed the state
// meanwhile, the next compare-and-set fails and the instance is reloaded.
//
// The first tier evicts a random instance, not the least recently used:
// instances mostly wait for their next event in FIFO order (tasks, timers),
// and with more running instances than the tier holds, LRU would evict
// exactly the instance whose event comes next, every time (a miss on
// nearly every event); random eviction keeps most of the hits.
//
// Evicted instances drop their runtime but leave their stored bytes and
// version in a second, larger tier (cold): when more instances run than the
// first tier holds, LRU thrashes (each instance is evicted just before its
// next event), and a cold hit then saves the store read and the
// re-publication of the outbox; only the decoding and the replay remain.
type cache struct {
	mu    sync.Mutex
	max   int
	hot   []*instance    // first tier, in no order
	index map[string]int // id -> position in hot

	coldMax   int
	coldOrder *list.List // of *coldEntry, front: most recent
	cold      map[string]*list.Element
}

// coldEntry is the stored form of an evicted instance, as load would read
// it: its outbox was published before it was first cached.
type coldEntry struct {
	id            string
	data          []byte
	version       store.Version
	indexVersions []store.Version // see instance.indexVersions
}

// coldFactor sizes the cold tier: entries are the encoded states (hundreds
// of bytes for a short history), not runtimes with their goroutines.
const coldFactor = 4

func newCache(size int) *cache {
	return &cache{max: size, index: map[string]int{},
		coldMax: size * coldFactor, coldOrder: list.New(), cold: map[string]*list.Element{}}
}

// take removes and returns the cached instance of id, if any, or else its
// cold entry, if any.
func (c *cache) take(id string) (*instance, *coldEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.index[id]; ok {
		return c.remove(i), nil
	}
	if el, ok := c.cold[id]; ok {
		c.coldOrder.Remove(el)
		delete(c.cold, id)
		return nil, el.Value.(*coldEntry)
	}
	return nil, nil
}

// remove takes the instance at position i out of the first tier.
func (c *cache) remove(i int) *instance {
	in, last := c.hot[i], len(c.hot)-1
	c.hot[i] = c.hot[last]
	c.index[c.hot[i].id] = i
	c.hot[last] = nil
	c.hot = c.hot[:last]
	delete(c.index, in.id)
	return in
}

// put caches in, evicting (and closing) random others when full.
// in must have been published (see coldEntry).
func (c *cache) put(in *instance) {
	if c.max <= 0 {
		closeInstance(in)
		return
	}
	c.mu.Lock()
	var evicted []*instance
	if i, ok := c.index[in.id]; ok { // not expected: callers take first
		evicted = append(evicted, c.remove(i))
	}
	for len(c.hot) >= c.max {
		old := c.remove(rand.IntN(len(c.hot)))
		evicted = append(evicted, old)
		if old.stored != nil {
			c.cold[old.id] = c.coldOrder.PushFront(&coldEntry{id: old.id, data: old.stored, version: old.version, indexVersions: old.indexVersions})
		}
	}
	c.index[in.id] = len(c.hot)
	c.hot = append(c.hot, in)
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
	hot := c.hot
	c.hot, c.index = nil, map[string]int{}
	c.cold = map[string]*list.Element{}
	c.coldOrder.Init()
	c.mu.Unlock()
	for _, in := range hot {
		closeInstance(in)
	}
}

func closeInstance(in *instance) {
	if in != nil && in.rt != nil {
		in.rt.Close()
	}
}
