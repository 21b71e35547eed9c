package editor

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
)

// runtimeCache keeps engines over the last few draft bundles by content
// hash, for trying drafts: training the intent model is the costly part
// of building one. Concurrent requests for one bundle share one build;
// failed builds (a draft that does not validate) are not kept. An evicted
// engine is closed, and its index with its last turn.
type runtimeCache struct {
	build func(context.Context, map[string][]byte) (*flows.Engine, error)
	max   int
	// builds lets one build run at a time: each trains models on every
	// core it gets, and editors saving and trying at once must not starve
	// the players' turns.
	builds chan struct{}

	mu      sync.Mutex
	entries map[string]*runtimeBuild
	order   []string // least recently used first
}

type runtimeBuild struct {
	done   chan struct{}
	engine *flows.Engine
	err    error
}

func newRuntimeCache(max int) *runtimeCache {
	models := flows.NewModelCache(max)
	build := func(ctx context.Context, files map[string][]byte) (*flows.Engine, error) {
		return buildEngine(ctx, files, models)
	}
	return &runtimeCache{build: build, max: max, builds: make(chan struct{}, 1), entries: map[string]*runtimeBuild{}}
}

// engine returns an engine over files, building it at most once per bundle
// while it stays cached. A draft with problems fails with a
// *flows.ValidationError.
func (c *runtimeCache) engine(ctx context.Context, files map[string][]byte) (*flows.Engine, error) {
	hash := store.ContentHash(files)
	c.mu.Lock()
	r, ok := c.entries[hash]
	if ok {
		c.order = append(slices.DeleteFunc(c.order, func(h string) bool { return h == hash }), hash)
	} else {
		r = &runtimeBuild{done: make(chan struct{})}
		c.entries[hash] = r
		c.order = append(c.order, hash)
		if len(c.order) > c.max {
			old := c.entries[c.order[0]]
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
			go func() {
				<-old.done
				if old.engine != nil {
					old.engine.Close()
				}
			}()
		}
	}
	c.mu.Unlock()
	if !ok {
		c.run(ctx, hash, r, files)
	}
	select {
	case <-r.done:
		return r.engine, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run builds r, one build at a time; whatever happens, r.done closes, so
// no waiter hangs on a build that panicked.
func (c *runtimeCache) run(ctx context.Context, hash string, r *runtimeBuild, files map[string][]byte) {
	defer func() {
		if p := recover(); p != nil {
			r.engine, r.err = nil, fmt.Errorf("editor: building the draft's engine: %v", p)
		}
		if r.err != nil {
			c.forget(hash, r)
		}
		close(r.done)
	}()
	// Not the caller's context: others may wait for this build.
	ctx = context.WithoutCancel(ctx)
	c.builds <- struct{}{}
	defer func() { <-c.builds }()
	r.engine, r.err = c.build(ctx, files)
}

// buildEngine validates files and readies an engine over them.
func buildEngine(ctx context.Context, files map[string][]byte, models *flows.ModelCache) (*flows.Engine, error) {
	b, err := live.Validate(files)
	if err != nil {
		return nil, err
	}
	rt, err := flows.NewRuntime(ctx, b, flows.RuntimeOptions{Models: models})
	if err != nil {
		return nil, err
	}
	return flows.NewEngine(rt), nil
}

func (c *runtimeCache) forget(hash string, r *runtimeBuild) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[hash] == r {
		delete(c.entries, hash)
		c.order = slices.DeleteFunc(c.order, func(h string) bool { return h == hash })
	}
}

// close closes every cached engine.
func (c *runtimeCache) close() {
	c.mu.Lock()
	entries := c.entries
	c.entries, c.order = map[string]*runtimeBuild{}, nil
	c.mu.Unlock()
	for _, r := range entries {
		<-r.done
		if r.engine != nil {
			r.engine.Close()
		}
	}
}
