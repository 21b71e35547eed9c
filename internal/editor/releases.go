package editor

import (
	"context"
	"sync"

	"github.com/switchboard-support/switchboard/internal/store"
)

// releaseCache keeps the last few versions read, by number: a version
// never changes, and every save of a draft reads its base. The files it
// returns are shared: nobody may modify them.
type releaseCache struct {
	store *store.Store
	max   int

	mu    sync.Mutex
	byNum map[int64]store.Release
	order []int64 // oldest first
}

func newReleaseCache(s *store.Store, max int) *releaseCache {
	return &releaseCache{store: s, max: max, byNum: map[int64]store.Release{}}
}

// get returns version n with its files.
func (c *releaseCache) get(ctx context.Context, n int64) (store.Release, error) {
	c.mu.Lock()
	r, ok := c.byNum[n]
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := c.store.Release(ctx, n)
	if err != nil {
		return store.Release{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byNum[n]; !ok {
		c.byNum[n] = r
		c.order = append(c.order, n)
		if len(c.order) > c.max {
			delete(c.byNum, c.order[0])
			c.order = c.order[1:]
		}
	}
	return r, nil
}

// live returns the live version with its files.
func (c *releaseCache) live(ctx context.Context) (store.Release, error) {
	n, err := c.store.LiveReleaseNumber(ctx)
	if err != nil {
		return store.Release{}, err
	}
	return c.get(ctx, n)
}
