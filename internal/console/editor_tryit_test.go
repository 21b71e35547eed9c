package console_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
)

// raw posts body as is, with the client's cookies and CSRF token.
func (c *client) raw(path, body string) int {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTryItOverHTTP(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("olga", handoff.RoleOperator, "general")
	e.staff("eddie", handoff.RoleEditor)
	e.staff("erin", handoff.RoleEditor)
	op, ed, ed2 := e.login("olga"), e.login("eddie"), e.login("erin")
	const api = "/console/api/editor"

	for _, call := range []struct{ method, path string }{
		{"POST", api + "/tryit"}, {"GET", api + "/tryit/x"}, {"DELETE", api + "/tryit/x"},
		{"POST", api + "/tryit/x/turns"}, {"POST", api + "/tryit/x/record"}, {"POST", api + "/classify"},
	} {
		if code, _ := op.call(call.method, call.path, map[string]string{"text": "hi"}); code != 403 {
			t.Errorf("%s %s as an operator: %d, want 403", call.method, call.path, code)
		}
	}

	// A draft article body: in try-it, not for live players.
	code, file := ed.call("GET", api+"/files/kb/en/deposit-methods.md", nil)
	if code != 200 {
		t.Fatalf("get article: %d", code)
	}
	body := strings.Replace(file["content"].(string), "You can deposit", "DRAFT-MARK You can deposit", 1)
	if code, b := ed.call("PUT", api+"/draft/files/kb/en/deposit-methods.md", map[string]string{"content": body}); code != 200 {
		t.Fatalf("save draft: %d %v", code, b)
	}
	code, sess := ed.call("POST", api+"/tryit", map[string]string{"locale": "en"})
	if code != 201 || sess["id"] == "" {
		t.Fatalf("start: %d %v", code, sess)
	}
	id := sess["id"].(string)
	code, turn := ed.call("POST", api+"/tryit/"+id+"/turns", map[string]string{"text": "how do I deposit"})
	if code != 200 {
		t.Fatalf("turn: %d %v", code, turn)
	}
	if !strings.Contains(fmt.Sprint(turn["replies"]), "DRAFT-MARK") {
		t.Errorf("try-it replies lack the draft's text: %v", turn["replies"])
	}
	tr := turn["trace"].(map[string]any)
	if tr["intent"] != "deposit" || tr["confidence"].(float64) <= 0 || len(tr["ranked"].([]any)) == 0 ||
		len(tr["steps"].([]any)) == 0 || turn["handoff"] != nil {
		t.Errorf("trace = %v, handoff = %v", tr, turn["handoff"])
	}
	// A flow that searches: the hits with their scores.
	_, other := ed.call("POST", api+"/tryit", map[string]string{"locale": "en"})
	code, turn = ed.call("POST", api+"/tryit/"+other["id"].(string)+"/turns", map[string]string{"text": "how do I withdraw my money"})
	if hits, _ := turn["trace"].(map[string]any)["kb_hits"].([]any); code != 200 || len(hits) == 0 ||
		hits[0].(map[string]any)["article"] != "withdrawal-how-to" || hits[0].(map[string]any)["score"].(float64) <= 0 {
		t.Errorf("search turn: %d %v", code, turn)
	}
	code, lf := ed.call("GET", api+"/files/kb/en/deposit-methods.md", nil)
	if code != 200 || strings.Contains(fmt.Sprint(lf["content"]), "DRAFT-MARK") {
		t.Errorf("the live version changed with the draft: %d", code)
	}
	if hits, err := e.st.SearchConversations(context.Background(), "deposit", 10); err != nil || len(hits) != 0 {
		t.Errorf("try-it stored conversations: %v %v", hits, err)
	}

	// Bad text: invalid UTF-8, too long, empty.
	if code := ed.raw(api+"/tryit/"+id+"/turns", "{\"text\":\"bad \xff\"}"); code != 400 {
		t.Errorf("invalid UTF-8: %d, want 400", code)
	}
	if code, b := ed.call("POST", api+"/tryit/"+id+"/turns", map[string]string{"text": strings.Repeat("я", 2100)}); code != 413 {
		t.Errorf("4200 bytes: %d %v, want 413", code, b)
	}
	if code := ed.raw(api+"/tryit/"+id+"/turns", `{"text":"`+strings.Repeat("a", 70<<10)+`"}`); code != 413 {
		t.Errorf("70 KB body: %d, want 413", code)
	}
	if code, _ := ed.call("POST", api+"/tryit/"+id+"/turns", map[string]string{"text": "  "}); code != 400 {
		t.Errorf("blank text: %d, want 400", code)
	}

	// Another editor reaches nothing of this session.
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"GET", api + "/tryit/" + id, nil}, {"POST", api + "/tryit/" + id + "/turns", map[string]string{"text": "hi"}},
		{"POST", api + "/tryit/" + id + "/record", map[string]string{"name": "x"}}, {"DELETE", api + "/tryit/" + id, nil},
	} {
		if code, _ := ed2.call(call.method, call.path, call.body); code != 404 {
			t.Errorf("%s %s as another editor: %d, want 404", call.method, call.path, code)
		}
	}

	// Test a phrase with the draft's model.
	code, cl := ed.call("POST", api+"/classify", map[string]string{"text": "how do I deposit", "locale": "en"})
	if code != 200 || cl["intent"] != "deposit" || cl["out_of_scope"] != false || len(cl["ranked"].([]any)) == 0 {
		t.Errorf("classify: %d %v", code, cl)
	}

	// Record: a test in the draft that passes the draft's tests.
	code, rec := ed.call("POST", api+"/tryit/"+id+"/record", map[string]string{})
	if code != 201 || rec["path"] != "tests/tryit/how-do-i-deposit.yaml" {
		t.Fatalf("record: %d %v", code, rec)
	}
	code, f := ed.call("GET", api+"/draft/files/tests/tryit/how-do-i-deposit.yaml", nil)
	if code != 200 || !strings.Contains(fmt.Sprint(f["content"]), "say: how do I deposit") {
		t.Fatalf("recorded file: %d %v", code, f)
	}
	code, check := ed.call("POST", api+"/draft/test", nil)
	if code != 200 || check["ok"] != true {
		t.Fatalf("draft tests with the recorded one: %d %v\n%s", code, check, f["content"])
	}

	// Reset ends the session; a broken draft answers 422 with file:line.
	if code, _ := ed.call("DELETE", api+"/tryit/"+id, nil); code != 204 {
		t.Errorf("reset: %d", code)
	}
	if code, _ := ed.call("POST", api+"/tryit/"+id+"/turns", map[string]string{"text": "hi"}); code != 404 {
		t.Errorf("turn after reset: %d, want 404", code)
	}
	if code, b := ed.call("PUT", api+"/draft/files/flows/deposit.yaml", map[string]string{"content": "intents: [deposit\n"}); code != 200 {
		t.Fatalf("save broken flow: %d %v", code, b)
	}
	_, sess = ed.call("POST", api+"/tryit", map[string]string{"locale": "ru"})
	code, bad := ed.call("POST", api+"/tryit/"+sess["id"].(string)+"/turns", map[string]string{"text": "привет"})
	if code != 422 || !strings.Contains(fmt.Sprint(bad["problems"]), "flows/deposit.yaml") {
		t.Errorf("turn on a broken draft: %d %v, want 422 with the problems", code, bad)
	}
}
