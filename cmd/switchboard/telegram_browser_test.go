package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
)

const (
	tgBotName = "NorthwindHelpBot"
	tgSecret  = "browser-test-webhook-secret"
	tgChatID  = int64(777001)
)

// telegramDemo runs the demo app with Telegram on, against a fake Bot API,
// its connector running (updates processed, replies delivered) until the
// test ends.
func telegramDemo(t *testing.T) (*app, *httptest.Server, *telegramtest.Server) {
	t.Helper()
	fake := telegramtest.New(t)
	a := demoAppWith(t, func(c *serveConfig) {
		c.telegram = telegramConfig{token: telegramtest.DefaultToken, apiURL: fake.URL, mode: telegram.ModeWebhook,
			webhookURL: "https://x.example" + telegram.WebhookPath, webhookSecret: tgSecret, username: tgBotName}
	})
	if a.telegram == nil {
		t.Fatal("Telegram connector not built")
	}
	srv := serveApp(t, a)
	return a, srv, fake
}

// tgSay is the player writing text in Telegram: the fake queues the update
// and posts it to the webhook, as Telegram does.
func tgSay(t *testing.T, srv *httptest.Server, fake *telegramtest.Server, text string) {
	t.Helper()
	id := fake.PushText(tgChatID, text)
	status, err := fake.PostUpdate(context.Background(), srv.URL+telegram.WebhookPath, tgSecret, id)
	if err != nil || status != http.StatusOK {
		t.Fatalf("webhook for %q: %d %v", text, status, err)
	}
}

