package telegramtest

import (
	"net/http"
	"net/http/httptest"
	"time"
)

// Start starts a fake Bot API outside a test (a benchmark, a demo); the
// caller closes it with Close. In tests, use New.
func Start(opts ...Option) *Server {
	s := &Server{
		Token:     DefaultToken,
		now:       time.Now,
		changed:   make(chan struct{}),
		answered:  map[string]string{},
		nextMsgID: map[int64]int{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// MessageCount is how many messages the server accepted, for all chats:
// cheaper than len(Messages(0)) for a caller that polls.
func (s *Server) MessageCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}
