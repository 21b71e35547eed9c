package editor_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestConcurrentPublishesOfOneFile: two editors publish changes to the
// same file at the same moment; exactly one wins, the other is told which
// file conflicts, and the winner's change is live.
func TestConcurrentPublishesOfOneFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		article := "kb/en/deposit-methods.md"
		text := f.file(t, article)
		eds := []struct{ from string }{{"€5"}, {"€15"}}
		for i, ed := range eds {
			op := f.ann
			if i == 1 {
				op = f.bob
			}
			if err := f.svc.SaveFile(ctx, op, article, []byte(strings.Replace(text, "€10", ed.from, 1))); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			op := f.ann
			if i == 1 {
				op = f.bob
			}
			wg.Go(func() { _, errs[i] = f.svc.Publish(ctx, op, "minimum deposit") })
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			var ce *editor.ConflictError
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatal("both publishes succeeded")
				}
				won = i
			case !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files[0] != article:
				t.Fatalf("publish %d: %v, want a conflict on %s", i, err, article)
			}
		}
		if won < 0 {
			t.Fatalf("nobody won: %v", errs)
		}
		if !strings.Contains(f.file(t, article), eds[won].from) {
			t.Fatal("the winner's change is not live")
		}
		if f.liveHash(t) != store.ContentHash(mustLive(t, s).Files) {
			t.Fatal("the engine does not run the live version")
		}
	})
}

func mustLive(t *testing.T, s *store.Store) store.Release {
	t.Helper()
	r, err := s.LiveRelease(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}
