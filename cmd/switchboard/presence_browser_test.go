package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// presenceApp is demoApp with presence from console heartbeats and a short
// grace period.
func presenceApp(t *testing.T, grace time.Duration) *app {
	t.Helper()
	a, _ := presenceAppEngine(t, grace)
	return a
}

// presenceAppEngine is presenceApp with the engine it runs, for tests that
// publish content.
func presenceAppEngine(t *testing.T, grace time.Duration) (*app, *flows.Engine) {
	t.Helper()
	st := storetest.Default(t)
	engine := flows.NewEngine(nil)
	t.Cleanup(engine.Close)
	if err := live.New(st, engine, flows.RuntimeOptions{Models: testModels}, nil).Start(context.Background(), content.FS); err != nil {
		t.Fatal(err)
	}
	secret := []byte("browser-test-secret-browser-test!")
	v, err := auth.NewHS256Verifier(secret, auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &serveConfig{allowedOrigins: "*", maxMessageBytes: 4096, rate: 50, burst: 50,
		presenceGrace: grace, offlineAfter: time.Hour, answerTimeout: time.Hour}
	a, err := newApp(appDeps{store: st, engine: engine, verifier: v, demoSigner: auth.NewHS256Signer(secret, "switchboard"),
		log: discardLogger(), cfg: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return a, engine
}

// TestGhostOperatorInBrowser: an operator who logged out, or closed the
// tab, gets no new conversation, the player is not told anyone joined but
// that nobody is available; once back and connected they get it.
func TestGhostOperatorInBrowser(t *testing.T) {
	playerCtx := browser(t)
	a := presenceApp(t, time.Second)
	srv := serveApp(t, a)
	ctx := context.Background()
	hash, err := auth.HashPassword("anna-password-1")
	if err != nil {
		t.Fatal(err)
	}
	anna, err := a.store.CreateStaff(ctx, handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleOperator,
		Skills: []string{"general"}, Capacity: 3, Status: handoff.Offline}, hash)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// waitDisconnected waits until the desk sees Anna without a console.
	waitDisconnected := func() {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			op, err := a.store.Staff(ctx, anna.ID)
			must(err)
			if op.Disconnected {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("anna still counts as connected: %+v", op)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	login := func() (context.Context, context.CancelFunc) {
		t.Helper()
		opCtx, cancel := chromedp.NewContext(playerCtx, chromedp.WithNewBrowserContext())
		must(chromedp.Do(opCtx, chromedp.Navigate(srv.URL+"/console")))
		must(waitFor(opCtx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
		must(chromedp.Do(opCtx,
			chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "anna"),
			chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "anna-password-1"),
			chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
		))
		must(waitFor(opCtx, `!!document.querySelector('#presence') && document.querySelector('#presence').offsetParent !== null`))
		_, err := eval[bool](opCtx, `(() => { const s = document.querySelector('#presence'); s.value = 'online'; s.dispatchEvent(new Event('change')); return true })()`)
		must(err)
		// The console shows the real state: online once its socket answers.
		must(waitFor(opCtx, `document.querySelector('#presence-real').dataset.presence === 'online' && document.querySelector('#presence-real').dataset.connected === 'true'`))
		return opCtx, cancel
	}

	// The player's page first: the operator's browser context can only be
	// made once the browser runs.
	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(playerCtx, widgetReady))

	// Anna logs in, goes online, and logs out.
	opCtx, cancelOp := login()
	must(chromedp.Do(opCtx, chromedp.Click(chromedp.JSPath(`document.querySelector('#logout')`))))
	must(waitFor(opCtx, `document.querySelector('#login-form').offsetParent !== null`))
	cancelOp()
	waitDisconnected()

	// A player asks for a person: nobody is announced, the wait is honest.
	must(ask(playerCtx, "I want to talk to a real person"))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="bot"] .sb-text')).some(e => e.textContent.includes("Nobody who handles this is available right now"))`))
	must(a.desk.Tick(ctx))
	tickets, err := a.store.OpenTickets(ctx)
	must(err)
	if len(tickets) != 1 || tickets[0].Status != handoff.StatusQueued {
		t.Fatalf("after the loop: %+v, want one queued ticket", tickets)
	}
	texts, err := eval[[]string](playerCtx, `Array.from(`+shadow+`.querySelectorAll('.sb-text')).map(e => e.textContent)`)
	must(err)
	if joined := strings.Join(texts, "\n"); strings.Contains(joined, "Anna") || strings.Contains(joined, "has joined") {
		t.Fatalf("the player was told someone joined:\n%s", joined)
	}

	// Anna comes back: the conversation is hers, and the player is told.
	opCtx, cancelOp = login()
	must(a.desk.Tick(ctx))
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="system"] .sb-text')).some(e => e.textContent.includes('Anna'))`))
	must(waitFor(opCtx, `document.querySelectorAll('#mine .ticket').length === 1`))

	// She closes the tab without answering: after the grace period the
	// conversation goes back to the queue.
	cancelOp()
	waitDisconnected()
	must(a.desk.Tick(ctx))
	if tk, err := a.store.Ticket(ctx, tickets[0].ID); err != nil || tk.Status != handoff.StatusQueued {
		t.Fatalf("after Anna closed the tab: %+v, %v; want the ticket back in the queue", tk, err)
	}
}
