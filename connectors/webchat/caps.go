package webchat

import (
	"sync"

	"github.com/coder/websocket"
)

// Socket caps (PROTOCOL.md): a player holds at most MaxSocketsPerPlayer
// sockets — a new one closes the player's oldest with closeReplaced — and
// the server at most MaxSockets: beyond it a new socket is refused with
// 1013 (try again later).
const (
	closeReplaced     = websocket.StatusCode(4409)
	defaultPerPlayer  = 8
	defaultMaxSockets = 20000
)

// sockets tracks the open sockets of each player, oldest first.
type sockets struct {
	mu       sync.Mutex
	total    int
	byPlayer map[string][]*liveSocket
}

// liveSocket is one authenticated socket; kicked closes when a newer one
// of its player takes its place.
type liveSocket struct {
	kicked chan struct{}
	once   sync.Once
}

func (l *liveSocket) kick() { l.once.Do(func() { close(l.kicked) }) }

// admit registers a socket of player, closing the oldest over perPlayer.
func (s *sockets) admit(player string, perPlayer int) *liveSocket {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byPlayer == nil {
		s.byPlayer = map[string][]*liveSocket{}
	}
	l := &liveSocket{kicked: make(chan struct{})}
	list := append(s.byPlayer[player], l)
	for len(list) > perPlayer {
		list[0].kick()
		list = list[1:]
	}
	s.byPlayer[player] = list
	return l
}

// release forgets a socket (kicked or not).
func (s *sockets) release(player string, l *liveSocket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.byPlayer[player]
	for i, x := range list {
		if x == l {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.byPlayer, player)
	} else {
		s.byPlayer[player] = list
	}
}

// reserve takes one of max places for a new connection (false when full).
func (s *sockets) reserve(max int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.total >= max {
		return false
	}
	s.total++
	return true
}

func (s *sockets) unreserve() {
	s.mu.Lock()
	s.total--
	s.mu.Unlock()
}
