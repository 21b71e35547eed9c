package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
	"github.com/switchboard-support/switchboard/internal/web"
)

var editorModels = flows.NewModelCache(8)

// newEditorEnv serves the console with the editor on the small bundle of
// internal/editor's tests.
func newEditorEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.Default(t)
	eng := flows.NewEngine(nil)
	t.Cleanup(eng.Close)
	content := live.New(st, eng, flows.RuntimeOptions{Models: editorModels}, nil)
	if err := content.Start(context.Background(), os.DirFS("../editor/testdata/bundle")); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, now: time.Now().UTC()}
	h := hub.New()
	ec := echo.New()
	ec.HTTPErrorHandler = web.ErrorHandler(nil)
	console.New(console.Options{Store: st, Desk: desk.New(st, h, eng, desk.Options{}), Hub: h,
		Editor: editor.New(st, content)}).Register(ec)
	e.srv = httptest.NewServer(ec)
	t.Cleanup(e.srv.Close)
	return e
}

// call is do that also returns the body of any status.
func (c *client) call(method, path string, body any) (int, map[string]any) {
	c.e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, r)
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

var editorCalls = []struct{ method, path string }{
	{"GET", "/console/api/editor/files"},
	{"GET", "/console/api/editor/files/settings.yaml"},
	{"GET", "/console/api/editor/draft"},
	{"DELETE", "/console/api/editor/draft"},
	{"GET", "/console/api/editor/draft/files"},
	{"GET", "/console/api/editor/draft/files/settings.yaml"},
	{"PUT", "/console/api/editor/draft/files/kb/en/x.md"},
	{"DELETE", "/console/api/editor/draft/files/kb/en/x.md"},
	{"DELETE", "/console/api/editor/draft/changes/kb/en/x.md"},
	{"GET", "/console/api/editor/presence"},
	{"POST", "/console/api/editor/draft/validate"},
	{"POST", "/console/api/editor/draft/test"},
	{"POST", "/console/api/editor/draft/publish"},
	{"GET", "/console/api/editor/versions"},
	{"GET", "/console/api/editor/versions/1"},
	{"GET", "/console/api/editor/versions/1/files/settings.yaml"},
	{"POST", "/console/api/editor/versions/1/rollback"},
	{"GET", "/console/api/editor/diff?from=1&to=live"},
}

func TestEditorRoleMatrix(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("olga", handoff.RoleOperator, "general")
	e.staff("sam", handoff.RoleSupervisor, "general")
	e.staff("eddie", handoff.RoleEditor)
	e.staff("ada", handoff.RoleAdmin, "general")
	op, sup, ed, admin := e.login("olga"), e.login("sam"), e.login("eddie"), e.login("ada")
	for _, c := range []*client{op, sup} {
		for _, call := range editorCalls {
			if code, _ := c.call(call.method, call.path, map[string]string{"content": "x", "summary": "x"}); code != 403 {
				t.Errorf("%s %s as a non-editor: %d, want 403", call.method, call.path, code)
			}
		}
		if code, _ := c.call("GET", "/console/api/audit", nil); code != 403 {
			t.Errorf("audit as a non-admin: %d, want 403", code)
		}
	}
	// The editor reaches no operator, supervisor or admin action.
	for _, call := range []struct{ method, path string }{
		{"GET", "/console/api/audit"}, {"GET", "/console/api/queue"}, {"GET", "/console/api/mine"},
		{"POST", "/console/api/tickets/next"}, {"POST", "/console/api/tickets/1/claim"}, {"POST", "/console/api/tickets/1/resolve"},
		{"GET", "/console/api/conversations/1"}, {"POST", "/console/api/conversations/1/messages"},
		{"GET", "/console/api/canned"}, {"POST", "/console/api/canned"}, {"GET", "/console/api/metrics"},
		{"GET", "/console/api/operators"}, {"GET", "/console/api/search?q=x"}, {"GET", "/console/ws"},
	} {
		if code, _ := ed.call(call.method, call.path, map[string]string{"text": "x"}); code != 403 {
			t.Errorf("%s %s as an editor: %d, want 403", call.method, call.path, code)
		}
	}
	for _, c := range []*client{ed, admin} {
		if code, _ := c.call("GET", "/console/api/editor/files", nil); code != 200 {
			t.Errorf("editor files: %d", code)
		}
	}
	if code, body := admin.call("GET", "/console/api/audit", nil); code != 200 || body["entries"] == nil {
		t.Errorf("audit as admin: %d %v", code, body)
	}
	// CSRF and JSON rules hold on the editor's calls.
	noCSRF := &client{e: e, http: ed.http}
	if code, _ := noCSRF.call("PUT", "/console/api/editor/draft/files/kb/en/x.md", map[string]string{"content": "x"}); code != 403 {
		t.Errorf("PUT without CSRF: %d, want 403", code)
	}
	req, _ := http.NewRequest("PUT", e.srv.URL+"/console/api/editor/draft/files/kb/en/x.md", strings.NewReader(`{"content":"x"}`))
	req.Header.Set("X-CSRF-Token", ed.csrf)
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := ed.http.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("PUT as text/plain: %v %v, want 400", resp.StatusCode, err)
	}
}

