package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// resolvedTicket hands the harness's conversation off, has an operator
// claim and resolve it, and returns the ticket.
func (h *harness) resolvedTicket(text string) handoff.Ticket {
	h.t.Helper()
	ctx := context.Background()
	res := h.send(text)
	if res.Conversation.State != chat.StateQueued {
		h.t.Fatalf("%q did not hand off: %+v", text, res.Conversation)
	}
	op, err := h.st.CreateStaff(ctx, handoff.Operator{Login: "anna-" + h.player.ID, Name: "Anna", Role: handoff.RoleOperator,
		Status: handoff.Online, Capacity: 3}, []byte("x"))
	if err != nil {
		h.t.Fatal(err)
	}
	t, ok, err := h.st.ClaimNext(ctx, op.ID, time.Now(), nil)
	if err != nil || !ok {
		h.t.Fatalf("claim: %v, %v", ok, err)
	}
	t, err = h.st.ActOnTicket(ctx, op.ID, t.ID, func(a handoff.Operator, t *handoff.Ticket) error { return t.Resolve(a.ID, t.AssignedAt) })
	if err != nil {
		h.t.Fatal(err)
	}
	return t
}

func TestCSATOnlyFromThePressAndTheCommentPrompt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := newHarness(t, st, chat.Player{ID: "p1", Name: "Ivan", Locale: "en"})
		tk := h.resolvedTicket("i want to talk to a human")
		ticket := func() handoff.Ticket {
			got, err := st.Ticket(ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		res := h.send("csat:4")
		if len(res.Replies) != 1 || len(res.Replies[0].Buttons) != 2 || res.Replies[0].Buttons[0].Payload != "csat:comment" {
			t.Fatalf("rating reply: %+v", res.Replies)
		}
		if got := ticket(); got.CSAT != 4 {
			t.Fatalf("rating not recorded: %+v", got)
		}
		// A farewell after the rating is not a comment: the bot answers it.
		res = h.send("thanks, bye")
		if got := ticket(); got.CSATComment != "" {
			t.Fatalf("farewell stored as the comment %q", got.CSATComment)
		}
		if len(res.Replies) == 0 {
			t.Fatal("the bot did not answer the farewell")
		}
		if res := h.send("csat:5"); len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "already recorded") {
			t.Fatalf("second press: %+v", res.Replies)
		}
		h.send("csat:comment")
		h.send("Anna was quick")
		if res := h.send("and one more thing"); len(res.Replies) == 0 {
			t.Fatal("the bot did not answer after the comment")
		}
		if got := ticket(); got.CSAT != 4 || got.CSATComment != "Anna was quick" {
			t.Fatalf("ticket %+v, want 4 with one comment", got)
		}
	})
}

func TestConversationLocaleIsTheDetectedOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := newHarness(t, st, chat.Player{ID: "p1", Name: "Иван", Locale: "en"})
		res := h.send("Здравствуйте, не могу вывести деньги с баланса")
		if res.Conversation.Locale != chat.LocaleRU {
			t.Fatalf("result conversation locale %q, want ru", res.Conversation.Locale)
		}
		conv, _, _, err := h.svc.Open(ctx, h.player, chat.ChannelWebchat, 10)
		if err != nil {
			t.Fatal(err)
		}
		if conv.Locale != chat.LocaleRU {
			t.Fatalf("reopened with an en token: locale %q, want ru", conv.Locale)
		}
	})
}
