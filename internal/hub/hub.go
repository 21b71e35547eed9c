// Package hub fans live events out to the clients connected to this
// instance, keyed by player: every open tab or device of a player gets
// every event of the player's conversation.
package hub

import (
	"sync"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Hub is an in-process publish/subscribe of chat events by player id.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[*Subscription]struct{}
	closed bool
}

// New returns an empty hub.
func New() *Hub { return &Hub{subs: map[string]map[*Subscription]struct{}{}} }

// Subscription receives one player's events. A subscriber that falls more
// than its buffer behind is dropped (C is closed) rather than slowing the
// publisher; its client reconnects and resumes from its last message id.
type Subscription struct {
	C        <-chan chat.Event
	c        chan chat.Event
	playerID string
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
	return h.subscribe(playerID, subscriberBuffer)
}

func (h *Hub) subscribe(key string, buffer int) *Subscription {
	playerID := key
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	c := make(chan chat.Event, buffer)
	s := &Subscription{C: c, c: c, playerID: playerID, hub: h}
	if h.subs[playerID] == nil {
		h.subs[playerID] = map[*Subscription]struct{}{}
	}
	h.subs[playerID][s] = struct{}{}
	return s
}

// Close unsubscribes; it is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		if set := s.hub.subs[s.playerID]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(s.hub.subs, s.playerID)
			}
		}
		close(s.c)
	})
}

// staffKey subscribes to every event of every player: the operator console.
const staffKey = "\x00staff"

// staffBuffer is the lag a console may have: it sees every player's events.
const staffBuffer = 1024

// SubscribeStaff registers a subscriber that receives every event, for
// every player, and the staff-only events of NotifyStaff.
func (h *Hub) SubscribeStaff() *Subscription { return h.subscribe(staffKey, staffBuffer) }

// Notify delivers ev to the player's subscribers and to staff, without
// blocking.
func (h *Hub) Notify(ev chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deliver(ev.PlayerID, ev)
	h.deliver(staffKey, ev)
}

// NotifyStaff delivers ev to staff only (internal notes, queue changes).
func (h *Hub) NotifyStaff(ev chat.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deliver(staffKey, ev)
}

func (h *Hub) deliver(key string, ev chat.Event) {
	for s := range h.subs[key] {
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
	n := 0
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
	for _, set := range h.subs {
		for s := range set {
			s.closeLocked()
		}
	}
}
