package webchat_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-support/switchboard/internal/chat"
)

type frame struct {
	Type         string   `json:"type"`
	Message      *message `json:"message"`
	Sender       string   `json:"sender"`
	Conversation *struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	} `json:"conversation"`
}

func (e *env) dial(ctx context.Context) *websocket.Conn {
	e.t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+"/api/v1/ws", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

func readFrame(t *testing.T, ctx context.Context, c *websocket.Conn) frame {
	t.Helper()
	var f frame
	if err := wsjson.Read(ctx, c, &f); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return f
}

// readUntil reads frames until one of type typ arrives, collecting messages.
func readUntil(t *testing.T, ctx context.Context, c *websocket.Conn, pred func(frame) bool) []frame {
	t.Helper()
	var seen []frame
	for {
		f := readFrame(t, ctx, c)
		seen = append(seen, f)
		if pred(f) {
			return seen
		}
	}
}

func TestSocketLiveAndResume(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok := e.token("p1", "en")
	first := e.send(tok, "c1", "how do i withdraw")
	lastSeen := first.Replies[len(first.Replies)-1].ID

	conn := e.dial(ctx)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok, "after": first.Message.ID}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, ctx, conn); f.Type != "ready" || f.Conversation.ID != first.Conversation.ID {
		t.Fatalf("first frame %+v, want ready", f)
	}
	// Backlog: the replies after the message the client said it had.
	for _, want := range first.Replies {
		f := readFrame(t, ctx, conn)
		if f.Type != "message" || f.Message.ID != want.ID {
			t.Fatalf("backlog frame %+v, want message %d", f, want.ID)
		}
	}
	// Live: a message sent over HTTP (e.g. from another tab) arrives once,
	// with the bot's typing and replies, in order.
	second := e.send(tok, "c2", "thanks")
	frames := readUntil(t, ctx, conn, func(f frame) bool {
		return f.Type == "message" && f.Message.ID == second.Replies[len(second.Replies)-1].ID
	})
	var ids []int64
	typing := false
	for _, f := range frames {
		switch f.Type {
		case "message":
			ids = append(ids, f.Message.ID)
		case "typing":
			typing = typing || f.Sender == "bot"
		}
	}
	if !typing || len(ids) != 1+len(second.Replies) || ids[0] != second.Message.ID {
		t.Fatalf("live frames %+v", frames)
	}
	if err := wsjson.Write(ctx, conn, map[string]string{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, ctx, conn); f.Type != "pong" {
		t.Fatalf("ping answered with %+v", f)
	}
	_ = conn.Close(websocket.StatusNormalClosure, "")

	// Reconnect with the last id seen: nothing is replayed twice, nothing lost.
	third := e.send(tok, "c3", "bye")
	conn2 := e.dial(ctx)
	if err := wsjson.Write(ctx, conn2, map[string]any{"type": "auth", "token": tok, "after": ids[len(ids)-1]}); err != nil {
		t.Fatal(err)
	}
	readFrame(t, ctx, conn2) // ready
	f := readFrame(t, ctx, conn2)
	if f.Type != "message" || f.Message.ID != third.Message.ID {
		t.Fatalf("resume: first frame %+v, want message %d (after %d, before %d)", f, third.Message.ID, ids[len(ids)-1], lastSeen)
	}
}

