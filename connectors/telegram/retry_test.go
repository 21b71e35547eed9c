package telegram

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	top := func(n int64) int64 { return n - 1 } // the largest draw
	b := Backoff{Base: 100 * time.Millisecond, Max: 2 * time.Second, Rand: top}
	want := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000}
	for attempt, w := range want {
		if got := b.Delay(attempt); got != w*time.Millisecond-1 {
			t.Errorf("Delay(%d) = %v, want just under %v", attempt, got, w*time.Millisecond)
		}
	}
	// Full jitter: draws cover [0, cap).
	b = Backoff{}
	for range 1000 {
		if d := b.Delay(30); d < 0 || d >= time.Minute {
			t.Fatalf("Delay = %v outside [0, 1m)", d)
		}
	}
	if d := (Backoff{Rand: func(int64) int64 { return 0 }}).Delay(0); d != 0 {
		t.Fatalf("smallest draw = %v, want 0", d)
	}
}

func TestOutcomeDelay(t *testing.T) {
	b := Backoff{Base: time.Second, Rand: func(n int64) int64 { return n / 2 }}
	if got := (Outcome{Kind: Retry, RetryAfter: 9 * time.Second}).Delay(b, 5); got != 9*time.Second {
		t.Errorf("429 delay = %v, want retry_after 9s", got)
	}
	if got := (Outcome{Kind: Retry}).Delay(b, 1); got != time.Second {
		t.Errorf("backoff delay = %v, want 1s", got)
	}
}