// tgAwait waits until the bot has sent the Telegram chat a message
// containing want.
func tgAwait(t *testing.T, fake *telegramtest.Server, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := fake.Await(ctx, func() bool {
		for _, m := range fake.Messages(tgChatID) {
			if strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	})
	if err != nil {
		var got []string
		for _, m := range fake.Messages(tgChatID) {
			got = append(got, m.Text)
		}
		t.Fatalf("Telegram never got %q; it got:\n%s", want, strings.Join(got, "\n---\n"))
	}
}

const (
	tgBar      = shadow + `.querySelector('.sb-tg')`
	tgContinue = shadow + `.querySelector('[data-sb-telegram="continue"]')`
	tgLinked   = shadow + `.querySelector('.sb-tg-linked')`
	tgUnlink   = shadow + `.querySelector('[data-sb-telegram="unlink"]')`
	tgHint     = shadow + `.querySelector('.sb-tg-hint')`
)

// visible: rendered (not hidden, nor inside something hidden).
func visible(el string) string { return `(!!` + el + ` && ` + el + `.getClientRects().length > 0)` }

// TestTelegramLinkInBrowser: a player on the site links Telegram from the
// widget ("Continue in Telegram" → a one-time t.me link → /start <code> in
// Telegram), then writes in Telegram; the widget shows both the message and
// the bot's reply live, and the operator console tags each message with its
// channel; the operator's reply reaches Telegram; unlinking from the widget
// offers the link again.
func TestTelegramLinkInBrowser(t *testing.T) {
	playerCtx := browser(t)
	a, srv, fake := telegramDemo(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hash, err := auth.HashPassword("anna-password-1")
	must(err)
	_, err = a.store.CreateStaff(context.Background(), handoff.Operator{Login: "anna", Name: "Anna",
		Role: handoff.RoleOperator, Skills: []string{"general", "payments"}, Capacity: 3, Status: handoff.Offline}, hash)
	must(err)

	// The player asks something on the site first; the widget offers Telegram.
	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(playerCtx, widgetReady+` && `+tgBar+`.getAttribute('data-sb-telegram') === 'unlinked'`))
	must(ask(playerCtx, "how do i withdraw"))
	must(waitFor(playerCtx, botReplyCount()+` >= 1`))
	label, err := eval[string](playerCtx, tgContinue+`.textContent + '|' + `+tgContinue+`.getAttribute('aria-label') + '|' + `+tgContinue+`.tagName`)
	must(err)
	if label != "Continue in Telegram|Continue in Telegram|BUTTON" {
		t.Fatalf("control: %q", label)
	}
	if shown, err := eval[bool](playerCtx, visible(tgContinue)+` && !`+visible(tgLinked)); err != nil || !shown {
		t.Fatalf("\"Continue in Telegram\" not shown alone (%v, %v)", shown, err)
	}
	screenshot(t, playerCtx, "telegram-widget-continue")

	// Clicking it opens the one-time link in a new tab (window.open is
	// caught here) and says how long the link works, showing it too.
	_, err = eval[bool](playerCtx, `(window.__opened = [], window.open = (u, n, f) => { window.__opened.push([String(u), String(n), String(f)]); return null }, true)`)
	must(err)
	must(click(playerCtx, tgContinue))
	must(waitFor(playerCtx, `window.__opened.length === 1 && `+visible(tgHint)))
	opened, err := eval[[]string](playerCtx, `window.__opened[0]`)
	must(err)
	m := regexp.MustCompile(`^https://t\.me/` + tgBotName + `\?start=([A-Za-z0-9_-]{32,64})$`).FindStringSubmatch(opened[0])
	if m == nil {
		t.Fatalf("opened %q, want https://t.me/%s?start=<code>", opened[0], tgBotName)
	}
	if opened[1] != "_blank" || !strings.Contains(opened[2], "noopener") {
		t.Errorf("window.open(%q, %q, %q): want a new tab with noopener", opened[0], opened[1], opened[2])
	}
	code := m[1]
	hint, err := eval[string](playerCtx, tgHint+`.textContent`)
	must(err)
	href, err := eval[string](playerCtx, tgHint+`.querySelector('a').href + ' ' + `+tgHint+`.querySelector('a').rel`)
	must(err)
	if !strings.Contains(hint, "One-time link, valid for 10 minutes") || href != opened[0]+" noopener noreferrer" {
		t.Errorf("hint %q, link %q", hint, href)
	}
	screenshot(t, playerCtx, "telegram-widget-link")

	// The player opens it in Telegram: /start <code> links the account.
	tgSay(t, srv, fake, "/start "+code)
	tgAwait(t, fake, "linked to your casino account")
	must(chromedp.Do(playerCtx, chromedp.Reload()))
	must(waitFor(playerCtx, widgetReady+` && `+tgBar+`.getAttribute('data-sb-telegram') === 'linked'`))
	linked, err := eval[string](playerCtx, tgLinked+`.textContent + '|' + `+tgUnlink+`.getAttribute('aria-label')`)
	must(err)
	if linked != "Telegram linked·Unlink|Unlink Telegram" {
		t.Errorf("linked state shows %q", linked)
	}
	if shown, err := eval[bool](playerCtx, visible(tgLinked)+` && !`+visible(tgContinue)); err != nil || !shown {
		t.Fatalf("\"Telegram linked\" not shown alone (%v, %v)", shown, err)
	}
	screenshot(t, playerCtx, "telegram-widget-linked")

	// The player writes in Telegram: the widget shows the message and the
	// bot's reply live; the reply also reaches Telegram.
	tgSay(t, srv, fake, "how do i deposit")
	afterTelegram := `(() => { const rows = Array.from(` + shadow + `.querySelectorAll('[data-sb-message-id]'));
	  const i = rows.findIndex(r => r.getAttribute('data-sb-sender') === 'player' && r.querySelector('.sb-text').textContent === 'how do i deposit');
	  return i >= 0 && rows.slice(i + 1).some(r => r.getAttribute('data-sb-sender') === 'bot' && /deposit/i.test(r.textContent)) })()`
	must(waitFor(playerCtx, afterTelegram))
	tgAwait(t, fake, "eposit")
	screenshot(t, playerCtx, "telegram-widget-live")

	// Handoff from Telegram; the operator sees each message's channel.
	tgSay(t, srv, fake, "I want to talk to a real person")
	operatorCtx, cancelOperator := chromedp.NewContext(playerCtx, chromedp.WithNewBrowserContext())
	defer cancelOperator()
	must(chromedp.Do(operatorCtx, chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(operatorCtx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	must(chromedp.Do(operatorCtx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "anna"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "anna-password-1"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	))
	must(waitFor(operatorCtx, `!!document.querySelector('#presence') && document.querySelector('#presence').offsetParent !== null`))
	_, err = eval[bool](operatorCtx, `(() => { const s = document.querySelector('#presence'); s.value = 'online'; s.dispatchEvent(new Event('change')); return true })()`)
	must(err)
	must(waitFor(operatorCtx, `document.querySelectorAll('#queue .ticket .claim').length === 1`))
	meta, err := eval[string](operatorCtx, `document.querySelector('#queue .ticket .meta').textContent`)
	must(err)
	if !strings.HasPrefix(meta, "Telegram ·") {
		t.Errorf("queue ticket meta %q, want it to start with the channel Telegram", meta)
	}
	must(click(operatorCtx, `document.querySelector('#queue .ticket .claim')`))
	must(waitFor(operatorCtx, `document.querySelectorAll('#mine .ticket').length === 1`))
	must(click(operatorCtx, `document.querySelector('#mine .ticket')`))
	tagOf := func(text string) string {
		return `(() => { const m = Array.from(document.querySelectorAll('#messages .msg')).find(m => m.querySelector('.text') && m.querySelector('.text').textContent === '` + text + `');
		  const c = m && m.querySelector('.who .channel'); return c ? c.getAttribute('data-channel') + '|' + c.textContent + '|' + c.title : '' })()`
	}
	must(waitFor(operatorCtx, tagOf("I want to talk to a real person")+` !== ''`))
	for text, want := range map[string]string{
		"how do i withdraw":               "webchat|Web|Received via Web",
		"how do i deposit":                "telegram|Telegram|Received via Telegram",
		"I want to talk to a real person": "telegram|Telegram|Received via Telegram",
	} {
		got, err := eval[string](operatorCtx, tagOf(text))
		must(err)
		if got != want {
			t.Errorf("console tag of %q: %q, want %q", text, got, want)
		}
	}
	// The bot's answers carry where they went: the web chat's first, then Telegram's.
	tags, err := eval[[]string](operatorCtx, `Array.from(document.querySelectorAll('#messages .msg[data-sender="bot"] .who .channel')).map(c => c.getAttribute('data-channel'))`)
	must(err)
	if len(tags) < 2 || tags[0] != "webchat" || tags[len(tags)-1] != "telegram" {
		t.Errorf("bot message channels %q: want webchat first, telegram last", tags)
	}
	screenshot(t, operatorCtx, "telegram-console-tags")
	_, err = eval[bool](operatorCtx, `(document.querySelector('#messages').scrollTop = 0, true)`)
	must(err)
	screenshot(t, operatorCtx, "telegram-console-web-tag")

	// The operator answers: the reply goes to Telegram, and the widget shows it.
	must(chromedp.Do(operatorCtx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#reply')`), "Hello from Anna, I see you wrote from Telegram."),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#send')`)),
	))
	tgAwait(t, fake, "Hello from Anna")
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="operator"] .sb-text')).some(e => e.textContent.startsWith('Hello from Anna'))`))
	must(waitFor(operatorCtx, tagOf("Hello from Anna, I see you wrote from Telegram.")+` === 'telegram|Telegram|Sent via Telegram'`))

	// Unlink from the widget: the link is offered again, and said so.
	must(click(playerCtx, tgUnlink))
	must(waitFor(playerCtx, tgBar+`.getAttribute('data-sb-telegram') === 'unlinked' && `+visible(tgContinue)+` && !`+visible(tgLinked)))
	said, err := eval[string](playerCtx, tgHint+`.textContent`)
	must(err)
	if said != "Telegram unlinked." {
		t.Errorf("after unlinking the widget says %q", said)
	}
	if linked, err := a.store.PlayerIdentity(context.Background(), "telegram", playerID(t, playerCtx)); err == nil {
		t.Errorf("still linked to %q after unlinking", linked)
	}

	// In Russian the control speaks Russian.
	_, err = eval[bool](playerCtx, `(document.querySelector('button[data-locale="ru"]').click(), true)`)
	must(err)
	must(waitFor(playerCtx, widgetReady+` && `+shadow+`.querySelector('.sb-root').lang === 'ru' && `+tgBar+`.getAttribute('data-sb-telegram') === 'unlinked'`))
	ru, err := eval[string](playerCtx, tgContinue+`.textContent`)
	must(err)
	if ru != "Продолжить в Telegram" {
		t.Errorf("Russian control %q", ru)
	}
	screenshot(t, playerCtx, "telegram-widget-ru")
}

// playerID is the demo player's id, as the demo page shows it ("Demo
// player: Name (demo-…)"; the id itself lives in an HttpOnly cookie).
func playerID(t *testing.T, ctx context.Context) string {
	t.Helper()
	id, err := eval[string](ctx, `((document.getElementById('player') || {}).textContent || '').replace(/^.*\((demo-[0-9a-f]+)\)\s*$/s, '$1')`)
	if err == nil && !strings.HasPrefix(id, "demo-") {
		id = ""
	}
	if err != nil || id == "" {
		t.Fatalf("demo player id: %q %v", id, err)
	}
	return id
}

// TestWidgetWithoutTelegramInBrowser: on a server with Telegram off
// (GET /api/v1/telegram is 404) the widget offers no Telegram control.
func TestWidgetWithoutTelegramInBrowser(t *testing.T) {
	ctx := browser(t)
	srv := demoServer(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, widgetReady+` && `+tgBar+`.getAttribute('data-sb-telegram') === 'off'`); err != nil {
		t.Fatal(err)
	}
	shown, err := eval[bool](ctx, visible(tgBar)+` || `+visible(tgContinue)+` || `+visible(tgLinked))
	if err != nil || shown {
		t.Fatalf("a Telegram control is shown with Telegram off (%v, %v)", shown, err)
	}
}
