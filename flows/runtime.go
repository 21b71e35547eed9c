package flows

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/kb"
)

// Runtime is a bundle made ready to answer: its trained classifier and its
// search index. Engines swap whole runtimes, so a turn always sees one
// consistent content version.
type Runtime struct {
	Bundle *Bundle
	Model  *intents.Model
	Index  *kb.Index

	mu      sync.Mutex
	refs    int
	retired bool
}

// RuntimeOptions say where a runtime keeps its index.
type RuntimeOptions struct {
	IndexDir string // "" keeps the index in memory
	// Intents overrides training options; its Threshold defaults to the
	// bundle's intents.threshold.
	Intents intents.Options
}

// NewRuntime trains the classifier and opens (or builds) the search index
// for b. It is slow compared with a turn and runs off the turn path.
func NewRuntime(ctx context.Context, b *Bundle, opts RuntimeOptions) (*Runtime, error) {
	io := opts.Intents
	if io.Threshold == 0 {
		io.Threshold = b.Settings.IntentThreshold
	}
	model, err := intents.TrainContext(ctx, b.AllExamples(), io)
	if err != nil {
		return nil, fmt.Errorf("flows: train intents: %w", err)
	}
	index, err := kb.Open(opts.IndexDir, b.Hash, b.Articles, kb.Options{MinScore: b.Settings.KBMinScore})
	if err != nil {
		return nil, fmt.Errorf("flows: open knowledge base: %w", err)
	}
	return &Runtime{Bundle: b, Model: model, Index: index}, nil
}

// Version returns the content hash the runtime was built from.
func (r *Runtime) Version() string { return r.Bundle.Hash }

func (r *Runtime) acquire() {
	r.mu.Lock()
	r.refs++
	r.mu.Unlock()
}

func (r *Runtime) release() {
	r.mu.Lock()
	r.refs--
	done := r.retired && r.refs == 0
	r.mu.Unlock()
	if done {
		_ = r.Index.Close()
	}
}

// retire closes the runtime's index once no turn uses it any more.
func (r *Runtime) retire() {
	r.mu.Lock()
	r.retired = true
	done := r.refs == 0
	r.mu.Unlock()
	if done {
		_ = r.Index.Close()
	}
}

// Close closes a runtime that never went live.
func (r *Runtime) Close() { _ = r.Index.Close() }
