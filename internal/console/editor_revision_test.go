package console_test

import (
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
)

// A save names the revision of the file it was typed on: when something
// else changed the file in the draft since (another tab, the inbox, Try
// it), the save is 409 and the other change stays; a save without a
// revision (the old client) still writes.
func TestDraftSaveRevision(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("eddie", handoff.RoleEditor)
	tab1, tab2 := e.login("eddie"), e.login("eddie")
	const path = "/console/api/editor/draft/files/kb/en/withdrawal-how-to.md"
	read := func(c *client) (string, string) {
		t.Helper()
		code, body := c.call("GET", path, nil)
		if code != 200 {
			t.Fatalf("GET: %d %v", code, body)
		}
		return body["content"].(string), body["revision"].(string)
	}
	save := func(c *client, content string, rev *string) (int, map[string]any) {
		t.Helper()
		body := map[string]any{"content": content}
		if rev != nil {
			body["revision"] = *rev
		}
		return c.call("PUT", path, body)
	}

	live, rev1 := read(tab1)
	if rev1 != "" {
		t.Fatalf("a file the draft does not change has revision %q", rev1)
	}
	_, rev2 := read(tab2)
	code, body := save(tab2, live+"\nFrom tab 2.\n", &rev2)
	if code != 200 || body["revision"] == "" {
		t.Fatalf("first save: %d %v", code, body)
	}
	if code, body := save(tab1, live+"\nFrom tab 1.\n", &rev1); code != 409 {
		t.Fatalf("a save on a stale revision: %d %v, want 409", code, body)
	}
	if got, _ := read(tab1); got != live+"\nFrom tab 2.\n" {
		t.Fatalf("the refused save changed the file: %q", got)
	}
	// Reread, then save: accepted, and the revision moves on.
	_, rev3 := read(tab1)
	code, body = save(tab1, live+"\nFrom tab 1.\n", &rev3)
	if code != 200 || body["revision"] == rev3 {
		t.Fatalf("save on the current revision: %d %v", code, body)
	}
	rev4 := body["revision"].(string)
	// Saving the live text drops the change: the revision is "" again, and
	// a save on the revision before the drop conflicts.
	if code, body := save(tab1, live, &rev4); code != 200 || body["revision"] != "" {
		t.Fatalf("save of the base text: %d %v", code, body)
	}
	if code, _ := save(tab2, live+"\nlate\n", &rev4); code != 409 {
		t.Fatalf("a save on the revision before the drop: %d, want 409", code)
	}
	if code, _ := save(tab2, live+"\nno revision\n", nil); code != 200 {
		t.Fatalf("a save without a revision: %d", code)
	}
	if got, _ := read(tab1); got != live+"\nno revision\n" {
		t.Fatalf("after a save without a revision: %q", got)
	}
}
