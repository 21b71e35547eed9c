// Package telegramtest is a fake Telegram Bot API for tests: an httptest
// server answering /bot<token>/<method> as Telegram does (multipart, JSON or
// form requests; {"ok":…} answers with Telegram's status codes), recording
// every request with its time, serving queued updates to getUpdates, and
// injecting faults (429 with retry_after, 500, 403, holds and disconnects)
// per method and per chat. Tests wait on conditions with Await, never sleep.
package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token New serves unless WithToken says otherwise.
const DefaultToken = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"

// Server is the fake Bot API. Safe for concurrent use.
type Server struct {
	URL   string // pass to telegram.Options.APIURL
	Token string

	srv *httptest.Server
	now func() time.Time

	mu        sync.Mutex
	changed   chan struct{}
	requests  []Request
	messages  []Message
	answered  map[string]string // callback id → answer text
	nextMsgID map[int64]int
	faults    []*faultState
	updates   updateQueue
	webhook   Webhook
}

// Request is one call as the server received it.
type Request struct {
	Seq         int
	Time        time.Time // by the server's clock (WithClock)
	Method      string
	ChatID      int64             // chat_id, when the call has one
	Params      map[string]string // every parameter; objects as JSON text
	ContentType string            // the request's media type
	Status      int               // the HTTP status answered (0: none, the client left)
}

// Message is a text the server accepted (sendMessage).
type Message struct {
	ID          int
	ChatID      int64
	Text        string // as sent (HTML source in HTML mode)
	ParseMode   string
	ReplyMarkup string // JSON text, "" when none
	Keyboard    [][]Key
	Time        time.Time
}

// Key is one inline-keyboard button of a Message.
type Key struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// Webhook is the registered webhook.
type Webhook struct {
	URL    string
	Secret string
}

// Option configures New.
type Option func(*Server)

// WithToken serves token instead of DefaultToken.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithClock stamps requests and messages with now (e.g. Clock.Now) instead of
// time.Now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a fake Bot API closed when t ends.
func New(t testing.TB, opts ...Option) *Server {
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
	t.Cleanup(s.Close)
	return s
}

// Close stops the server, ending held requests.
func (s *Server) Close() { s.srv.Close() }

// Await blocks until cond holds (re-checked after every change the server
// records), or ctx ends. cond may call the server's readers.
func (s *Server) Await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Requests returns the calls received so far, optionally only those of the
// given methods, in arrival order.
func (s *Server) Requests(methods ...string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if len(methods) == 0 || slices.Contains(methods, r.Method) {
			out = append(out, r)
		}
	}
	return out
}

// Messages returns the messages accepted for chatID (0: all chats), in order.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if chatID == 0 || m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Answered returns the text a callback query was answered with (ok: it was).
func (s *Server) Answered(callbackID string) (text string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok = s.answered[callbackID]
	return text, ok
}

// Webhook returns the registered webhook (zero: none).
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// notify wakes Await; called with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !strings.HasPrefix(r.URL.Path, "/bot") || !ok {
		writeResult(w, http.StatusNotFound, apiAnswer{Description: "Not Found"})
		return
	}
	params, contentType, err := readParams(r)
	if err != nil {
		writeResult(w, http.StatusBadRequest, apiAnswer{Description: "Bad Request: " + err.Error()})
		return
	}
	chatID, _ := strconv.ParseInt(params["chat_id"], 10, 64)
	s.mu.Lock()
	seq := len(s.requests)
	s.requests = append(s.requests, Request{
		Seq: seq, Time: s.now(), Method: method, ChatID: chatID, Params: params, ContentType: contentType,
	})
	f := s.fault(method, chatID)
	s.notify()
	s.mu.Unlock()

	status, answer := s.answer(r, token, method, chatID, params, f)
	if status == 0 {
		s.record(seq, 0)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return
	}
	s.record(seq, status)
	writeResult(w, status, answer)
}

func (s *Server) record(seq, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[seq].Status = status
	s.notify()
}

// answer runs a call: faults first, then the method. Status 0: the client
// left, or the fault drops the connection.
func (s *Server) answer(r *http.Request, token, name string, chatID int64, params map[string]string, f *Fault) (int, apiAnswer) {
	if f != nil {
		if f.Hold != nil {
			select {
			case <-f.Hold:
			case <-r.Context().Done():
				return 0, apiAnswer{}
			}
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return 0, apiAnswer{}
			}
		}
		if f.Disconnect {
			return 0, apiAnswer{}
		}
		if f.Status != 0 {
			return f.Status, f.answer()
		}
	}
	if token != s.Token {
		return http.StatusUnauthorized, apiAnswer{Description: "Unauthorized"}
	}
	h, ok := method(name)
	if !ok {
		return http.StatusNotFound, apiAnswer{Description: "Not Found: method not found"}
	}
	return h(s, r, chatID, params)
}

// apiAnswer is Telegram's answer body.
type apiAnswer struct {
	Result      any
	Description string
	RetryAfter  int
}

func writeResult(w http.ResponseWriter, status int, a apiAnswer) {
	body := map[string]any{"ok": status == http.StatusOK}
	if status == http.StatusOK {
		body["result"] = a.Result
	} else {
		body["error_code"] = status
		body["description"] = a.Description
		if a.RetryAfter > 0 {
			body["parameters"] = map[string]int{"retry_after": a.RetryAfter}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
