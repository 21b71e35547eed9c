package console_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestOperatorActionsInAuditLog: logins, failed logins (the login as
// typed, never the password; one PostgreSQL cannot store as typed is
// recorded cleaned), logouts, transfers, resolves and returns to the bot
// done through the console are in the audit log an admin reads.
func TestOperatorActionsInAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st)
		staff := map[string]handoff.Operator{
			"anna": e.staff("anna", handoff.RoleOperator, "general", "verification"),
			"bob":  e.staff("bob", handoff.RoleOperator, "general"),
			"sue":  e.staff("sue", handoff.RoleSupervisor),
			"ada":  e.staff("ada", handoff.RoleAdmin),
		}
		self := func(login string) string { return fmt.Sprintf("staff:%d:%s", staff[login].ID, login) }

		anon := &client{e: e, http: &http.Client{}}
		const secret = "hunter2-secret"
		for _, login := range []string{"anna", "nobody", "ev\x00il\nname"} {
			if code := anon.do("POST", "/console/login", map[string]string{"login": login, "password": secret}, nil); code != 401 {
				t.Fatalf("failed login %q: %d, want 401", login, code)
			}
		}

		anna, bobC, sue := e.login("anna"), e.login("bob"), e.login("sue")
		for _, c := range []*client{anna, bobC} {
			if code := c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil); code != 200 {
				t.Fatalf("presence: %d", code)
			}
		}
		tk1, tk2 := e.handoff("p1", "i want to talk to a human"), e.handoff("p2", "i want to talk to a human")
		post := func(c *client, path string, body any) {
			t.Helper()
			if code, out := c.call("POST", path, body); code != 200 {
				t.Fatalf("POST %s: %d %v", path, code, out)
			}
		}
		ticket := func(id int64, act string) string { return fmt.Sprintf("/console/api/tickets/%d/%s", id, act) }
		post(anna, ticket(tk1.ID, "claim"), nil)
		post(anna, ticket(tk1.ID, "transfer"), map[string]string{"skill": "verification"})
		post(anna, ticket(tk1.ID, "claim"), nil)
		post(anna, ticket(tk1.ID, "return"), nil)
		post(anna, ticket(tk2.ID, "claim"), nil)
		if code, _ := bobC.call("POST", ticket(tk2.ID, "resolve"), nil); code != 409 {
			t.Fatalf("bob resolving anna's ticket: %d, want 409", code)
		}
		post(sue, ticket(tk2.ID, "transfer"), map[string]int64{"operator_id": staff["bob"].ID})
		post(bobC, ticket(tk2.ID, "resolve"), nil)
		if code := anna.do("POST", "/console/logout", nil, nil); code != 204 {
			t.Fatalf("logout: %d", code)
		}

		admin := e.login("ada")
		code, body := admin.call("GET", "/console/api/audit?limit=200", nil)
		if code != 200 {
			t.Fatalf("audit: %d %v", code, body)
		}
		if strings.Contains(fmt.Sprint(body), secret) {
			t.Fatal("a password is in the audit log")
		}
		entries, _ := body["entries"].([]any)
		var got []string
		for i := len(entries) - 1; i >= 0; i-- {
			en := entries[i].(map[string]any)
			if action := en["action"].(string); strings.HasPrefix(action, "ticket.") || strings.HasPrefix(action, "staff.log") {
				line := fmt.Sprintf("%s %s %s", en["actor"], action, en["target"])
				if d, _ := en["details"].(map[string]any); d["to_skill"] != nil || d["to_operator"] != nil || d["reason"] != nil {
					line += fmt.Sprintf(" %v%v%v", d["to_skill"], d["to_operator"], d["reason"])
				}
				got = append(got, strings.ReplaceAll(line, "<nil>", ""))
			}
		}
		t1, t2 := fmt.Sprintf("ticket:%d", tk1.ID), fmt.Sprintf("ticket:%d", tk2.ID)
		want := []string{
			"ip:127.0.0.1 staff.login_failed login:anna wrong password",
			"ip:127.0.0.1 staff.login_failed login:nobody unknown login",
			"ip:127.0.0.1 staff.login_failed login:ev\uFFFDil\uFFFDname malformed login",
			"anna staff.login " + self("anna"), "bob staff.login " + self("bob"), "sue staff.login " + self("sue"),
			"anna ticket.transfer " + t1 + " verification",
			"anna ticket.return_to_bot " + t1,
			"sue ticket.transfer " + t2 + " bob",
			"bob ticket.resolve " + t2,
			"anna staff.logout " + self("anna"),
			"ada staff.login " + self("ada"),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
