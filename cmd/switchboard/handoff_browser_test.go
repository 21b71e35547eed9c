package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
)

// TestHandoffInBrowser runs the whole human path with two browsers: a
// player on /demo and an operator in /console.
func TestHandoffInBrowser(t *testing.T) {
	playerCtx := browser(t)

	a := demoApp(t)
	srv := serveApp(t, a)
	hash, err := auth.HashPassword("anna-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateStaff(context.Background(), handoff.Operator{Login: "anna", Name: "Anna",
		Role: handoff.RoleOperator, Skills: []string{"general"}, Capacity: 3, Status: handoff.Offline}, hash); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	botCount := func() int {
		n, err := eval[int](playerCtx, botReplyCount())
		must(err)
		return n
	}

	// The player asks something out of scope, then for a person.
	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	// The operator's browser context, separate from the player's (cookies,
	// storage); it can only be made once the browser runs.
	operatorCtx, cancelOperator := chromedp.NewContext(playerCtx, chromedp.WithNewBrowserContext())
	defer cancelOperator()
	must(waitFor(playerCtx, widgetReady))
	must(ask(playerCtx, "can i change my nickname"))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="bot"] .sb-text')).some(e => e.textContent.includes("couldn't find an answer"))`))
	must(ask(playerCtx, "I want to talk to a real person"))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="bot"] .sb-text')).some(e => e.textContent.includes("passed your conversation"))`))
	botsAfterHandoff := botCount()

	// The operator logs in, goes online, sees the ticket and claims it.
	const console = `document`
	must(chromedp.Do(operatorCtx, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(operatorCtx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	must(chromedp.Do(operatorCtx,
		chromedp.SendKeys(chromedp.JSPath(console+`.querySelector('#login')`), "anna"),
		chromedp.SendKeys(chromedp.JSPath(console+`.querySelector('#password')`), "anna-password-1"),
		chromedp.Click(chromedp.JSPath(console+`.querySelector('#login-submit')`)),
	))
	must(waitFor(operatorCtx, `!!document.querySelector('#presence') && document.querySelector('#presence').offsetParent !== null`))
	_, err = eval[bool](operatorCtx, `(() => { const s = document.querySelector('#presence'); s.value = 'online'; s.dispatchEvent(new Event('change')); return true })()`)
	must(err)
	must(waitFor(operatorCtx, `document.querySelectorAll('#queue .ticket .claim').length === 1`))
	priority, err := eval[string](operatorCtx, `document.querySelector('#queue .ticket .priority').textContent.toLowerCase()`)
	must(err)
	if !strings.Contains(priority, "high") {
		t.Errorf("queue shows priority %q, want high for a request for a person", priority)
	}
	must(click(operatorCtx, `document.querySelector('#queue .ticket .claim')`))
	must(waitFor(operatorCtx, `document.querySelectorAll('#mine .ticket').length === 1`))
	must(click(operatorCtx, `document.querySelector('#mine .ticket')`))
	must(waitFor(operatorCtx, `Array.from(document.querySelectorAll('#messages .msg[data-sender="player"] .text')).some(e => e.textContent.includes('real person'))`))

	// The player is told someone joined; the operator answers; the player
	// sees it live.
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="system"] .sb-text')).some(e => e.textContent.includes('Anna'))`))
	must(chromedp.Do(operatorCtx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#reply')`), "Hello, this is Anna. How can I help?"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#send')`)),
	))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="operator"] .sb-text')).some(e => e.textContent === 'Hello, this is Anna. How can I help?')`))

	// The player answers (with markup, which must stay text) and the
	// operator sees it; the bot stays silent throughout.
	must(ask(playerCtx, `my deposit <script>window.pwned=1</script> is missing`))
	must(waitFor(operatorCtx, `Array.from(document.querySelectorAll('#messages .msg[data-sender="player"] .text')).some(e => e.textContent.includes('<script>'))`))
	pwned, err := eval[bool](operatorCtx, `!!window.pwned || !!document.querySelector('#messages script')`)
	must(err)
	if pwned {
		t.Fatal("player text was interpreted as HTML in the console")
	}
	if n := botCount(); n != botsAfterHandoff {
		t.Fatalf("the bot spoke while a human held the conversation: %d bot messages, want %d", n, botsAfterHandoff)
	}

	// The operator resolves; the player rates.
	must(click(operatorCtx, `document.querySelector('#resolve')`))
	must(waitFor(playerCtx, shadow+`.querySelectorAll('.sb-button:not([disabled])').length === 5`))
	must(click(playerCtx, `Array.from(`+shadow+`.querySelectorAll('.sb-button:not([disabled])')).pop()`))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('.sb-text')).some(e => e.textContent.includes('Thank you for your rating'))`))

	tickets, err := a.store.TicketsSince(context.Background(), time.Time{})
	must(err)
	if len(tickets) != 1 || tickets[0].Status != handoff.StatusResolved || tickets[0].CSAT != 5 || tickets[0].FirstResponseAt.IsZero() {
		t.Fatalf("ticket after the path: %+v", tickets)
	}
}
