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
	"strings"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
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

// Validate parses files as a bundle, and its conversation tests, and
// returns every problem found.
func Validate(files map[string][]byte) (*flows.Bundle, error) {
	b, err := flows.ParseBundle(files, store.ContentHash(files))
	if _, terr := flowtest.Parse(files); terr != nil {
		var be, te *flows.ValidationError
		if !errors.As(terr, &te) {
			return nil, terr
		}
		if err == nil {
			return nil, te
		}
		if errors.As(err, &be) {
			return nil, &flows.ValidationError{Problems: append(be.Problems, te.Problems...)}
		}
	}
	return b, err
}

// Test runs the bundle's conversation tests against a runtime built from
// it (trained here, index in memory). Nothing is stored.
func Test(ctx context.Context, files map[string][]byte) (flowtest.Report, error) {
	b, err := Validate(files)
	if err != nil {
		return flowtest.Report{}, err
	}
	rt, err := flows.NewRuntime(ctx, b, flows.RuntimeOptions{})
	if err != nil {
		return flowtest.Report{}, err
	}
	defer rt.Close()
	return flowtest.RunRuntime(ctx, rt)
}

// Publish validates files, runs their conversation tests, stores them as a
// version, makes it live here and records the publication so other
// instances follow. A bundle with problems (a *flows.ValidationError) or
// failing tests (a *TestsFailedError) is refused and the live one stays.
func (c *Content) Publish(ctx context.Context, files map[string][]byte, note, author string) (store.ContentVersion, error) {
	var v store.ContentVersion
	err := c.PublishWith(ctx, files, func(ctx context.Context) (int64, error) {
		var err error
		if v, err = c.store.SaveContentVersion(ctx, files, note, author); err != nil {
			return 0, err
		}
		return v.ID, c.store.PublishContentVersion(ctx, v.ID, author)
	})
	return v, err
}

// PublishWith gates files as Publish does (validation, then the
// conversation tests), then calls record, which stores them and records
// the publication and returns the content version id published, and
// makes the bundle live here. record runs under the lock Reload takes; when
// it fails nothing changes here.
func (c *Content) PublishWith(ctx context.Context, files map[string][]byte, record func(context.Context) (int64, error)) error {
	report := progressOf(ctx)
	report(StageValidate, 0, 1)
	b, err := Validate(files)
	if err != nil {
		return err
	}
	report(StageBuild, 0, 1)
	rt, err := flows.NewRuntime(ctx, b, c.opts)
	if err != nil {
		return err
	}
	rep, err := flowtest.RunRuntime(ctx, rt)
	if err == nil && !rep.Passed() {
		err = &TestsFailedError{Report: rep}
	}
	if err != nil {
		rt.Close()
		return err
	}
	report(StageStore, 0, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	id, err := record(ctx)
	if err != nil {
		rt.Close()
		return err
	}
	c.engine.Swap(rt)
	report(StageStore, 1, 1)
	c.version = id
	c.log.Info("content published", "version", id, "hash", b.Hash[:12])
	return nil
}

// TestsFailedError refuses a bundle whose conversation tests fail.
type TestsFailedError struct{ Report flowtest.Report }

// Error lists the failed expectations, one per line.
func (e *TestsFailedError) Error() string {
	lines := []string{fmt.Sprintf("%d of %d conversation test turns failed:", e.Report.Turns-e.Report.TurnsPassed, e.Report.Turns)}
	for _, f := range e.Report.Failures {
		lines = append(lines, f.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets chat.ErrorCode see the refusal as EINVALID.
func (e *TestsFailedError) Unwrap() error {
	return chat.Errorf(chat.EINVALID, "conversation tests failed")
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
	// The poll reads only the publication head; the files are read and
	// decoded when it moved.
	id, err := c.store.LiveContentVersionID(ctx)
	if err != nil {
		return false, err
	}
	if id == c.version && c.engine.Runtime() != nil {
		return false, nil
	}
	v, err := c.store.LiveContentVersion(ctx)
	if err != nil {
		return false, err
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
