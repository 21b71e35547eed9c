// Package hub fans live events out to the clients connected to this
// instance, keyed by player: every open tab or device of a player gets
// every event of the player's conversation.
package hub

import (
	"sync"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Hub is an in-process publish/subscribe of chat events by player id.
// Staff subscribers live in a set of their own, so no player id — however
// it is spelt — can name the staff feed.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[*Subscription]struct{}
	staff  map[*Subscription]struct{}
	closed bool
}

// New returns an empty hub.
func New() *Hub {
	return &Hub{subs: map[string]map[*Subscription]struct{}{}, staff: map[*Subscription]struct{}{}}
}

// Subscription receives one player's events. A subscriber that falls more
// than its buffer behind is dropped (C is closed) rather than slowing the
// publisher; its client reconnects and resumes from its last message id.
type Subscription struct {
	C        <-chan chat.Event
	c        chan chat.Event
	playerID string // "" for staff
	staff    bool
	hub      *Hub
	once     sync.Once
}

// subscriberBuffer is how many events a slow client may lag: a few turns'
// worth (a turn makes about four events). Each slot costs every idle
// connection ~180 bytes, so it stays small.
const subscriberBuffer = 16

// Subscribe registers a subscriber for playerID. It returns nil when the
// hub is shut down.
func (h *Hub) Subscribe(playerID string) *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := h.newSubscription(subscriberBuffer)
	s.playerID = playerID
	if h.subs[playerID] == nil {
		h.subs[playerID] = map[*Subscription]struct{}{}
	}
	h.subs[playerID][s] = struct{}{}
	return s
}

func (h *Hub) newSubscription(buffer int) *Subscription {
	c := make(chan chat.Event, buffer)
	return &Subscription{C: c, c: c, hub: h}
}

// Close unsubscribes; it is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		if s.staff {
			delete(s.hub.staff, s)
		} else if set := s.hub.subs[s.playerID]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(s.hub.subs, s.playerID)
			}
		}
		close(s.c)
	})
}

// staffBuffer is the lag a console may have: it sees every player's events.
const staffBuffer = 1024

// SubscribeStaff registers a subscriber that receives every event, for
// every player, and the staff-only events of NotifyStaff.
func (h *Hub) SubscribeStaff() *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := h.newSubscription(staffBuffer)
	s.staff = true
	h.staff[s] = struct{}{}
	return s
}

// Notify delivers ev to the player's subscribers and to staff, without
// blocking.
func (h *Hub) Notify(ev chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deliver(h.subs[ev.PlayerID], ev)
	h.deliver(h.staff, ev)
}

// NotifyStaff delivers ev to staff only (internal notes, queue changes).
func (h *Hub) NotifyStaff(ev chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deliver(h.staff, ev)
}

func (h *Hub) deliver(set map[*Subscription]struct{}, ev chat.Event) {
	for s := range set {
		select {
		case s.c <- ev:
		default:
			s.closeLocked() // too slow: drop it, the client resumes
		}
	}
}

// Subscribers returns how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.staff)
	for _, set := range h.subs {
		n += len(set)
	}
	return n
}

// Shutdown closes every subscription and refuses new ones; clients see
// their channel closed and are told to reconnect.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.staff {
		s.closeLocked()
	}
	for _, set := range h.subs {
		for s := range set {
			s.closeLocked()
		}
	}
}
