package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// authed opens a socket for tok and reads its ready frame.
func (e *env) authed(ctx context.Context, tok string) *websocket.Conn {
	e.t.Helper()
	c := e.dial(ctx)
	if err := wsjson.Write(ctx, c, map[string]any{"type": "auth", "token": tok}); err != nil {
		e.t.Fatal(err)
	}
	if f := readFrame(e.t, ctx, c); f.Type != "ready" {
		e.t.Fatalf("first frame %+v", f)
	}
	return c
}

// A player's newest socket over the cap closes the oldest with 4409; the
// others stay.
func TestSocketCapPerPlayer(t *testing.T) {
	e := newEnv(t, envOptions{perPlayer: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok := e.token("p1", "en")
	oldest := e.authed(ctx, tok)
	second := e.authed(ctx, tok)
	e.authed(ctx, tok)
	var f frame
	err := wsjson.Read(ctx, oldest, &f)
	if websocket.CloseStatus(err) != 4409 {
		t.Fatalf("oldest socket: %v, want closed with 4409", err)
	}
	if err := wsjson.Write(ctx, second, map[string]string{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, ctx, second); f.Type != "pong" {
		t.Fatalf("second socket answered %+v", f)
	}
	// Another player is not affected.
	e.authed(ctx, e.token("p2", "en"))
}

// At the server's cap a new socket is refused (503) before upgrading.
func TestSocketCapOverall(t *testing.T) {
	e := newEnv(t, envOptions{maxSockets: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e.authed(ctx, e.token("p1", "en"))
	e.authed(ctx, e.token("p2", "en"))
	_, resp, err := websocket.Dial(ctx, "ws"+e.srv.URL[len("http"):]+"/api/v1/ws", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a socket over the cap: %v %v, want 503 with Retry-After", resp, err)
	}
}

// History reads are rate-limited per player (429 + Retry-After), and so
// are reconnects, which replay history.
func TestHistoryReadsAreLimited(t *testing.T) {
	e := newEnv(t, envOptions{history: 0.01})
	tok := e.token("p1", "en")
	var opened struct {
		Conversation struct{ ID int64 } `json:"conversation"`
	}
	e.do("POST", "/api/v1/conversation", tok, nil, &opened)
	path := fmt.Sprintf("/api/v1/conversations/%d/messages", opened.Conversation.ID)
	limited := 0
	for range 40 {
		resp := e.do("GET", path, tok, nil, nil)
		if resp.StatusCode == http.StatusTooManyRequests {
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("40 history reads at once were never limited")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := e.dial(ctx)
	if err := wsjson.Write(ctx, c, map[string]any{"type": "auth", "token": tok}); err != nil {
		t.Fatal(err)
	}
	var f frame
	if err := wsjson.Read(ctx, c, &f); websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
		t.Fatalf("a reconnect with no history budget left: %+v %v, want 1013", f, err)
	}
	// Another player still reads.
	if resp := e.do("GET", "/api/v1/me", e.token("p2", "en"), nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("another player: %d", resp.StatusCode)
	}
}
