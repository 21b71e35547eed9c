package conversation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// A card number never reaches the database — not the message, not the
// ticket reason quoting it — and the player is told once not to send one.
func TestCardNumbersAreNeverStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := conversation.New(st, defaultEngine, conversation.Options{})
		p := chat.Player{ID: "p1", Name: "Ann", Locale: "en"}
		send := func(client, text string) conversation.Result {
			t.Helper()
			res, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: client, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		first := send("c1", "my deposit with card 4111 1111 1111 1111 exp 12/26 cvv 123 is missing, I want a human")
		if strings.Contains(first.Message.Text, "4111 1111") || strings.Contains(first.Message.Text, "cvv 123") {
			t.Fatalf("stored as %q", first.Message.Text)
		}
		last := first.Replies[len(first.Replies)-1]
		if last.Sender != chat.SenderSystem || !strings.Contains(last.Text, "card number") {
			t.Fatalf("no warning after a card number: %+v", first.Replies)
		}
		second := send("c2", "also 5555-5555-5555-4444")
		for _, r := range second.Replies {
			if strings.Contains(r.Text, "We hid the card number") {
				t.Fatal("warned twice in one conversation")
			}
		}
		msgs, err := st.Messages(ctx, first.Conversation.ID, store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Text, "1111 1111") || strings.Contains(m.Text, "5555-5555") {
				t.Fatalf("a card number in the database: %q", m.Text)
			}
		}
		if tk, err := st.OpenTicket(ctx, first.Conversation.ID); err == nil && strings.Contains(tk.Reason, "4111 1111") {
			t.Fatalf("ticket reason %q", tk.Reason)
		}
	})
}

// A client id PostgreSQL cannot store is refused on both databases.
func TestClientIDRefusedAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := conversation.New(st, defaultEngine, conversation.Options{})
		for _, id := range []string{"m\x00", "bad\xff", strings.Repeat("x", 129)} {
			_, err := svc.Send(context.Background(), conversation.Inbound{Player: chat.Player{ID: "p1", Locale: "en"},
				Channel: chat.ChannelWebchat, ClientID: id, Text: "hello"})
			if chat.ErrorCode(err) != chat.EINVALID {
				t.Errorf("client id %q: %v, want invalid", id, err)
			}
		}
	})
}
