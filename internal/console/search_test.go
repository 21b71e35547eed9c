package console_test

import (
	"net/http"
	neturl "net/url"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
)

func TestSearchConversations(t *testing.T) {
	e := newEnv(t)
	e.staff("anna", handoff.RoleOperator, "general")
	e.staff("ed", handoff.RoleEditor)
	ticket := e.handoff("p1", "i want to talk to a human")
	anna := e.login("anna")
	var out struct {
		Results []struct {
			ConversationID int64 `json:"conversation_id"`
			Player         struct{ ID, Name string }
			Text           string
		}
	}
	for _, q := range []string{"p1", "ivan", "TALK TO A HUMAN"} {
		if code := anna.do("GET", "/console/api/search?q="+neturl.QueryEscape(q), nil, &out); code != 200 ||
			len(out.Results) != 1 || out.Results[0].ConversationID != ticket.ConversationID || out.Results[0].Player.Name != "Ivan" {
			t.Fatalf("search %q: %d %+v", q, code, out)
		}
	}
	if code := anna.do("GET", "/console/api/search?q=", nil, nil); code != http.StatusBadRequest {
		t.Fatalf("empty search: %d", code)
	}
	if code := e.login("ed").do("GET", "/console/api/search?q=p1", nil, nil); code != http.StatusForbidden {
		t.Fatalf("editor searched players' conversations: %d", code)
	}
}
