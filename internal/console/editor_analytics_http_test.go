package console_test

import (
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
)

// TestAnalyticsOverHTTP: editors read the analytics; a period is
// zero-filled by bucket; bad parameters are 400 with the reason; other
// roles get 403.
func TestAnalyticsOverHTTP(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("olga", handoff.RoleOperator, "general")
	e.staff("eddie", handoff.RoleEditor)
	op, ed := e.login("olga"), e.login("eddie")
	for _, path := range []string{"/console/api/editor/analytics", "/console/api/editor/analytics/stale"} {
		if code, _ := op.call("GET", path, nil); code != 403 {
			t.Errorf("%s as an operator: %d, want 403", path, code)
		}
	}
	code, body := ed.call("GET", "/console/api/editor/analytics?days=7", nil)
	if code != 200 {
		t.Fatalf("analytics: %d %v", code, body)
	}
	if s, _ := body["series"].([]any); len(s) != 7 || body["bucket"] != "day" {
		t.Errorf("7 days by day: %v", body)
	}
	totals, _ := body["totals"].(map[string]any)
	if totals["started"] != 0.0 || totals["handoff_rate"] != nil {
		t.Errorf("totals of an empty store: %v", totals)
	}
	for _, k := range []string{"top_intents", "flows", "feedback"} {
		if l, ok := body[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s: %v, want []", k, body[k])
		}
	}
	if code, body := ed.call("GET", "/console/api/editor/analytics?days=90&bucket=week", nil); code != 200 || len(body["series"].([]any)) < 13 {
		t.Errorf("90 days by week: %d %v", code, body["series"])
	}
	for _, q := range []string{"days=400", "bucket=hour", "from=2026-02-01&to=2025-01-01", "from=x&to=y"} {
		code, body := ed.call("GET", "/console/api/editor/analytics?"+q, nil)
		if msg, _ := body["error"].(map[string]any); code != 400 || msg["message"] == "" {
			t.Errorf("%s: %d %v, want 400 with a message", q, code, body)
		}
	}
	if code, _ := ed.call("GET", "/console/api/editor/analytics/stale?within=3650", nil); code != 400 {
		t.Errorf("stale within 10 years: %d, want 400", code)
	}
	// The test bundle's four articles are due for review on 2027-05-31:
	// within a year from now, or overdue.
	code, body = ed.call("GET", "/console/api/editor/analytics/stale?within=366", nil)
	overdue, _ := body["overdue"].([]any)
	due, _ := body["due"].([]any)
	if code != 200 || len(overdue)+len(due) != 4 {
		t.Fatalf("stale: %d %v", code, body)
	}
}
