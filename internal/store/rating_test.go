package store_test

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestRatingInTheTurnTransaction: a CSAT score or comment is written with
// the turn that carries it, decided on the locked ticket; a turn whose
// rating is refused stores nothing, not even the player's message.
func TestRatingInTheTurnTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		anna := mustOperator(t, s, "anna", 5, "payments")
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		other := mustTicket(t, s, "p2", "payments", handoff.PriorityNormal, t0)
		for _, id := range []int64{tk.ID, other.ID} {
			if _, err := s.ClaimTicket(ctx, id, anna.ID, t0, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ActOnTicket(ctx, anna.ID, id, func(a handoff.Operator, t *handoff.Ticket) error { return t.Resolve(a.ID, t0) }); err != nil {
				t.Fatal(err)
			}
		}
		turn := func(client string, r store.Rating) error {
			st, err := s.FlowState(ctx, tk.ConversationID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: tk.ConversationID, State: st, Rating: &r,
				Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: "p1", Channel: chat.ChannelWebchat, Text: client, ClientID: client},
				Replies: []chat.Message{{Channel: chat.ChannelWebchat, Text: "thanks"}}})
			return err
		}
		stored := func(client string) bool {
			_, ok, err := s.MessageByClientID(ctx, chat.SenderPlayer, "p1", client)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if err := turn("comment-first", store.Rating{TicketID: tk.ID, Comment: "early"}); chat.ErrorCode(err) != chat.ECONFLICT || stored("comment-first") {
			t.Fatalf("comment before a rating: %v, stored %v", err, stored("comment-first"))
		}
		if err := turn("rate", store.Rating{TicketID: tk.ID, Score: 4}); err != nil || !stored("rate") {
			t.Fatalf("rating: %v", err)
		}
		if err := turn("rate-again", store.Rating{TicketID: tk.ID, Score: 5}); chat.ErrorCode(err) != chat.ECONFLICT || stored("rate-again") {
			t.Fatalf("second rating: %v, stored %v", err, stored("rate-again"))
		}
		if err := turn("bad", store.Rating{TicketID: other.ID, Score: 5}); chat.ErrorCode(err) != chat.ENOTFOUND || stored("bad") {
			t.Fatalf("rating another conversation's ticket: %v", err)
		}
		if err := turn("comment", store.Rating{TicketID: tk.ID, Comment: " quick "}); err != nil {
			t.Fatalf("comment: %v", err)
		}
		if err := turn("comment-again", store.Rating{TicketID: tk.ID, Comment: "more"}); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("second comment: %v", err)
		}
		got, _ := s.Ticket(ctx, tk.ID)
		if got.CSAT != 4 || got.CSATComment != "quick" {
			t.Fatalf("ticket %+v, want 4 and \"quick\"", got)
		}
		if o, _ := s.Ticket(ctx, other.ID); o.CSAT != 0 {
			t.Fatalf("other ticket rated: %+v", o)
		}
	})
}
