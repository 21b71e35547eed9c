package conversation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestHandoffTellsTheRealWait: the handoff's last reply states the real
// queue — nobody available said plainly, "first in the queue" only when
// someone can take it.
func TestHandoffTellsTheRealWait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		last := func(res []chat.Message) string { return res[len(res)-1].Text }
		h := newHarness(t, st, chat.Player{ID: "p1", Name: "Ivan", Locale: "en"})
		res := h.send("i want to talk to a human")
		if res.Conversation.State != chat.StateQueued {
			t.Fatalf("no handoff: %+v", res.Conversation)
		}
		if got := last(res.Replies); !strings.Contains(got, "Nobody who handles this is available right now") ||
			!strings.Contains(got, "answer will wait for you here") || strings.Contains(got, "first in the queue") {
			t.Fatalf("with nobody on duty the player read %q", got)
		}
		if _, err := st.CreateStaff(context.Background(), handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleOperator,
			Skills: []string{"general"}, Status: handoff.Online, Capacity: 3}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		ru := newHarness(t, st, chat.Player{ID: "p2", Name: "Иван", Locale: "ru"})
		res = ru.send("позовите оператора, хочу поговорить с человеком")
		if res.Conversation.State != chat.StateQueued {
			t.Fatalf("no handoff in Russian: %+v", res.Replies)
		}
		if got := last(res.Replies); !strings.Contains(got, "Вы 2-й в очереди") || !strings.Contains(got, "на связи: 1") {
			t.Fatalf("second in the queue, one operator: the player read %q", got)
		}
	})
}
