package editor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
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
	// wait is how long a request waits for a build before it is told to
	// come back (ErrBuilding); the build goes on without it.
	wait time.Duration
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
	return &runtimeCache{build: build, max: max, wait: buildWait, builds: make(chan struct{}, 1), entries: map[string]*runtimeBuild{}}
}

// buildWait is how long a request waits for the draft's engine: the
// default bundle builds in about a second, a large one can take a minute,
// and a request must answer well within the server's write deadline.
const buildWait = 15 * time.Second

// ErrBuilding answers a request whose draft engine is still being built.
var ErrBuilding = chat.Errorf(chat.EUNAVAILABLE, "the draft's model is still being built; try again in a few seconds")

// engine returns an engine over files, building it at most once per bundle
// while it stays cached. A draft with problems fails with a
// *flows.ValidationError; a build that takes longer than c.wait, with
// ErrBuilding (it goes on in the background for the next request).
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
		go c.run(ctx, hash, r, files)
	}
	timer := time.NewTimer(c.wait)
	defer timer.Stop()
	select {
	case <-r.done:
		return r.engine, r.err
	case <-timer.C:
		return nil, ErrBuilding
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
