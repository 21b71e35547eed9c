package intents

import (
	"context"
	"sync"
	"sync/atomic"
)

// Classifier serves the live model. Classify reads it without locking;
// Retrain trains a new model on the caller's goroutine while the old one
// keeps serving, then swaps it in atomically. It is safe for concurrent use.
type Classifier struct {
	live atomic.Pointer[Model]

	mu        sync.Mutex // orders swaps; never held by Classify
	started   uint64     // generations handed out to Retrain and Swap
	installed uint64     // generation of the live model
}

// NewClassifier returns a Classifier serving m (which may be nil: then
// everything is out of scope until a model is swapped in).
func NewClassifier(m *Model) *Classifier {
	c := &Classifier{}
	c.live.Store(m)
	return c
}

// Model returns the live model, or nil.
func (c *Classifier) Model() *Model { return c.live.Load() }

// Classify classifies text with the live model. Without a model every text
// is out of scope.
func (c *Classifier) Classify(text string) Result {
	m := c.live.Load()
	if m == nil {
		return Result{Intent: OutOfScope, OutOfScope: true, Text: text}
	}
	return m.Classify(text)
}

// Swap makes m the live model.
func (c *Classifier) Swap(m *Model) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started++
	c.installed = c.started
	c.live.Store(m)
}

// Retrain trains a model on examples and makes it live; the old model
// serves until then. On an error (invalid examples, ctx done) the old model
// stays. When retrains overlap, the one started last wins even if it
// finishes first.
func (c *Classifier) Retrain(ctx context.Context, examples []Example, opts Options) error {
	c.mu.Lock()
	c.started++
	gen := c.started
	c.mu.Unlock()
	m, err := TrainContext(ctx, examples, opts)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen > c.installed {
		c.installed = gen
		c.live.Store(m)
	}
	return nil
}
