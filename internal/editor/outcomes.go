package editor

import (
	"context"
	"slices"
	"sync"

	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/internal/store"
)

// outcomeCache keeps the conversation-test reports of the last few
// bundles by content hash: a diff runs the tests of two bundles, and the
// same versions are compared again and again. Concurrent requests for one
// bundle share one run; failed runs are not kept.
type outcomeCache struct {
	run func(context.Context, map[string][]byte) (flowtest.Report, error)
	max int

	mu      sync.Mutex
	entries map[string]*outcomeRun
	order   []string // oldest first
}

type outcomeRun struct {
	done chan struct{}
	rep  flowtest.Report
	err  error
}

func newOutcomeCache(max int, run func(context.Context, map[string][]byte) (flowtest.Report, error)) *outcomeCache {
	return &outcomeCache{run: run, max: max, entries: map[string]*outcomeRun{}}
}

// report returns the tests' report for files, running them at most once
// per bundle while it stays cached.
func (c *outcomeCache) report(ctx context.Context, files map[string][]byte) (flowtest.Report, error) {
	hash := store.ContentHash(files)
	c.mu.Lock()
	r, ok := c.entries[hash]
	if !ok {
		r = &outcomeRun{done: make(chan struct{})}
		c.entries[hash] = r
		c.order = append(c.order, hash)
		if len(c.order) > c.max {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	if !ok {
		// Not the caller's context: a run others wait for must not end
		// with the first caller's request.
		r.rep, r.err = c.run(context.WithoutCancel(ctx), files)
		if r.err != nil {
			c.forget(hash, r)
		}
		close(r.done)
	}
	select {
	case <-r.done:
		return r.rep, r.err
	case <-ctx.Done():
		return flowtest.Report{}, ctx.Err()
	}
}

func (c *outcomeCache) forget(hash string, r *outcomeRun) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[hash] == r {
		delete(c.entries, hash)
		c.order = slices.DeleteFunc(c.order, func(h string) bool { return h == hash })
	}
}

// TestChange is a conversation test whose outcome differs between two
// bundles. Outcomes: "passed", "failed", "absent".
type TestChange struct {
	Path     string
	Scenario string
	Before   string
	After    string
	Failures []flowtest.Failure // in the second bundle
}

// testChanges compares the outcome of every test of either bundle.
func testChanges(a, b map[string][]byte, ra, rb flowtest.Report) []TestChange {
	before, after := outcomes(a, ra), outcomes(b, rb)
	var paths []string
	for p := range before {
		paths = append(paths, p)
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	out := []TestChange{}
	for _, p := range paths {
		x, y := before[p], after[p]
		if x.status == y.status {
			continue
		}
		name := y.name
		if name == "" {
			name = x.name
		}
		out = append(out, TestChange{Path: p, Scenario: name, Before: orAbsent(x.status), After: orAbsent(y.status),
			Failures: y.failures})
	}
	return out
}

type outcome struct {
	name     string
	status   string
	failures []flowtest.Failure
}

func orAbsent(s string) string {
	if s == "" {
		return "absent"
	}
	return s
}

// outcomes gives each test file of files its outcome in rep.
func outcomes(files map[string][]byte, rep flowtest.Report) map[string]outcome {
	out := map[string]outcome{}
	scenarios, err := flowtest.Parse(files)
	if err != nil {
		return out
	}
	for _, sc := range scenarios {
		out[sc.Path] = outcome{name: sc.Name, status: "passed"}
	}
	for _, f := range rep.Failures {
		o := out[f.Path]
		o.status = "failed"
		o.failures = append(o.failures, f)
		out[f.Path] = o
	}
	return out
}
