package webchat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/desk"
)

// TestOperatorNameReachesThePlayer: an operator's reply carries the
// operator's display name (sender_name) in the start response, history
// pages and live socket frames — and nothing else about the account: no
// staff id, no internal note.
func TestOperatorNameReachesThePlayer(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	anna, err := e.st.CreateStaff(ctx, handoff.Operator{Login: "anna.k", Name: "Anna K.", Role: handoff.RoleOperator,
		Skills:   []string{"payments", "verification", "technical", "bonuses", "general", "responsible_gaming"},
		Capacity: 3, Status: handoff.Online}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dk := desk.New(e.st, e.hub, engine, desk.Options{})
	tok := e.token("p1", "en")
	asked := e.send(tok, "c1", "I want to talk to a real person")
	if asked.Conversation.State != "queued" {
		t.Fatalf("after asking for a person: %+v", asked.Conversation)
	}
	convID := asked.Conversation.ID

	conn := e.dial(ctx)
	last := asked.Replies[len(asked.Replies)-1].ID
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok, "after": last}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, ctx, conn); f.Type != "ready" {
		t.Fatalf("first frame %+v, want ready", f)
	}

	if _, ok, err := dk.ClaimNext(ctx, anna); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	note, err := dk.Note(ctx, anna, convID, "internal: VIP, be gentle")
	if err != nil {
		t.Fatal(err)
	}
	// The hub sends notes to staff only; even an event misrouted to the
	// player's socket does not carry one to the player.
	conv, err := e.st.Conversation(ctx, convID)
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "p1", Conversation: conv, Message: &note})
	reply, err := dk.Reply(ctx, anna, convID, "r1", "Hello, I'm **Anna**.")
	if err != nil {
		t.Fatal(err)
	}

	// Live: the reply arrives with the name; the note never does.
	frames := readUntil(t, ctx, conn, func(f frame) bool { return f.Type == "message" && f.Message.ID == reply.ID })
	for _, f := range frames {
		if f.Type != "message" {
			continue
		}
		if strings.Contains(f.Message.Text, "internal:") {
			t.Fatalf("an internal note reached the player: %+v", f.Message)
		}
		switch f.Message.Sender {
		case "operator":
			if f.Message.SenderName != "Anna K." {
				t.Fatalf("live operator message %+v, want sender_name Anna K.", f.Message)
			}
		default:
			if f.Message.SenderName != "" {
				t.Fatalf("a %s message carries sender_name %q", f.Message.Sender, f.Message.SenderName)
			}
		}
	}

	// History and the start response: the same name, and the raw JSON names
	// no staff id or login.
	raw := e.raw("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?after=%d", convID, last), tok)
	for _, leak := range []string{`"sender_id"`, "anna.k", "internal:"} {
		if strings.Contains(raw, leak) {
			t.Fatalf("history leaks %q: %s", leak, raw)
		}
	}
	if !strings.Contains(raw, `"sender_name":"Anna K."`) {
		t.Fatalf("history lacks the operator's name: %s", raw)
	}
	var opened struct {
		Messages []message `json:"messages"`
	}
	e.do("POST", "/api/v1/conversation", tok, nil, &opened)
	found := false
	for _, m := range opened.Messages {
		if m.ID == reply.ID {
			found = m.SenderName == "Anna K." && m.Sender == "operator"
		}
		if m.Sender == "player" && m.SenderName != "" {
			t.Fatalf("player message with sender_name: %+v", m)
		}
	}
	if !found {
		t.Fatalf("start response lacks the named reply %d: %+v", reply.ID, opened.Messages)
	}
}

// TestStartTellsLimitsAndReplyTime: the start response carries the text
// limit and the content's first-answer target for the web chat (3 minutes
// in the default content), which the widget's greeting shows.
func TestStartTellsLimitsAndReplyTime(t *testing.T) {
	e := newEnv(t, envOptions{max: 2000})
	var opened struct {
		MaxMessageBytes      int `json:"max_message_bytes"`
		FirstResponseSeconds int `json:"first_response_seconds"`
	}
	e.do("POST", "/api/v1/conversation", e.token("p1", "ru"), nil, &opened)
	if opened.MaxMessageBytes != 2000 || opened.FirstResponseSeconds != 180 {
		t.Fatalf("start response: %+v, want max_message_bytes 2000 and first_response_seconds 180", opened)
	}
}
