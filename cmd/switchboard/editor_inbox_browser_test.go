package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// inboxPlayerSays sends text as a new web chat player through the player API.
func inboxPlayerSays(t *testing.T, srvURL, player, text string) {
	t.Helper()
	token, err := auth.NewHS256Signer([]byte("browser-test-secret-browser-test!"), "switchboard").
		Sign(chat.Player{ID: player, Name: player, Locale: "en"}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"client_id": player + "-1", "text": text})
	req, _ := http.NewRequest("POST", srvURL+"/api/v1/messages", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s says %q: %d", player, text, resp.StatusCode)
	}
}

// TestEditorInboxInBrowser: players ask the bot three rewordings of a
// question it cannot answer and one other; an editor opens Missed, sees
// the three as one group, adds one to the oos intent's examples, and the
// draft intents file has it while the group leaves the "new" list; the
// page in Russian; "Start article" opens a new draft article; a message
// added as a question lands in the chosen article's questions.
func TestEditorInboxInBrowser(t *testing.T) {
	ctx := browser(t)
	a, srv := editorServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range []string{"Do you sell pizza?", "do you sell pizza", "Do you sell pizza slices?", "what is the weather on Mars", "tell me a joke about penguins"} {
		inboxPlayerSays(t, srv.URL, fmt.Sprintf("inbox-player-%d", i), text)
	}
	misses, _, err := a.store.Misses(context.Background(), store.MissQuery{Since: time.Now().Add(-time.Hour), SwitchThreshold: 0.7})
	must(err)
	if len(misses) != 5 {
		t.Fatalf("the bot missed %d of the 5 messages: %+v", len(misses), misses)
	}

	must(chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)))
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/editor")))
	must(staffLogin(ctx, "eddie", "eddie-password-1"))
	must(waitFor(ctx, `!document.querySelector('#app').hidden`))
	must(click(ctx, `document.querySelector('#tab-inbox')`))
	const pizza = `Array.from(document.querySelectorAll('#inbox-panel .inbox-group')).find(g => g.querySelector('.inbox-title').textContent.toLowerCase().includes('pizza'))`
	must(waitFor(ctx, `!!`+pizza+` && `+pizza+`.querySelector('.inbox-count').textContent === '3' && `+
		`document.querySelectorAll('#inbox-panel .inbox-group').length === 3 && `+pizza+`.querySelector('.inbox-intent').options.length > 5`))
	must(os.MkdirAll("/tmp/shots", 0o755))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(err)
	must(os.WriteFile("/tmp/shots/inbox.png", png, 0o644))

	// Add the group to the oos intent's examples.
	ok, err := eval[bool](ctx, `(() => { const s = `+pizza+`.querySelector('.inbox-intent'); s.value = 'oos'; return s.value === 'oos' })()`)
	must(err)
	if !ok {
		t.Fatal("the intent picker has no oos")
	}
	must(click(ctx, pizza+`.querySelector('.inbox-apply')`))
	must(waitFor(ctx, `!`+pizza+` && document.querySelectorAll('#inbox-panel .inbox-group').length === 2`))
	content, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () =>
	  (await (await fetch('/console/api/editor/draft/files/intents/en.yaml')).json()).content)()`, chromedp.EvalAwaitPromise))
	must(err)
	for _, want := range []string{"  - \"do you sell pizza\"\n", "  - \"Do you sell pizza slices?\"\n"} {
		if !bytes.Contains([]byte(content), []byte(want)) {
			t.Errorf("the draft intents/en.yaml lacks %q", want)
		}
	}
	// Added as a question to an article (the mechanics: any article will do).
	const penguins = `Array.from(document.querySelectorAll('#inbox-panel .inbox-group')).find(g => g.querySelector('.inbox-title').textContent.includes('penguins'))`
	ok, err = eval[bool](ctx, `(() => { const s = `+penguins+`.querySelector('.inbox-article-pick'); s.value = 'support-channels';
	  return s.value === 'support-channels' })()`)
	must(err)
	if !ok {
		t.Fatal("the article picker has no support-channels")
	}
	must(click(ctx, penguins+`.querySelector('.inbox-example-question')`))
	must(waitFor(ctx, `!`+penguins+` && document.querySelectorAll('#inbox-panel .inbox-group').length === 1`))
	content, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(async () =>
	  (await (await fetch('/console/api/editor/draft/files/kb/en/support-channels.md')).json()).content)()`, chromedp.EvalAwaitPromise))
	must(err)
	if !bytes.Contains([]byte(content), []byte("  - tell me a joke about penguins\n")) {
		t.Errorf("the draft article lacks the question:\n%s", content)
	}

	// Applied, the group is listed under "Applied".
	_, err = eval[bool](ctx, `(() => { const s = document.querySelector('#inbox-state'); s.value = 'applied';
	  return s.dispatchEvent(new Event('change')) })()`)
	must(err)
	must(waitFor(ctx, `!!`+pizza+` && `+pizza+`.querySelector('.inbox-badge.state').textContent === 'applied'`))

	// In Russian.
	_, err = eval[bool](ctx, `(localStorage.setItem('sb-console-lang', 'ru'), true)`)
	must(err)
	must(chromedp.Do(ctx, chromedp.Reload()))
	must(waitFor(ctx, `!document.querySelector('#app').hidden && document.querySelector('#tab-inbox').textContent === 'Пропущенное'`))
	must(click(ctx, `document.querySelector('#tab-inbox')`))
	must(waitFor(ctx, `document.querySelectorAll('#inbox-panel .inbox-group').length === 1 && `+
		`document.querySelector('#inbox-panel .inbox-apply').textContent === 'Добавить группу в примеры'`))
	png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(err)
	must(os.WriteFile("/tmp/shots/inbox-ru.png", png, 0o644))

	// "Start article" opens the new draft article in the Files tab.
	const article = "kb/en/what-is-the-weather-on-mars.md"
	must(click(ctx, `document.querySelector('#inbox-panel .inbox-group .inbox-article')`))
	must(waitFor(ctx, `!document.querySelector('#files-panel').hidden && document.querySelector('#file-path').textContent === `+js(article)+
		` && document.querySelector('#text').value.includes('title: what is the weather on Mars')`))
}
