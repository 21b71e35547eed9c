package conversation_test

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// Every bot turn leaves a record of what the bot decided, in the turn's
// transaction: the answer and its article, a "did that work?" answer as
// feedback on that article, a search that found nothing, the handoff.
func TestTurnRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st, chat.Player{ID: "rec", Name: "Ann", Locale: "en"})
		h.send("I forgot my password")
		h.send("Still can't log in")
		h.send("how do i verify my account")
		h.send("No, I need a person")
		h.send("hello?") // a human holds the conversation now: no bot turn

		recs, err := st.TurnRecords(context.Background(), h.conversationID())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 4 {
			t.Fatalf("%d records, want 4 (one per bot turn): %+v", len(recs), recs)
		}
		first := recs[0]
		if first.Intent != "password_reset" || !first.Classified || first.Article != "password-reset" ||
			first.Flow != "password_reset" || first.Version == "" || first.MessageID == 0 || first.Handoff {
			t.Fatalf("first record %+v", first)
		}
		if f := recs[1].Feedback; f == nil || f.Article != "password-reset" || f.Helpful {
			t.Fatalf("\"still can't log in\" to \"did that work?\": feedback %+v", f)
		}
		if !recs[3].Handoff {
			t.Fatalf("the last bot turn handed off: %+v", recs[3])
		}
	})
}