func TestSocketAuth(t *testing.T) {
	e := newEnv(t, envOptions{auth: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, hello := range []any{
		map[string]any{"type": "auth", "token": "forged.token.value"},
		map[string]any{"type": "ping"},
		map[string]any{"type": "auth"},
	} {
		conn := e.dial(ctx)
		if err := wsjson.Write(ctx, conn, hello); err != nil {
			t.Fatal(err)
		}
		var f frame
		err := wsjson.Read(ctx, conn, &f)
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4401 {
			t.Errorf("hello %v: got %v, want close 4401", hello, err)
		}
	}
	// Malformed JSON, or no auth frame at all within the time: 4401 too,
	// with a close frame (not a dropped connection).
	malformed := e.dial(ctx)
	if err := malformed.Write(ctx, websocket.MessageText, []byte(`{"type": "auth", "token": `)); err != nil {
		t.Fatal(err)
	}
	silent := e.dial(ctx)
	for name, conn := range map[string]*websocket.Conn{"malformed": malformed, "silent": silent} {
		_, _, err := conn.Read(ctx)
		if websocket.CloseStatus(err) != 4401 {
			t.Errorf("%s auth frame: %v, want close 4401", name, err)
		}
	}
}

func TestSocketShutdownSaysReconnect(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn := e.dial(ctx)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": e.token("p1", "en")}); err != nil {
		t.Fatal(err)
	}
	readFrame(t, ctx, conn) // ready
	e.wc.Shutdown()
	if f := readFrame(t, ctx, conn); f.Type != "reconnect" {
		t.Fatalf("got %+v, want reconnect", f)
	}
	var f frame
	err := wsjson.Read(ctx, conn, &f)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusServiceRestart {
		t.Fatalf("close %v, want service restart", err)
	}
}

// TestLongAbsenceReplaysEverything: a client that has missed more than one
// history page gets every message, and paging says when there is more.
func TestLongAbsenceReplaysWhatWasMissed(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tok := e.token("p1", "en")
	var opened struct {
		Conversation struct{ ID int64 } `json:"conversation"`
	}
	e.do("POST", "/api/v1/conversation", tok, nil, &opened)
	const n = 250
	for i := range n {
		if _, _, err := e.st.AppendInbound(ctx, chat.Message{ConversationID: opened.Conversation.ID, Sender: chat.SenderPlayer,
			SenderID: "p1", Channel: chat.ChannelWebchat, Text: fmt.Sprint("m", i), ClientID: fmt.Sprint("c", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var page struct {
		Messages []message `json:"messages"`
		HasMore  bool      `json:"has_more"`
	}
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?limit=200", opened.Conversation.ID), tok, nil, &page)
	if len(page.Messages) != 200 || !page.HasMore {
		t.Fatalf("limit=200: %d messages, has_more=%v; want 200, true", len(page.Messages), page.HasMore)
	}
	// Back after a long absence: everything after the last message seen,
	// over several pages.
	var first struct {
		Messages []message `json:"messages"`
	}
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?after=0&limit=1", opened.Conversation.ID), tok, nil, &first)
	conn := e.dial(ctx)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok, "after": first.Messages[0].ID}); err != nil {
		t.Fatal(err)
	}
	readFrame(t, ctx, conn) // ready
	for i := 1; i < n; i++ {
		f := readFrame(t, ctx, conn)
		if f.Type != "message" || f.Message.Text != fmt.Sprint("m", i) {
			t.Fatalf("backlog frame %d: %+v", i, f)
		}
	}
	// A new device (after 0) gets the latest page only; older ones are
	// paged in over HTTP.
	fresh := e.dial(ctx)
	if err := wsjson.Write(ctx, fresh, map[string]any{"type": "auth", "token": tok, "after": 0}); err != nil {
		t.Fatal(err)
	}
	readFrame(t, ctx, fresh) // ready
	for i := n - 200; i < n; i++ {
		f := readFrame(t, ctx, fresh)
		if f.Type != "message" || f.Message.Text != fmt.Sprint("m", i) {
			t.Fatalf("new device frame %d: %+v", i, f)
		}
	}
}

func TestSocketEndsWithItsToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := e.signer.Sign(chat.Player{ID: "p1", Locale: "en"}, 1500*time.Millisecond, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	conn := e.dial(ctx)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok}); err != nil {
		t.Fatal(err)
	}
	readFrame(t, ctx, conn) // ready
	var f frame
	err = wsjson.Read(ctx, conn, &f)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4401 || ce.Reason != "token expired" {
		t.Fatalf("after the token expired: %v, want close 4401 token expired", err)
	}
}

func TestPlayerTypingReachesStaff(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok := e.token("p1", "en")
	if res := e.send(tok, "h1", "i want to talk to a real person"); res.Conversation.State != "queued" {
		t.Fatalf("state %s, want queued", res.Conversation.State)
	}
	staff := e.hub.SubscribeStaff()
	defer staff.Close()
	conn := e.dial(ctx)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok}); err != nil {
		t.Fatal(err)
	}
	for f := readFrame(t, ctx, conn); f.Type != "ready"; f = readFrame(t, ctx, conn) {
	}
	// A flood of typing frames reaches staff throttled, never dropping them.
	for range 50 {
		if err := wsjson.Write(ctx, conn, map[string]string{"type": "typing"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := wsjson.Write(ctx, conn, map[string]string{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	for f := readFrame(t, ctx, conn); f.Type != "pong"; f = readFrame(t, ctx, conn) {
	}
	typing := 0
	for done := false; !done; {
		select {
		case ev, ok := <-staff.C:
			if !ok {
				t.Fatal("the staff subscription was dropped")
			}
			if ev.Type == chat.EventTyping && ev.Sender == chat.SenderPlayer && ev.PlayerID == "p1" {
				typing++
			}
		default:
			done = true
		}
	}
	if typing != 1 {
		t.Fatalf("staff saw %d typing events from a flood of 50, want 1 (throttled)", typing)
	}
}
