// Package live keeps the bot on the published content version: it seeds
// the database with the default bundle, validates and publishes new
// versions, rolls back, and reloads every running instance without a
// restart.
package live

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Content publishes content versions and keeps an engine on the live one.
type Content struct {
	store  *store.Store
	engine *flows.Engine
	opts   flows.RuntimeOptions
	log    *slog.Logger

	mu      sync.Mutex // one reload at a time
	version int64      // id of the version the engine runs
}

// New returns a Content manager for engine. indexDir holds the search
// indexes ("" keeps them in memory).
func New(s *store.Store, engine *flows.Engine, opts flows.RuntimeOptions, log *slog.Logger) *Content {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Content{store: s, engine: engine, opts: opts, log: log}
}

// Start loads the published version into the engine. When nothing was ever
// published, it saves and publishes seed (the embedded default bundle).
func (c *Content) Start(ctx context.Context, seed fs.FS) error {
	_, err := c.store.LiveContentVersion(ctx)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		files, err := flows.ReadFS(seed)
		if err != nil {
			return err
		}
		if _, err := c.Publish(ctx, files, "default content", "system"); err != nil {
			return fmt.Errorf("live: publish default content: %w", err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	_, err = c.Reload(ctx)
	return err
}

// Build reads, validates and readies a content tree without storing or
// publishing it: for trying content (switchboard chat --content-dir) and
// for tests.
func Build(ctx context.Context, fsys fs.FS, opts flows.RuntimeOptions) (*flows.Runtime, error) {
	files, err := flows.ReadFS(fsys)
	if err != nil {
		return nil, err
	}
	b, err := Validate(files)
	if err != nil {
		return nil, err
	}
	return flows.NewRuntime(ctx, b, opts)
}

// Validate parses files as a bundle and returns every problem found.
func Validate(files map[string][]byte) (*flows.Bundle, error) {
	return flows.ParseBundle(files, store.ContentHash(files))
}

// Publish validates files, stores them as a version, makes it live here
// and records the publication so other instances follow. A bundle with
// problems is refused (a *flows.ValidationError) and the live one stays.
func (c *Content) Publish(ctx context.Context, files map[string][]byte, note, author string) (store.ContentVersion, error) {
	b, err := Validate(files)
	if err != nil {
		return store.ContentVersion{}, err
	}
	v, err := c.store.SaveContentVersion(ctx, files, note, author)
	if err != nil {
		return store.ContentVersion{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rt, err := flows.NewRuntime(ctx, b, c.opts)
	if err != nil {
		return store.ContentVersion{}, err
	}
	if err := c.store.PublishContentVersion(ctx, v.ID, author); err != nil {
		rt.Close()
		return store.ContentVersion{}, err
	}
	c.engine.Swap(rt)
	c.version = v.ID
	c.log.Info("content published", "version", v.ID, "hash", v.Hash[:12], "author", author)
	return v, nil
}

// Rollback republishes an earlier version.
func (c *Content) Rollback(ctx context.Context, id int64, author string) (store.ContentVersion, error) {
	v, err := c.store.ContentVersion(ctx, id)
	if err != nil {
		return store.ContentVersion{}, err
	}
	return c.Publish(ctx, v.Files, v.Note, author)
}

// Reload makes the engine run the published version if it does not
// already. It reports whether it changed anything.
func (c *Content) Reload(ctx context.Context) (bool, error) {
	// Read the live version under the lock: a Publish that finishes
	// between the read and the swap must not be undone by a stale read.
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.store.LiveContentVersion(ctx)
	if err != nil {
		return false, err
	}
	if v.ID == c.version && c.engine.Runtime() != nil {
		return false, nil
	}
	b, err := Validate(v.Files)
	if err != nil {
		return false, fmt.Errorf("live: published version %d does not validate: %w", v.ID, err)
	}
	rt, err := flows.NewRuntime(ctx, b, c.opts)
	if err != nil {
		return false, err
	}
	c.engine.Swap(rt)
	c.version = v.ID
	c.log.Info("content reloaded", "version", v.ID, "hash", v.Hash[:12])
	return true, nil
}

// Version returns the id of the version the engine runs.
func (c *Content) Version() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// Watch reloads whenever another instance publishes, checking every
// interval until ctx ends. Errors are logged; the running version stays.
func (c *Content) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
				c.log.Error("content reload failed", "err", err)
			}
		}
	}
}
