package store_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestHandoffWaitFromTheRealQueue: the turn that queues a ticket reads the
// queue in its own transaction and stores the wait notice composed from it.
func TestHandoffWaitFromTheRealQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetLiveness(handoff.Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute})
		now := time.Now()
		pay := mustOperator(t, s, "pay", 5, "payments")
		mustOperator(t, s, "ghost", 5, "payments", "verification") // never connected
		if err := s.Heartbeat(ctx, pay.ID, now); err != nil {
			t.Fatal(err)
		}
		// A payments ticket answered 2 minutes after it was created.
		answered := queue(t, s, "p0", "payments", now.Add(-2*time.Minute), nil)
		if _, err := s.ClaimTicket(ctx, answered.ID, pay.ID, now, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AppendStaffMessage(ctx, chat.Message{ConversationID: answered.ConversationID,
			SenderID: strconv.FormatInt(pay.ID, 10), Text: "hi"}, false); err != nil {
			t.Fatal(err)
		}
		queue(t, s, "p1", "payments", now, nil) // waiting ahead
		var got handoff.Wait
		text := func(w handoff.Wait) string {
			got = w
			return fmt.Sprintf("position %d, available %d", w.Position, w.Available)
		}
		tk, out := queueOut(t, s, "p2", "payments", now, text)
		if got.Position != 2 || got.Available != 1 || got.RecentFirstResponse < 2*time.Minute || got.RecentFirstResponse > 3*time.Minute {
			t.Fatalf("payments wait %+v, want position 2, 1 available, ~2m recent", got)
		}
		last := out.Replies[len(out.Replies)-1]
		if last.Text != "position 2, available 1" || last.Sender != chat.SenderBot {
			t.Fatalf("stored notice %+v", last)
		}
		// Late notices: not before the ticket is due, then once, with the same figures.
		notice := func(w handoff.Wait, conv chat.Conversation) string {
			return fmt.Sprintf("late: position %d, available %d (%s)", w.Position, w.Available, conv.Locale)
		}
		if _, _, _, err := s.NotifyLate(ctx, tk.ID, now, handoff.DefaultWidening(), notice); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("late notice before due: %v, want ECONFLICT", err)
		}
		late := now.Add(4 * time.Minute)
		lt, conv, msg, err := s.NotifyLate(ctx, tk.ID, late, handoff.DefaultWidening(), notice)
		if err != nil || !lt.BreachNotified || conv.ID != tk.ConversationID || msg.Sender != chat.SenderSystem ||
			msg.Text != "late: position 2, available 0 (en)" { // the operator's heartbeat is 4 minutes old by then
			t.Fatalf("late notice = %+v, %+v, %v", lt, msg, err)
		}
		if _, _, _, err := s.NotifyLate(ctx, tk.ID, late, handoff.DefaultWidening(), notice); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("second late notice: %v, want ECONFLICT", err)
		}
		hist, err := s.Messages(ctx, tk.ConversationID, store.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if n := countText(hist, msg.Text); n != 1 {
			t.Fatalf("late notice stored %d times", n)
		}
		vt, _ := queueOut(t, s, "p3", "verification", now, text)
		if got.Position != 1 || got.Available != 0 || got.RecentFirstResponse != 0 {
			t.Fatalf("verification wait %+v, want first, nobody available (the ghost is not connected)", got)
		}
		// Late enough to have widened to anyone: the connected payments
		// operator counts for the verification ticket.
		much := now.Add(time.Hour)
		if err := s.Heartbeat(ctx, pay.ID, much); err != nil {
			t.Fatal(err)
		}
		if _, _, msg, err := s.NotifyLate(ctx, vt.ID, much, handoff.DefaultWidening(), notice); err != nil ||
			msg.Text != "late: position 1, available 1 (en)" {
			t.Fatalf("widened late notice = %+v, %v", msg, err)
		}
	})
}

// queue hands a new player's conversation off at created.
func queue(t *testing.T, s *store.Store, player, skill string, created time.Time, text func(handoff.Wait) string) handoff.Ticket {
	t.Helper()
	tk, _ := queueOut(t, s, player, skill, created, text)
	return tk
}

func queueOut(t *testing.T, s *store.Store, player, skill string, created time.Time, text func(handoff.Wait) string) (handoff.Ticket, store.TurnOutcome) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, State: flows.State{}, WaitText: text,
		Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: "a person", ClientID: player},
		Replies: []chat.Message{{Channel: chat.ChannelWebchat, Text: "Passing you on."}},
		Ticket: &handoff.Ticket{Skill: skill, Priority: handoff.PriorityNormal, Reason: "test", CreatedAt: created,
			DueAt: created.Add(3 * time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Ticket, out
}

func countText(msgs []chat.Message, text string) int {
	n := 0
	for _, m := range msgs {
		if m.Text == text {
			n++
		}
	}
	return n
}
