package kb

import (
	"container/list"
	"sync"
)

// candidateCache remembers the candidates of recent queries. Players ask
// the same few questions over and over, and an index never changes after
// Open (a new content version is a new Index), so entries never go stale.
type candidateCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recent; values are *cacheItem
	items map[string]*list.Element
}

type cacheItem struct {
	key   string
	cands []candidate
}

// defaultCacheSize bounds the cache: a few thousand queries of a handful of
// candidates each.
const defaultCacheSize = 4096

func newCandidateCache(max int) *candidateCache {
	return &candidateCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *candidateCache) get(key string) ([]candidate, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheItem).cands, true
}

func (c *candidateCache) put(key string, cands []candidate) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheItem{key: key, cands: cands})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheItem).key)
	}
}
