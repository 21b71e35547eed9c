package main

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
)

// cspProbe reports whether an inline script could run (it must not), and
// starts collecting the page's CSP violations from now on.
const cspProbe = `(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  const s = document.createElement('script');
  s.textContent = 'window.__inline = true';
  document.body.append(s);
  return !!window.__inline;
})()`

// TestPagesWorkUnderCSPInBrowser: /demo and /console run under their
// strict CSP — an inline script is blocked, yet the page's own scripts and
// styles load, the widget answers, and an operator logs in.
func TestPagesWorkUnderCSPInBrowser(t *testing.T) {
	ctx := browser(t)
	a := demoApp(t)
	srv := serveApp(t, a)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	probe := func(ctx context.Context, page string) {
		t.Helper()
		ran, err := eval[bool](ctx, cspProbe)
		must(err)
		if ran {
			t.Fatalf("%s: an inline script ran; the CSP is not enforced", page)
		}
	}
	violations := func(ctx context.Context, page string) {
		t.Helper()
		// All but the probe's own inline script: an inline style is a violation too.
		v, err := eval[[]string](ctx, `window.__csp.filter(v => !(v.startsWith('script-src') && v.endsWith(' inline')))`)
		must(err)
		if len(v) > 0 {
			t.Errorf("%s: CSP violations while in use: %v", page, v)
		}
	}

	// The demo page: its script (a served file) mints the token and starts
	// the widget, whose styles (in its shadow root) apply.
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(ctx, widgetReady))
	probe(ctx, "/demo")
	must(waitFor(ctx, `document.querySelector('#player').textContent.includes('demo-')`))
	font, err := eval[string](ctx, `getComputedStyle(`+shadow+`.querySelector('.sb-root')).fontSize`)
	must(err)
	if font != "14px" {
		t.Errorf("widget styles not applied under the CSP: font-size %q", font)
	}
	before, err := eval[int](ctx, botReplyCount())
	must(err)
	must(ask(ctx, "how do i make a deposit"))
	must(waitFor(ctx, botReplyCount()+` > `+strconv.Itoa(before)))
	violations(ctx, "/demo")

	// The console: an operator logs in and sees the desk.
	hash, err := auth.HashPassword("csp-password-1")
	must(err)
	_, err = a.store.CreateStaff(context.Background(), handoff.Operator{Login: "cora", Name: "Cora",
		Role: handoff.RoleOperator, Skills: []string{"general"}, Capacity: 1, Status: handoff.Offline}, hash)
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(ctx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	probe(ctx, "/console")
	must(chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "cora"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "csp-password-1"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	))
	must(waitFor(ctx, `!!document.querySelector('#presence') && document.querySelector('#presence').offsetParent !== null`))
	bg, err := eval[string](ctx, `getComputedStyle(document.body).backgroundColor`)
	must(err)
	if bg != "rgb(238, 240, 245)" {
		t.Errorf("console styles not applied under the CSP: background %q", bg)
	}
	violations(ctx, "/console")

	// The content editor, every panel: no inline script or style either.
	addStaff(t, a, "edna", "Edna", handoff.RoleEditor, "csp-password-2")
	ed, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	must(chromedp.Do(ed, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/console/editor")))
	must(waitFor(ed, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	probe(ed, "/console/editor")
	must(staffLogin(ed, "edna", "csp-password-2"))
	for _, file := range []string{"intents/en.yaml", "kb/en/deposit-methods.md", "settings.yaml"} {
		must(click(ed, `document.querySelector('#file-tree [data-path="`+file+`"]')`))
		must(waitFor(ed, `document.querySelector('#file-path').textContent === `+js(file)+` && !document.querySelector('#form-box').hidden`))
	}
	must(click(ed, `document.querySelector('#tab-tryit')`))
	must(waitFor(ed, `!document.querySelector('#tryit-panel').hidden && document.querySelector('#tryit-panel').childElementCount > 0`))
	must(click(ed, `document.querySelector('#tab-inbox')`))
	must(waitFor(ed, `!document.querySelector('#inbox-panel').hidden && document.querySelector('#inbox-panel').childElementCount > 0`))
	must(click(ed, `document.querySelector('#tab-analytics')`))
	must(waitFor(ed, `!document.querySelector('#analytics-panel').hidden && !!document.querySelector('#analytics-panel svg')`))
	violations(ed, "/console/editor")
}
