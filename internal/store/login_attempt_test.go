package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func TestLoginFailuresCountBlockAndClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		window := 15 * time.Minute
		block := func(n int) time.Duration { return time.Duration(n) * time.Minute }
		// Concurrent failures are all counted.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, _, err := s.RecordLoginFailure(ctx, "login:ann", now, window, block); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		n, until, err := s.RecordLoginFailure(ctx, "login:ann", now, window, block)
		if err != nil || n != 9 || !until.Equal(now.Add(9*time.Minute)) {
			t.Fatalf("9th failure: %d until %v, %v", n, until, err)
		}
		got, err := s.LoginBlockedUntil(ctx, []string{"ip:10.0.0.1", "login:ann"}, now)
		if err != nil || !got.Equal(until) {
			t.Fatalf("blocked until %v, %v; want %v", got, err, until)
		}
		if got, _ := s.LoginBlockedUntil(ctx, []string{"login:ann"}, until); !got.IsZero() {
			t.Fatalf("still blocked at the end: %v", got)
		}
		// Past the window the count starts again.
		if n, _, _ := s.RecordLoginFailure(ctx, "login:ann", now.Add(window+time.Second), window, block); n != 1 {
			t.Fatalf("failures after the window: %d, want 1", n)
		}
		if _, _, err := s.RecordLoginFailure(ctx, "ip:10.0.0.1", now, window, block); err != nil {
			t.Fatal(err)
		}
		// A success clears its login; stale keys go with it.
		if err := s.ClearLoginFailures(ctx, "login:ann", now.Add(time.Hour), window); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.RecordLoginFailure(ctx, "login:ann", now.Add(time.Hour), window, block); n != 1 {
			t.Fatalf("failures after a success: %d, want 1", n)
		}
		if n, _, _ := s.RecordLoginFailure(ctx, "ip:10.0.0.1", now.Add(time.Hour), window, block); n != 1 {
			t.Fatalf("stale key kept: %d failures, want 1", n)
		}
	})
}
