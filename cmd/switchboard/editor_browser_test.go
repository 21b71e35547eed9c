package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
)

// editorShot saves a screenshot of the page to /tmp/editor-NAME.png for a
// person to look at.
func editorShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("/tmp/editor-"+name+".png", png, 0o644); err != nil {
		t.Logf("screenshot %s not saved: %v", name, err)
	}
}

// addStaff creates a staff account with password on a's store.
func addStaff(t *testing.T, a *app, login, name string, role handoff.Role, password string) {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: name, Role: role,
		Status: handoff.Offline}, hash); err != nil {
		t.Fatal(err)
	}
}

// editorServer serves the demo app, with the editor Eddie
// (eddie-password-1), for the editor's browser tests.
func editorServer(t *testing.T) (*app, *httptest.Server) {
	t.Helper()
	a := demoAppWith(t, nil)
	addStaff(t, a, "eddie", "Eddie", handoff.RoleEditor, "eddie-password-1")
	return a, serveApp(t, a)
}

// staffLogin logs a member of staff in on the page open in ctx (the console
// or the editor: both have the same form).
func staffLogin(ctx context.Context, login, password string) error {
	if err := waitFor(ctx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`); err != nil {
		return err
	}
	return chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), login),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), password),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	)
}

// js quotes s as a JavaScript string literal.
func js(s string) string { return strconv.Quote(s) }

// botSays is true once some bot message on the demo page contains text.
func botSays(text string) string {
	return `Array.from(` + shadow + `.querySelectorAll('[data-sb-sender="bot"] .sb-text')).some(e => e.textContent.includes(` + js(text) + `))`
}

const (
	depositArticle = "kb/en/deposit-methods.md"
	// The edit keeps the article's words and length: retrieval between close
	// articles is sensitive to both, and this test is about publishing.
	depositOld = "credited after 2 network confirmations"
	depositNew = "credited after 3 network confirmations"
	brokenFlow = "flows/thanks.yaml"
)

// TestEditorPublishAndRollbackInBrowser: an editor opens the editor from the
// console, changes an article in the draft, breaks a flow's YAML and sees the
// problem at its line, fixes it and publishes with a summary; a player on
// /demo gets the new article text at once (the engine swaps, no restart); the
// editor rolls back and a player gets the old text again.
func TestEditorPublishAndRollbackInBrowser(t *testing.T) {
	ctx := browserWithin(t, 12*time.Minute) // three publishes run every conversation test
	a := demoAppWith(t, nil)
	srv := serveApp(t, a)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	addStaff(t, a, "eddie", "Eddie", handoff.RoleEditor, "eddie-password-1")
	addStaff(t, a, "erin", "Erin", handoff.RoleEditor, "erin-password-1")
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900)))

	// Erin, another editor, has the article in her draft.
	erin, cancelErin := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelErin()
	must(chromedp.Do(erin, chromedp.Navigate(srv.URL+"/console/editor")))
	status, err := chromedp.Run(erin, chromedp.Evaluate[int](`(async () => {
	  const login = await (await fetch('/console/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
	    body: JSON.stringify({login: 'erin', password: 'erin-password-1'})})).json();
	  const file = await (await fetch('/console/api/editor/files/`+depositArticle+`')).json();
	  const r = await fetch('/console/api/editor/draft/files/`+depositArticle+`', {method: 'PUT',
	    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': login.csrf_token},
	    body: JSON.stringify({content: file.content + '\nErin was here.\n'})});
	  return r.status })()`, chromedp.EvalAwaitPromise))
	must(err)
	if status != 200 {
		t.Fatalf("Erin's save: %d", status)
	}

	// An editor who logs in at the console is taken to the editor.
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console")))
	must(staffLogin(ctx, "eddie", "eddie-password-1"))
	must(waitForPath(ctx, "/console/editor"))
	must(waitFor(ctx, `!document.querySelector('#app').hidden`))
	must(waitFor(ctx, `!!document.querySelector('#file-tree [data-path="`+depositArticle+`"]')`))
	live0, err := eval[int](ctx, `+document.querySelector('#draft-status').dataset.live`)
	must(err)

	// The article: edit in the draft, saved as typed.
	must(click(ctx, `document.querySelector('#file-tree [data-path="`+depositArticle+`"]')`))
	must(waitFor(ctx, `document.querySelector('#text').value.includes(`+js(depositOld)+`)`))
	must(waitFor(ctx, `!document.querySelector('#presence-banner').hidden && document.querySelector('#presence-banner').textContent === 'Erin is also editing this file.'`))
	editorShot(t, ctx, "article")
	must(setText(ctx, depositOld, depositNew))
	must(waitFor(ctx, `document.querySelector('#save-status').dataset.state === 'saved' && `+
		`document.querySelector('#file-tree [data-path="`+depositArticle+`"]').dataset.mark === 'changed'`))

	// A flow: broken YAML is shown at its line, in the list and the gutter.
	must(click(ctx, `document.querySelector('#file-tree [data-path="`+brokenFlow+`"]')`))
	must(waitFor(ctx, `document.querySelector('#file-path').textContent === `+js(brokenFlow)+` && document.querySelector('#text').value.includes('steps:')`))
	flowText, err := eval[string](ctx, `document.querySelector('#text').value`)
	must(err)
	const badLine = "  - end: [unclosed"
	broken := strings.Replace(flowText, "steps:\n", "steps:\n"+badLine+"\n", 1)
	wantLine := strings.Count(broken[:strings.Index(broken, badLine)], "\n") + 1
	must(setText(ctx, flowText, broken))
	problemAt := `document.querySelector('#problems li[data-path="` + brokenFlow + `"]')`
	must(waitFor(ctx, `!!`+problemAt))
	line, err := eval[int](ctx, `+`+problemAt+`.dataset.line`)
	must(err)
	if line < wantLine || line > wantLine+1 {
		msg, _ := eval[string](ctx, problemAt+`.textContent`)
		t.Fatalf("the YAML problem is at line %d, want about %d: %s", line, wantLine, msg)
	}
	must(waitFor(ctx, fmt.Sprintf(`!!document.querySelector('#gutter [data-line="%d"].err')`, line)))
	must(waitFor(ctx, `!!document.querySelector('#file-tree [data-path="`+brokenFlow+`"] .badge.problem')`))
	// Clicking the problem jumps to its line.
	must(click(ctx, problemAt+`.querySelector('button')`))
	must(waitFor(ctx, fmt.Sprintf(`!!document.querySelector('#gutter [data-line="%d"].cur')`, line)))
	editorShot(t, ctx, "problem")

	// Publishing is refused while the draft is invalid.
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#publish-summary')`), "crypto deposits: 3 confirmations")))
	must(click(ctx, `document.querySelector('#publish')`))
	must(waitSlow(ctx, `document.querySelector('#result-banner').dataset.kind === 'error'`))

	// Fixed: the problem goes, the flow is no longer changed; publish.
	must(setText(ctx, broken, flowText))
	must(waitSlow(ctx, `document.querySelector('#problems').dataset.count === '0' && !document.querySelector('#gutter .err')`))
	must(waitFor(ctx, `document.querySelector('#file-tree [data-path="`+brokenFlow+`"]').dataset.mark === ''`))

	// A flow change that a conversation test catches: the publish is
	// refused and the failure is shown at the test's file and line.
	must(click(ctx, `document.querySelector('#file-tree [data-path="flows/goodbye.yaml"]')`))
	must(waitFor(ctx, `document.querySelector('#file-path').textContent === 'flows/goodbye.yaml' && document.querySelector('#text').value.includes('Goodbye, ')`))
	must(setText(ctx, "Goodbye, ", "Bye for now, "))
	must(waitFor(ctx, `document.querySelector('#file-tree [data-path="flows/goodbye.yaml"]').dataset.mark === 'changed' && document.querySelector('#save-status').dataset.state === 'saved'`))
	_, err = eval[bool](ctx, `(document.querySelector('#result-banner').dataset.kind = '', true)`)
	must(err)
	must(click(ctx, `document.querySelector('#publish')`))
	must(waitSlow(ctx, `document.querySelector('#result-banner').dataset.kind === 'error' && !document.querySelector('#tests-box').hidden`))
	failure := `document.querySelector('#test-failures li[data-path="tests/followups/thanks_then_bye_en.yaml"]')`
	must(waitFor(ctx, `!!`+failure+` && +`+failure+`.dataset.line > 0 && `+failure+`.textContent.includes('Goodbye')`))
	editorShot(t, ctx, "tests")
	// Reverted, the tests pass.
	must(click(ctx, `document.querySelector('#revert-file')`))
	must(waitFor(ctx, `document.querySelector('#file-tree [data-path="flows/goodbye.yaml"]').dataset.mark === '' && document.querySelector('#text').value.includes('Goodbye, ')`))
	must(click(ctx, `document.querySelector('#run-tests')`))
	must(waitSlow(ctx, `document.querySelector('#tests-box').dataset.ok === 'true' && document.querySelectorAll('#test-failures li').length === 0`))
	_, err = eval[bool](ctx, `(document.querySelector('#result-banner').dataset.kind = '', true)`)
	must(err)
	must(click(ctx, `document.querySelector('#publish')`))
	must(waitSlow(ctx, `['ok', 'error', 'conflict'].includes(document.querySelector('#result-banner').dataset.kind)`))
	if kind, _ := eval[string](ctx, `document.querySelector('#result-banner').dataset.kind`); kind != "ok" {
		text, _ := eval[string](ctx, `document.querySelector('#result-banner').textContent + ' | ' + document.querySelector('#results').textContent`)
		t.Fatalf("publish refused: %s", text)
	}
	published, err := eval[int](ctx, `+document.querySelector('#result-banner').dataset.version`)
	must(err)
	if published != live0+1 {
		t.Fatalf("published version %d, want %d", published, live0+1)
	}
	must(waitSlow(ctx, `document.querySelector('#draft-status').dataset.live === '`+strconv.Itoa(published)+`' && !document.querySelector('#file-tree [data-mark="changed"]')`))

	// Erin's draft changed the same file: her publish is refused, naming it.
	must(chromedp.Do(erin, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/console/editor")))
	must(waitFor(erin, `!document.querySelector('#app').hidden && document.querySelector('#file-tree [data-path="`+depositArticle+`"]') && `+
		`document.querySelector('#file-tree [data-path="`+depositArticle+`"]').dataset.mark === 'changed'`))
	must(chromedp.Do(erin, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#publish-summary')`), "sign the article")))
	must(click(erin, `document.querySelector('#publish')`))
	must(waitSlow(erin, `document.querySelector('#result-banner').dataset.kind === 'conflict' && `+
		`document.querySelector('#result-banner').textContent.includes(`+js(depositArticle)+`)`))
	editorShot(t, erin, "conflict")

	// A player gets the new text without a restart.
	player := func(want, notWant string) {
		t.Helper()
		pctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		defer cancel()
		must(chromedp.Do(pctx, chromedp.Navigate(srv.URL+"/demo")))
		must(waitFor(pctx, widgetReady))
		must(ask(pctx, "how do I deposit"))
		must(waitFor(pctx, botSays(want)))
		if has, _ := eval[bool](pctx, botSays(notWant)); has {
			t.Fatalf("the player got %q as well as %q", notWant, want)
		}
	}
	player(depositNew, depositOld)

	// Versions: the diff of the publish, then a rollback to the one before.
	must(click(ctx, `document.querySelector('#tab-versions')`))
	must(waitFor(ctx, fmt.Sprintf(`!!document.querySelector('#versions-table tr[data-version="%d"] .diff-prev')`, published)))
	must(click(ctx, fmt.Sprintf(`document.querySelector('#versions-table tr[data-version="%d"] .diff-prev')`, published)))
	must(waitFor(ctx, `document.querySelector('#diff-view').dataset.state === 'shown'`))
	must(waitFor(ctx, `!!document.querySelector('#diff-view .diff-file[data-path="`+depositArticle+`"] .add') && `+
		`document.querySelector('#diff-view .diff-file .add').textContent.includes("3 network confirmations") && `+
		`document.querySelector('#diff-view .diff-summary .article').textContent.includes('deposit-methods')`))
	editorShot(t, ctx, "diff")

	must(click(ctx, fmt.Sprintf(`document.querySelector('#versions-table tr[data-version="%d"] .rollback')`, live0)))
	must(waitFor(ctx, `!document.querySelector('#rollback-form').hidden`))
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#rollback-reason')`), "keep the old wording")))
	must(click(ctx, `document.querySelector('#rollback-go')`))
	must(waitSlow(ctx, fmt.Sprintf(`!!document.querySelector('#versions-table tr[data-version="%d"].is-live')`, published+1)))
	summary, err := eval[string](ctx, fmt.Sprintf(`document.querySelector('#versions-table tr[data-version="%d"]').textContent`, published+1))
	must(err)
	if !strings.Contains(summary, "rollback to "+strconv.Itoa(live0)) || !strings.Contains(summary, "keep the old wording") {
		t.Errorf("rollback row: %q", summary)
	}
	player(depositOld, depositNew)

	// An admin reads both in the audit log, in Russian.
	addStaff(t, a, "adam", "Adam", handoff.RoleAdmin, "adam-password-1")
	admin, cancelAdmin := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelAdmin()
	must(chromedp.Do(admin, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/console/editor")))
	_, err = eval[bool](admin, `(localStorage.setItem('sb-console-lang', 'ru'), true)`)
	must(err)
	must(chromedp.Do(admin, chromedp.Navigate(srv.URL+"/console/editor")))
	must(waitFor(admin, `document.querySelector('#login-submit').textContent === 'Войти'`))
	must(staffLogin(admin, "adam", "adam-password-1"))
	must(waitFor(admin, `!document.querySelector('#app').hidden && document.querySelector('#tab-audit').offsetParent !== null`))
	must(click(admin, `document.querySelector('#file-tree [data-path="`+brokenFlow+`"]')`))
	// Validating the draft builds its models: slow under -race on a busy machine.
	must(waitSlow(admin, `document.querySelector('#file-path').textContent === `+js(brokenFlow)+` && document.querySelector('#problems').dataset.count === '0'`))
	editorShot(t, admin, "files-ru")
	must(click(admin, `document.querySelector('#tab-audit')`))
	must(waitFor(admin, `!!document.querySelector('#audit-table tr[data-action="content.rollback"]') && !!document.querySelector('#audit-table tr[data-action="content.publish"]')`))
	label, err := eval[string](admin, `document.querySelector('#tab-audit').textContent + '|' + document.querySelector('#publish').textContent`)
	must(err)
	if label != "Журнал|Опубликовать" {
		t.Errorf("the Russian editor reads %q", label)
	}
	editorShot(t, admin, "audit-ru")
}

// setText replaces old with new in the open file's text box as typing
// would (an input event), so the page saves and validates it.
func setText(ctx context.Context, old, new string) error {
	ok, err := eval[bool](ctx, `(() => { const ta = document.querySelector('#text'); const v = ta.value;
	  if (!v.includes(`+js(old)+`)) return false;
	  ta.value = v.replace(`+js(old)+`, `+js(new)+`); ta.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)
	if err == nil && !ok {
		err = fmt.Errorf("the open file has no %q", old)
	}
	return err
}

// TestEditorNotForOperators: an operator opening the editor is told it is
// not for them, and the editor API answers 403.
func TestEditorNotForOperators(t *testing.T) {
	ctx := browser(t)
	a := demoAppWith(t, nil)
	srv := serveApp(t, a)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hash, err := auth.HashPassword("olga-password-1")
	must(err)
	_, err = a.store.CreateStaff(context.Background(), handoff.Operator{Login: "olga", Name: "Olga", Role: handoff.RoleOperator,
		Skills: []string{"general"}, Capacity: 3, Status: handoff.Offline}, hash)
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/editor")))
	must(staffLogin(ctx, "olga", "olga-password-1"))
	must(waitFor(ctx, `!document.querySelector('#forbidden-view').hidden && document.querySelector('#app').hidden`))
	text, err := eval[string](ctx, `document.querySelector('#forbidden-view').textContent`)
	must(err)
	if !strings.Contains(text, "Not allowed") || !strings.Contains(text, "editors and admins") {
		t.Errorf("the operator sees %q", text)
	}
	for _, call := range []string{`fetch('/console/api/editor/files')`, `fetch('/console/api/editor/draft')`} {
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](call+`.then(r => r.status)`, chromedp.EvalAwaitPromise))
		must(err)
		if status != 403 {
			t.Errorf("%s as an operator: %d, want 403", call, status)
		}
	}
	// In Russian too.
	_, err = eval[bool](ctx, `(localStorage.setItem('sb-console-lang', 'ru'), true)`)
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/editor")))
	must(waitFor(ctx, `!document.querySelector('#forbidden-view').hidden && document.querySelector('#forbidden-view h1').textContent === 'Нет доступа'`))
	// The console shows operators no link to the editor.
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(ctx, `!document.querySelector('#app').hidden && document.querySelector('#op-name').textContent === 'Olga'`))
	if shown, _ := eval[bool](ctx, `document.querySelector('#editor-header-link').offsetParent !== null`); shown {
		t.Error("the console links an operator to the editor")
	}
}

// TestEditorNewDeleteAndDiscardInBrowser: an editor creates a file from a
// skeleton, deletes a file in the draft (marked deleted, shown read-only),
// reverts it, and discards the draft.
func TestEditorNewDeleteAndDiscardInBrowser(t *testing.T) {
	ctx := browser(t)
	_, srv := editorServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/console/editor")))
	must(staffLogin(ctx, "eddie", "eddie-password-1"))
	must(waitFor(ctx, `!document.querySelector('#app').hidden && !!document.querySelector('#file-tree [data-path="STYLE.md"]')`))
	_, err := eval[bool](ctx, `(window.confirm = () => true, true)`)
	must(err)

	// A new article starts from a skeleton and is marked new.
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#new-file-path')`), "kb/en/zz-new.md")))
	must(click(ctx, `document.querySelector('#new-file')`))
	must(waitFor(ctx, `document.querySelector('#file-path').textContent === 'kb/en/zz-new.md' && document.querySelector('#text').value.includes('id: zz-new') && `+
		`document.querySelector('#file-tree [data-path="kb/en/zz-new.md"]').dataset.mark === 'added'`))

	// A deleted file is marked, read-only, and comes back with "revert".
	must(click(ctx, `document.querySelector('#file-tree [data-path="STYLE.md"]')`))
	must(waitFor(ctx, `document.querySelector('#file-path').textContent === 'STYLE.md' && !document.querySelector('#delete-file').disabled`))
	must(click(ctx, `document.querySelector('#delete-file')`))
	must(waitFor(ctx, `document.querySelector('#file-tree [data-path="STYLE.md"]').dataset.mark === 'deleted' && `+
		`!document.querySelector('#deleted-banner').hidden && document.querySelector('#text').readOnly && document.querySelector('#text').value.length > 0`))
	must(click(ctx, `document.querySelector('#revert-file')`))
	must(waitFor(ctx, `document.querySelector('#file-tree [data-path="STYLE.md"]').dataset.mark === '' && document.querySelector('#deleted-banner').hidden && !document.querySelector('#text').readOnly`))

	// Discarding the draft drops the new file too.
	must(click(ctx, `document.querySelector('#discard-draft')`))
	must(waitFor(ctx, `!document.querySelector('#file-tree [data-path="kb/en/zz-new.md"]') && document.querySelector('#discard-draft').disabled`))
}
