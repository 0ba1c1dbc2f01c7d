package engine

import (
	"container/list"
	"sync"
)

// cache keeps live instances (with their runtimes positioned at the end of
// the history) so that each new event costs one step, not a replay. An
// instance in the cache is trusted: if another engine changed the state
// meanwhile, the next compare-and-set fails and the instance is reloaded.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent
	items map[string]*list.Element
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

// take removes and returns the cached instance of id, if any.
func (c *cache) take(id string) *instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[id]
	if !ok {
		return nil
	}
	c.order.Remove(el)
	delete(c.items, id)
	return el.Value.(*instance)
}

// put caches in, evicting (and closing) the least recently used ones.
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
	}
	c.mu.Unlock()
	for _, old := range evicted {
		closeInstance(old)
	}
}

// clear closes every cached instance.
func (c *cache) clear() {
	c.mu.Lock()
	items := c.items
	c.items = map[string]*list.Element{}
	c.order.Init()
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
