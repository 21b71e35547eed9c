package editor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// TestRuntimeCacheBuildsOncePerHash: concurrent requests for one bundle
// share one build, an evicted engine is closed, a failed build is retried.
func TestRuntimeCacheBuildsOncePerHash(t *testing.T) {
	var builds atomic.Int32
	gate := make(chan struct{})
	c := newRuntimeCache(2)
	c.build = func(ctx context.Context, files map[string][]byte) (*flows.Engine, error) {
		builds.Add(1)
		<-gate
		if string(files["bad"]) != "" {
			return nil, &flows.ValidationError{Problems: []flows.Problem{{Path: "bad", Line: 1, Message: "bad"}}}
		}
		return flows.NewEngine(nil), nil
	}
	files := func(s string) map[string][]byte { return map[string][]byte{"a": []byte(s)} }
	ctx := context.Background()
	var wg sync.WaitGroup
	engines := make([]*flows.Engine, 8)
	for i := range engines {
		wg.Go(func() {
			e, err := c.engine(ctx, files("one"))
			if err != nil {
				t.Error(err)
			}
			engines[i] = e
		})
	}
	// Every caller waits on the one build before it may finish.
	for builds.Load() == 0 {
		runtime.Gosched()
	}
	close(gate)
	wg.Wait()
	if got := builds.Load(); got != 1 {
		t.Fatalf("builds = %d, want 1", got)
	}
	for _, e := range engines {
		if e != engines[0] {
			t.Fatal("callers got different engines")
		}
	}
	for i, s := range []string{"two", "three", "one"} {
		if _, err := c.engine(ctx, files(s)); err != nil {
			t.Fatal(err)
		}
		if want := int32(2 + i); builds.Load() != want {
			t.Fatalf("after %q: builds = %d, want %d (one evicted first, rebuilt last)", s, builds.Load(), want)
		}
	}
	bad := map[string][]byte{"bad": []byte("x")}
	for range 2 {
		if _, err := c.engine(ctx, bad); err == nil {
			t.Fatal("a bad bundle built")
		}
	}
	if got := builds.Load(); got != 6 {
		t.Fatalf("builds = %d, want 6 (a failed build is not kept)", got)
	}
	c.close()
}

// TestTryItSessionsExpireAndAreBounded: idle sessions end, an editor keeps
// at most TryItSessions, and nobody reaches another editor's.
func TestTryItSessionsExpireAndAreBounded(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ti := NewTryIt(nil)
	ti.now = func() time.Time { return now }
	ann, bob := handoff.Operator{ID: 1}, handoff.Operator{ID: 2}
	var ids []string
	for range TryItSessions + 1 {
		now = now.Add(time.Second)
		s, err := ti.Start(ann, "en")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if _, err := ti.Session(ann, ids[0]); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("the least recently used session past the bound: %v, want ENOTFOUND", err)
	}
	if _, err := ti.Session(bob, ids[1]); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("another editor's session: %v, want ENOTFOUND", err)
	}
	if _, err := ti.Session(ann, ids[1]); err != nil {
		t.Fatal(err)
	}
	now = now.Add(TryItIdle - time.Second)
	if _, err := ti.Session(ann, ids[1]); err != nil {
		t.Errorf("used within the idle time: %v", err)
	}
	now = now.Add(TryItIdle + time.Second)
	for _, id := range ids[1:] {
		if _, err := ti.Session(ann, id); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("idle past %s: %v, want ENOTFOUND", TryItIdle, err)
		}
	}
	if _, err := ti.Start(ann, "english"); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("bad locale: %v, want EINVALID", err)
	}
}

func TestSlugAndFreePath(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"How do I deposit?", "how-do-i-deposit"},
		{"  Как вывести деньги!!", "как-вывести-деньги"},
		{"???", "tryit"},
		{"../../etc/passwd", "etc-passwd"},
	} {
		if got := slug(tc.name); got != tc.want {
			t.Errorf("slug(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	files := map[string][]byte{RecordDir + "x.yaml": nil, RecordDir + "x-2.yaml": nil}
	if got, want := freePath(files, "x"), fmt.Sprintf("%sx-3.yaml", RecordDir); got != want {
		t.Errorf("freePath = %q, want %q", got, want)
	}
}

// TestRuntimeCacheBuildsOneAtATime: builds of different drafts queue (one
// trains at a time), and a build that panics fails its callers instead of
// leaving them waiting.
func TestRuntimeCacheBuildsOneAtATime(t *testing.T) {
	var running, most atomic.Int32
	c := newRuntimeCache(8)
	c.build = func(ctx context.Context, files map[string][]byte) (*flows.Engine, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if string(files["a"]) == "panic" {
			panic("broken build")
		}
		runtime.Gosched()
		return flows.NewEngine(nil), nil
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			if _, err := c.engine(context.Background(), map[string][]byte{"a": []byte(fmt.Sprint("draft ", i))}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := most.Load(); got != 1 {
		t.Fatalf("%d builds ran at once, want 1", got)
	}
	for range 2 { // the failed build is not kept: the second call builds (and fails) again
		if _, err := c.engine(context.Background(), map[string][]byte{"a": []byte("panic")}); err == nil {
			t.Fatal("a build that panicked returned no error")
		}
	}
	c.close()
}

// TestRuntimeCacheAnswersBuildingWhileSlow: a build that outlasts the
// request's wait is answered with ErrBuilding and goes on; the next
// request gets its engine without building again.
func TestRuntimeCacheAnswersBuildingWhileSlow(t *testing.T) {
	var builds atomic.Int32
	gate := make(chan struct{})
	c := newRuntimeCache(2)
	c.wait = time.Millisecond
	c.build = func(ctx context.Context, files map[string][]byte) (*flows.Engine, error) {
		builds.Add(1)
		<-gate
		return flows.NewEngine(nil), nil
	}
	files := map[string][]byte{"a": []byte("slow")}
	if _, err := c.engine(context.Background(), files); !errors.Is(err, ErrBuilding) || chat.ErrorCode(err) != chat.EUNAVAILABLE {
		t.Fatalf("engine while building: err = %v, want ErrBuilding", err)
	}
	close(gate)
	c.wait = time.Hour
	e, err := c.engine(context.Background(), files)
	if err != nil || e == nil {
		t.Fatalf("engine after the build: %v, %v", e, err)
	}
	if got := builds.Load(); got != 1 {
		t.Fatalf("builds = %d, want 1", got)
	}
	c.close()
}
