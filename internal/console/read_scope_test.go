package console_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// Operators read (and add notes to) the conversations they hold or that
// wait for their skills, not any conversation; supervisors read all; every
// staff read is in the audit log.
func TestConversationReadScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st)
		e.staff("pay", handoff.RoleOperator, "payments")
		e.staff("sec", handoff.RoleOperator, "security")
		e.staff("sue", handoff.RoleSupervisor)
		tk := e.handoff("p1", "I want to talk to a real person")
		res, err := e.svc.Send(context.Background(), conversation.Inbound{Player: chat.Player{ID: "p2", Locale: "en"},
			Channel: chat.ChannelWebchat, ClientID: "b1", Text: "how do i deposit"})
		if err != nil {
			t.Fatal(err)
		}
		botOnly := res.Conversation.ID
		path := func(id int64) string { return fmt.Sprintf("/console/api/conversations/%d", id) }
		pay, sec, sue := e.login("pay"), e.login("sec"), e.login("sue")
		skillReads := pay.do("GET", path(tk.ConversationID), nil, nil) == 200 || sec.do("GET", path(tk.ConversationID), nil, nil) == 200
		if !skillReads {
			t.Fatalf("nobody with the queued ticket's skill (%s) can read it", tk.Skill)
		}
		for _, c := range []*client{pay, sec} {
			if code := c.do("GET", path(botOnly), nil, nil); code != 404 {
				t.Errorf("an operator read a conversation never handed off: %d", code)
			}
			if code := c.do("POST", path(botOnly)+"/notes", map[string]string{"text": "x"}, nil); code != 404 {
				t.Errorf("an operator noted a conversation never handed off: %d", code)
			}
		}
		if code := sue.do("GET", path(botOnly), nil, nil); code != 200 {
			t.Errorf("supervisor reading any conversation: %d", code)
		}
		log, err := st.AuditLog(context.Background(), 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		reads := 0
		for _, a := range log {
			if a.Action == store.AuditConversationRead {
				reads++
			}
		}
		if reads < 2 {
			t.Fatalf("%d reads in the audit log, want every successful one", reads)
		}
	})
}