func TestEditorPublishOverHTTP(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("eddie", handoff.RoleEditor)
	e.staff("erin", handoff.RoleEditor)
	e.staff("ada", handoff.RoleAdmin, "general")
	ed, ed2, admin := e.login("eddie"), e.login("erin"), e.login("ada")
	get := func(path string) map[string]any {
		t.Helper()
		code, body := ed.call("GET", path, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d %v", path, code, body)
		}
		return body
	}
	flow := get("/console/api/editor/files/flows/deposit.yaml")["content"].(string)
	put := func(c *client, path, content string) map[string]any {
		t.Helper()
		code, body := c.call("PUT", "/console/api/editor/draft/files/"+path, map[string]string{"content": content})
		if code != 200 {
			t.Fatalf("PUT %s: %d %v", path, code, body)
		}
		return body
	}

	if code, _ := ed.call("PUT", "/console/api/editor/draft/files/kb/en/big.md",
		map[string]string{"content": strings.Repeat("x", editor.MaxFileBytes+1)}); code != 413 {
		t.Fatalf("PUT of a file over the limit: %d, want 413", code)
	}
	if code, _ := ed.call("PUT", "/console/api/editor/draft/files/kb/en/big.md",
		map[string]string{"content": strings.Repeat("x", 5*editor.MaxFileBytes)}); code != 413 {
		t.Fatalf("PUT of a body over the limit: %d, want 413", code)
	}

	// Invalid YAML: validate and publish name the line.
	put(ed, "flows/deposit.yaml", "description: deposits\nintents: [deposit\n")
	code, body := ed.call("POST", "/console/api/editor/draft/validate", nil)
	problems, _ := body["problems"].([]any)
	if code != 200 || body["ok"] != false || len(problems) == 0 {
		t.Fatalf("validate: %d %v", code, body)
	}
	first := problems[0].(map[string]any)
	if first["path"] != "flows/deposit.yaml" || first["line"].(float64) < 2 {
		t.Fatalf("problem %v", first)
	}
	code, body = ed.call("POST", "/console/api/editor/draft/publish", map[string]string{"summary": "broken"})
	if code != 400 || body["problems"] == nil || !strings.Contains(fmt.Sprint(body["error"]), "flows/deposit.yaml:") {
		t.Fatalf("publish invalid: %d %v", code, body)
	}

	// A failing conversation test blocks the publish, with file:line.
	put(ed, "flows/deposit.yaml", strings.Replace(flow, `"Anything else?"`, `"Something more?"`, 1))
	code, body = ed.call("POST", "/console/api/editor/draft/test", nil)
	if code != 200 || body["ok"] != false || !strings.Contains(fmt.Sprint(body["tests"]), "tests/deposit_en.yaml") {
		t.Fatalf("test: %d %v", code, body)
	}
	code, body = ed.call("POST", "/console/api/editor/draft/publish", map[string]string{"summary": "reword"})
	fails, _ := body["tests"].(map[string]any)["failures"].([]any)
	if code != 400 || len(fails) != 1 || fails[0].(map[string]any)["line"].(float64) == 0 {
		t.Fatalf("publish failing tests: %d %v", code, body)
	}

	// Another editor sees the first on the file, and publishes first.
	others := put(ed2, "flows/deposit.yaml", strings.Replace(flow, `"Anything else?"`, `"Anything more?"`, 1))["others"].([]any)
	if len(others) != 1 || others[0].(map[string]any)["login"] != "eddie" {
		t.Fatalf("presence: %v", others)
	}
	test := get("/console/api/editor/files/tests/deposit_en.yaml")["content"].(string)
	put(ed2, "tests/deposit_en.yaml", strings.Replace(test, "Anything else?", "Anything more?", 1))
	code, body = ed2.call("POST", "/console/api/editor/draft/publish", map[string]string{"summary": "erin's wording"})
	if code != 200 || body["number"] == nil {
		t.Fatalf("erin publishes: %d %v", code, body)
	}
	erinV := int(body["number"].(float64))
	put(ed, "tests/deposit_en.yaml", strings.Replace(test, "Anything else?", "Something more?", 1))
	code, body = ed.call("POST", "/console/api/editor/draft/publish", map[string]string{"summary": "eddie's wording"})
	conflict, _ := body["conflict"].(map[string]any)
	if code != 409 || fmt.Sprint(conflict["files"]) != "[flows/deposit.yaml tests/deposit_en.yaml]" {
		t.Fatalf("eddie over erin: %d %v", code, body)
	}
	if code, _ := ed.call("DELETE", "/console/api/editor/draft", nil); code != 204 {
		t.Fatalf("discard: %d", code)
	}

	// Versions, diff with test outcomes, rollback.
	versions := get("/console/api/editor/versions")
	if len(versions["versions"].([]any)) != 2 || int(versions["live"].(float64)) != erinV {
		t.Fatalf("versions: %v", versions)
	}
	diff := get(fmt.Sprintf("/console/api/editor/diff?from=1&to=%d&tests=1", erinV))
	flows := diff["flows"].([]any)
	if len(diff["files"].([]any)) != 2 || len(flows) != 1 || fmt.Sprint(flows[0].(map[string]any)["steps_changed"]) != "[menu]" {
		t.Fatalf("diff: %v", diff)
	}
	if changed := diff["tests"].(map[string]any)["changed"].([]any); len(changed) != 0 {
		t.Fatalf("both versions pass their tests, changed: %v", changed)
	}
	code, body = ed.call("POST", "/console/api/editor/versions/1/rollback", map[string]string{})
	if code != 200 || body["summary"] != "rollback to 1" || body["author"] != "eddie" {
		t.Fatalf("rollback: %d %v", code, body)
	}
	if !strings.Contains(get("/console/api/editor/files/flows/deposit.yaml")["content"].(string), "Anything else?") {
		t.Fatal("rollback not live")
	}
	code, body = admin.call("GET", "/console/api/audit?limit=2", nil)
	entries, _ := body["entries"].([]any)
	if code != 200 || len(entries) != 2 || entries[0].(map[string]any)["action"] != "content.rollback" ||
		entries[1].(map[string]any)["action"] != "draft.discard" || body["next_before"] == nil {
		t.Fatalf("audit: %d %v", code, body)
	}
	next := int(body["next_before"].(float64))
	code, body = admin.call("GET", fmt.Sprintf("/console/api/audit?before=%d", next), nil)
	entries, _ = body["entries"].([]any)
	// Erin's publish, then the three logins.
	if code != 200 || len(entries) != 4 || entries[0].(map[string]any)["actor"] != "erin" || body["next_before"] != nil {
		t.Fatalf("audit page 2: %d %v", code, body)
	}
	for i, who := range []string{"ada", "erin", "eddie"} {
		if e := entries[i+1].(map[string]any); e["action"] != "staff.login" || e["actor"] != who {
			t.Fatalf("audit page 2 entry %d: %v, want %s's login", i+1, e, who)
		}
	}
}
