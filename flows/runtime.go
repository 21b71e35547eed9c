package flows

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboard-support/switchboard/handoff"
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

	articles map[string]*intents.Model // by locale: which article a question is about

	mu      sync.Mutex
	refs    int
	retired bool
}

// RuntimeOptions say where a runtime keeps its index and how it trains.
type RuntimeOptions struct {
	IndexDir string // "" keeps the index in memory
	// Intents overrides training options; its Threshold defaults to the
	// bundle's intents.threshold.
	Intents intents.Options
	// Models, when set, reuses the models of a bundle trained before.
	Models *ModelCache
}

// NewRuntime trains the classifiers (or takes them from opts.Models) and
// opens (or builds) the search index for b. It is slow compared with a turn
// and runs off the turn path.
func NewRuntime(ctx context.Context, b *Bundle, opts RuntimeOptions) (*Runtime, error) {
	var m Models
	var err error
	if opts.Models != nil {
		m, err = opts.Models.get(ctx, b, opts.Intents)
	} else {
		m, err = trainModels(ctx, b, opts.Intents)
	}
	if err != nil {
		return nil, err
	}
	index, err := kb.Open(opts.IndexDir, b.Hash, b.Articles, kb.Options{MinScore: b.Settings.KBMinScore, Synonyms: b.Settings.KBSynonyms})
	if err != nil {
		return nil, fmt.Errorf("flows: open knowledge base: %w", err)
	}
	return &Runtime{Bundle: b, Model: m.Intents, Index: index, articles: m.Articles}, nil
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

// WaitText returns the live content's texts about the human queue in locale
// (settings.yaml messages wait_*, late_*), falling back to the built-in ones
// (handoff.DefaultWaitText) for keys the content does not define or before
// any content is loaded.
func (e *Engine) WaitText(locale string) func(key string) string {
	rt := e.Runtime()
	return func(key string) string {
		if rt != nil {
			if _, ok := rt.Bundle.Settings.Messages[key]; ok {
				return rt.Bundle.Settings.Message(key, locale)
			}
		}
		return handoff.DefaultWaitText(key, locale)
	}
}
