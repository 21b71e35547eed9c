package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// playerSays sends text as a player over the web chat API (the demo app's
// token secret), opening their conversation first.
func playerSays(t *testing.T, url, player, text string) {
	t.Helper()
	tok, err := auth.NewHS256Signer([]byte("browser-test-secret-browser-test!"), "switchboard").
		Sign(chat.Player{ID: player, Name: player, Locale: "en"}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ path, body string }{
		{"/api/v1/conversation", ""},
		{"/api/v1/messages", fmt.Sprintf(`{"client_id":%q,"text":%q}`, player+"-1", text)},
	} {
		req, _ := http.NewRequest("POST", url+r.path, strings.NewReader(r.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s as %s: %d %s", r.path, player, resp.StatusCode, b)
		}
	}
}

// TestEditorAnalyticsInBrowser: after three players talked to the bot (one
// handed off, one out of scope), an editor opens Analytics and sees the
// figures, a chart per figure, the top intents and the drop-off per flow;
// weeks and a longer period reload it; "open" takes them to the flow file;
// the panel speaks Russian too.
func TestEditorAnalyticsInBrowser(t *testing.T) {
	ctx := browser(t)
	_, srv := editorServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	playerSays(t, srv.URL, "an-p1", "how do I make a deposit")
	playerSays(t, srv.URL, "an-p2", "I want to talk to a real person")
	playerSays(t, srv.URL, "an-p3", "what is the capital of peru")

	must(chromedp.Do(ctx, chromedp.EmulateViewport(1400, 1500)))
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/editor")))
	must(staffLogin(ctx, "eddie", "eddie-password-1"))
	must(waitFor(ctx, `!document.querySelector('#app').hidden`))
	must(click(ctx, `document.querySelector('#tab-analytics')`))
	must(waitFor(ctx, `(document.querySelector('#analytics-panel').dataset.loaded || '').endsWith('/day')`))

	value := func(card string) string {
		t.Helper()
		v, err := eval[string](ctx, `document.querySelector('#`+card+` .an-value').textContent`)
		must(err)
		return v
	}
	// Three conversations, one ticket; none is 24 h old, so containment is pending.
	if got := value("an-started"); got != "3" {
		t.Errorf("conversations: %q, want 3", got)
	}
	if got := value("an-handoff"); got != "33%" {
		t.Errorf("handoff rate: %q, want 33%%", got)
	}
	if got := value("an-containment"); got != "—" {
		t.Errorf("containment: %q, want — (all pending)", got)
	}
	if got, _ := eval[string](ctx, `document.querySelector('#an-containment .hint').textContent`); !strings.Contains(got, "3 pending") {
		t.Errorf("containment hint: %q", got)
	}
	if got := value("an-oos"); got == "—" || got == "0%" {
		t.Errorf("out-of-scope rate: %q, want a share above 0", got)
	}
	// A chart of 30 days per card, today's bar and dots drawn.
	charts, err := eval[int](ctx, `document.querySelectorAll('#analytics-panel svg.an-chart[data-points="30"]').length`)
	must(err)
	if charts != 4 {
		t.Errorf("%d charts of 30 points, want 4", charts)
	}
	must(waitFor(ctx, `document.querySelectorAll('#an-started rect.bar').length === 30 && !!document.querySelector('#an-handoff circle.dot')`))
	intents, err := eval[string](ctx, `document.querySelector('#an-top-intents tbody').textContent`)
	must(err)
	if !strings.Contains(intents, "deposit") || !strings.Contains(intents, "out of scope") {
		t.Errorf("top intents: %q", intents)
	}
	must(waitFor(ctx, `Array.from(document.querySelectorAll('#an-dropoff .an-flow summary strong')).some(e => e.textContent === 'deposit')`))
	must(os.MkdirAll("/tmp/shots", 0o755))
	shot(t, ctx, "/tmp/shots/analytics.png")

	// By week over 90 days: 13 or 14 buckets, same totals.
	must(click(ctx, `document.querySelector('#analytics-panel .an-seg button[data-value="90"]')`))
	must(waitFor(ctx, `(document.querySelector('#analytics-panel').dataset.loaded || '').endsWith('/day') && document.querySelector('svg.an-chart').dataset.points === '90'`))
	must(click(ctx, `document.querySelector('#analytics-panel .an-seg button[data-value="week"]')`))
	must(waitFor(ctx, `(document.querySelector('#analytics-panel').dataset.loaded || '').endsWith('/week')`))
	weeks, err := eval[int](ctx, `+document.querySelector('svg.an-chart').dataset.points`)
	must(err)
	if weeks < 13 || weeks > 14 || value("an-started") != "3" {
		t.Errorf("90 days by week: %d buckets, %s conversations", weeks, value("an-started"))
	}
	shot(t, ctx, "/tmp/shots/analytics-week.png")

	// "open" on a flow goes to its file in the Files tab.
	must(click(ctx, `Array.from(document.querySelectorAll('#an-dropoff .an-flow summary')).find(s => s.querySelector('strong').textContent === 'deposit').querySelector('button')`))
	must(waitFor(ctx, `document.querySelector('#file-path').textContent === 'flows/deposit.yaml'`))

	// In Russian.
	_, err = eval[bool](ctx, `(localStorage.setItem('sb-console-lang', 'ru'), true)`)
	must(err)
	must(chromedp.Do(ctx, chromedp.Reload()))
	must(click(ctx, `!document.querySelector('#app').hidden && document.querySelector('#tab-analytics')`))
	must(waitFor(ctx, `!!document.querySelector('#analytics-panel').dataset.loaded`))
	heading, err := eval[string](ctx, `document.querySelector('#an-handoff h2').textContent + '|' + document.querySelector('#an-top-intents h3').textContent`)
	must(err)
	if heading != "Доля передач оператору|Частые интенты" {
		t.Errorf("Russian headings: %q", heading)
	}
	shot(t, ctx, "/tmp/shots/analytics-ru.png")
}

// shot saves a full-page screenshot for a person to look at.
func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s not saved: %v", path, err)
	}
}
