package telegram

import (
	"context"
	"sync"
	"time"
)

// PaceOptions sets a Pacer's limits. Zero fields take the defaults, which
// stay under Telegram's published limits.
type PaceOptions struct {
	// PerChat is the sustained interval between messages to one chat
	// (default 1 s) and ChatBurst how many may go back to back before that
	// interval applies (default 3): a chat idle for ChatBurst·PerChat may get
	// ChatBurst messages at once, then one per PerChat.
	PerChat   time.Duration
	ChatBurst int
	// Global is the interval between any two messages (default 40 ms, i.e.
	// 25/s), with no burst: no second ever carries more than 25.
	Global time.Duration
	// FloodWindow: a 429 for a second chat while another chat's 429 pause is
	// still running, or within FloodWindow of it, is a global flood: every chat
	// pauses (default 1 s).
	FloodWindow time.Duration
}

// Pacer decides when the next message to a chat may go: a per-chat and a
// global GCRA limiter, plus the pauses 429s impose. Safe for concurrent use.
type Pacer struct {
	clock Clock
	opt   PaceOptions

	mu          sync.Mutex
	chats       map[int64]*chatPace
	globalNext  time.Time // earliest time of the next send overall
	globalPause time.Time
	lastFlood   struct {
		chat int64
		at   time.Time
	}
}

type chatPace struct {
	tat   time.Time // GCRA theoretical arrival time
	pause time.Time
}

// NewPacer returns a Pacer on clock (SystemClock when nil).
func NewPacer(clock Clock, opt PaceOptions) *Pacer {
	if clock == nil {
		clock = SystemClock{}
	}
	if opt.PerChat <= 0 {
		opt.PerChat = time.Second
	}
	if opt.ChatBurst <= 0 {
		opt.ChatBurst = 3
	}
	if opt.Global <= 0 {
		opt.Global = 40 * time.Millisecond
	}
	if opt.FloodWindow <= 0 {
		opt.FloodWindow = time.Second
	}
	return &Pacer{clock: clock, opt: opt, chats: map[int64]*chatPace{}}
}

// Reserve takes a send slot for chatID when one is free now and returns
// (true, now); otherwise it takes nothing and returns the time a slot may
// open (ask again then: another chat may take the global slot first).
func (p *Pacer) Reserve(chatID int64) (bool, time.Time) {
	now := p.clock.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chats[chatID]
	if c == nil {
		p.prune(now)
		c = &chatPace{tat: now}
		p.chats[chatID] = c
	}
	tolerance := time.Duration(p.opt.ChatBurst-1) * p.opt.PerChat
	at := c.tat.Add(-tolerance)
	at = latest(at, c.pause, p.globalPause, p.globalNext)
	if at.After(now) {
		return false, at
	}
	c.tat = latest(c.tat, now).Add(p.opt.PerChat)
	p.globalNext = now.Add(p.opt.Global)
	return true, now
}

// Wait blocks until Reserve grants chatID a slot, or ctx ends.
func (p *Pacer) Wait(ctx context.Context, chatID int64) error {
	for {
		ok, at := p.Reserve(chatID)
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.clock.After(at.Sub(p.clock.Now())):
		}
	}
}

// Throttled records a 429 for chatID (0: a call not tied to a chat): the
// chat pauses until retry_after has passed, and everything pauses when the
// 429 is global — chat 0, or a second chat's 429 within FloodWindow of
// another's.
func (p *Pacer) Throttled(chatID int64, retryAfter time.Duration) {
	now := p.clock.Now()
	until := now.Add(retryAfter)
	p.mu.Lock()
	defer p.mu.Unlock()
	global := chatID == 0 ||
		(p.lastFlood.chat != chatID && !p.lastFlood.at.IsZero() && now.Sub(p.lastFlood.at) <= p.opt.FloodWindow)
	if chatID != 0 {
		c := p.chats[chatID]
		if c == nil {
			c = &chatPace{tat: now}
			p.chats[chatID] = c
		}
		c.pause = latest(c.pause, until)
		p.lastFlood.chat, p.lastFlood.at = chatID, now
	}
	if global {
		p.globalPause = latest(p.globalPause, until)
	}
}

// prune forgets idle chats once the map grows, so memory follows the active
// chats only. Called with p.mu held.
func (p *Pacer) prune(now time.Time) {
	if len(p.chats) < 4096 {
		return
	}
	for id, c := range p.chats {
		if !c.tat.After(now) && !c.pause.After(now) {
			delete(p.chats, id)
		}
	}
}

func latest(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}
