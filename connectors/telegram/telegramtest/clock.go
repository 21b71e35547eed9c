package telegramtest

import (
	"context"
	"sync"
	"time"
)

// Clock is a manual clock for telegram.Pacer and telegram.Client: time moves
// only by Advance. Safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []timer
	asked   []time.Duration
	changed chan struct{}
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a Clock at start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After fires once the clock has been advanced by d.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.asked = append(c.asked, d)
	if d <= 0 {
		ch <- c.now
	} else {
		c.timers = append(c.timers, timer{at: c.now.Add(d), ch: ch})
	}
	c.notify()
	return ch
}

// Advance moves the clock by d and fires the timers due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- c.now
	}
	c.timers = kept
	c.notify()
}

// WaitTimers blocks until at least n timers are pending (someone waits on the
// clock), or ctx ends.
func (c *Clock) WaitTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		pending, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if pending >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Asked is every duration passed to After, in order.
func (c *Clock) Asked() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.asked...)
}

// NextTimer is how far the earliest pending timer is from now (false: none).
func (c *Clock) NextTimer() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return 0, false
	}
	next := c.timers[0].at
	for _, t := range c.timers[1:] {
		if t.at.Before(next) {
			next = t.at
		}
	}
	return next.Sub(c.now), true
}

func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Drive advances the clock to each timer as soon as one is pending, until
// done is closed: code that waits on the clock runs as if time flew.
func (c *Clock) Drive(done <-chan struct{}) {
	for {
		c.mu.Lock()
		changed := c.changed
		c.mu.Unlock()
		if d, ok := c.NextTimer(); ok {
			c.Advance(d)
			continue
		}
		select {
		case <-done:
			return
		case <-changed:
		}
	}
}
