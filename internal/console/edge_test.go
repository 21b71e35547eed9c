package console_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestEdgeValidationSameOnBothDatabases: input PostgreSQL cannot store (a
// NUL, a varchar overflow) is a 400 on both databases, not a 500 on one.
func TestEdgeValidationSameOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st)
		e.staff("sofia", handoff.RoleSupervisor, "payments", "general")
		c := e.login("sofia")
		c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
		ticket := e.handoff("p1", "can i speak to a real person please")
		if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil); code != 200 {
			t.Fatalf("claim: %d", code)
		}
		reply := fmt.Sprintf("/console/api/conversations/%d/messages", ticket.ConversationID)
		for _, tc := range []struct {
			name, path string
			body       map[string]string
			want       int
		}{
			{"reply client_id of 129 bytes", reply, map[string]string{"text": "hi", "client_id": strings.Repeat("r", 129)}, 400},
			{"reply client_id with NUL", reply, map[string]string{"text": "hi", "client_id": "r\x00"}, 400},
			{"reply client_id of 128 bytes", reply, map[string]string{"text": "hi", "client_id": strings.Repeat("r", 128)}, 200},
			{"canned title of 257", "/console/api/canned", map[string]string{"title": strings.Repeat("я", 257), "text": "t"}, 400},
			{"canned title with NUL", "/console/api/canned", map[string]string{"title": "a\x00", "text": "t"}, 400},
			{"canned title of 256", "/console/api/canned", map[string]string{"title": strings.Repeat("я", 256), "text": "t"}, 200},
		} {
			if code := c.do("POST", tc.path, tc.body, nil); code != tc.want {
				t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
			}
		}
		// Searches and transfers PostgreSQL cannot compare are 400 too.
		for _, q := range []string{"%00", "a%00b", "%FF"} {
			if code := c.do("GET", "/console/api/search?q="+q, nil, nil); code != 400 {
				t.Errorf("search %s: %d, want 400", q, code)
			}
		}
		if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/transfer", ticket.ID), map[string]any{"skill": "pay\x00"}, nil); code != 400 {
			t.Errorf("transfer to a skill with NUL: %d, want 400", code)
		}
		// A login PostgreSQL cannot compare is a failed login, not a 500.
		anon := &client{e: e, http: c.http}
		if code := anon.do("POST", "/console/login", map[string]string{"login": "so\x00fia", "password": "x"}, nil); code != 401 {
			t.Errorf("login with NUL: %d, want 401", code)
		}
	})
}
