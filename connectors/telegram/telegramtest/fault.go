package telegramtest

import (
	"fmt"
	"net/http"
	"time"
)

// Fault changes the answers to matching calls.
type Fault struct {
	Method string // "" matches every method
	ChatID int64  // 0 matches every chat (and calls without one)
	// Times is how many matching calls it hits; 0 means once, -1 forever.
	Times int
	// Status answers with this error code (429, 500, 403, 400, …) and
	// Description (Telegram's wording by default: "Forbidden: bot was
	// blocked by the user" for 403). 0: answer normally after Hold.
	Status      int
	Description string
	RetryAfter  int // seconds, in parameters.retry_after (429)
	// Hold delays the answer until it is closed; a client that gives up
	// first (its timeout) gets nothing, and the call has no effect.
	Hold <-chan struct{}
	// Delay answers after this long (real time: API latency for benchmarks);
	// like Hold, a client that gives up first gets nothing.
	Delay time.Duration
	// Disconnect closes the connection without an answer (a network error);
	// the call has no effect.
	Disconnect bool
}

type faultState struct {
	Fault
	left int
}

// Inject adds a fault; the oldest matching fault with hits left applies.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.faults = append(s.faults, &faultState{Fault: f, left: left})
}

// Block makes chatID answer every sendMessage and sendChatAction with 403
// "Forbidden: bot was blocked by the user".
func (s *Server) Block(chatID int64) {
	s.Inject(Fault{Method: "sendMessage", ChatID: chatID, Times: -1, Status: http.StatusForbidden})
	s.Inject(Fault{Method: "sendChatAction", ChatID: chatID, Times: -1, Status: http.StatusForbidden})
}

// fault takes a hit of the first matching fault; called with s.mu held.
func (s *Server) fault(method string, chatID int64) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && f.Method != method || f.ChatID != 0 && f.ChatID != chatID {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		if f.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &f.Fault
	}
	return nil
}

func (f *Fault) answer() apiAnswer {
	d := f.Description
	if d == "" {
		switch f.Status {
		case http.StatusTooManyRequests:
			d = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		case http.StatusForbidden:
			d = "Forbidden: bot was blocked by the user"
		case http.StatusBadRequest:
			d = "Bad Request"
		case http.StatusUnauthorized:
			d = "Unauthorized"
		default:
			d = http.StatusText(f.Status)
		}
	}
	return apiAnswer{Description: d, RetryAfter: f.RetryAfter}
}
