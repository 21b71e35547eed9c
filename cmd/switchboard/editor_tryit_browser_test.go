package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestEditorTryItInBrowser: an editor changes an article in the draft,
// opens Try it, sends a message and sees the intent and the draft's article
// text (not the live one), tests a phrase, records the transcript as a
// conversation test and finds the file in the draft.
func TestEditorTryItInBrowser(t *testing.T) {
	ctx := browserWithin(t, 5*time.Minute) // the draft's model is trained at the first turn
	_, srv := editorServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900)))
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/editor")))
	must(staffLogin(ctx, "eddie", "eddie-password-1"))
	must(waitFor(ctx, `!document.querySelector('#app').hidden && !!document.querySelector('#file-tree [data-path="`+depositArticle+`"]')`))

	// The draft's article says something the live one does not.
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
	  const me = await (await fetch('/console/api/me')).json();
	  const file = await (await fetch('/console/api/editor/files/`+depositArticle+`')).json();
	  const r = await fetch('/console/api/editor/draft/files/`+depositArticle+`', {method: 'PUT',
	    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
	    body: JSON.stringify({content: file.content.replace(`+js(depositOld)+`, `+js(depositNew)+`)})});
	  return r.status })()`, chromedp.EvalAwaitPromise))
	must(err)
	if status != 200 {
		t.Fatalf("saving the draft article: %d", status)
	}

	must(click(ctx, `document.querySelector('#tab-tryit')`))
	must(waitFor(ctx, `!!document.querySelector('#tryit-input') && document.querySelector('#tryit-input').offsetParent !== null`))
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#tryit-input')`), "how do I deposit")))
	must(click(ctx, `document.querySelector('#tryit-send')`))
	must(waitSlow(ctx, `!!document.querySelector('#tryit-intent')`))
	intent, err := eval[string](ctx, `document.querySelector('#tryit-intent').textContent`)
	must(err)
	if intent != "deposit" {
		t.Errorf("intent shown: %q, want deposit", intent)
	}
	must(waitFor(ctx, `document.querySelector('#tryit-transcript .bot .articles') !== null`))
	text, err := eval[string](ctx, `document.querySelector('#tryit-transcript').textContent`)
	must(err)
	if !strings.Contains(text, depositNew) || strings.Contains(text, depositOld) {
		t.Errorf("the transcript does not show the draft's article text:\n%s", text)
	}
	must(waitFor(ctx, `document.querySelectorAll('#tryit-trace .tryit-ranked li').length > 0 && document.querySelectorAll('#tryit-trace .steps li').length > 0`))

	// Test a phrase.
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#tryit-phrase')`), "I forgot my password")))
	must(click(ctx, `document.querySelector('#tryit-classify')`))
	must(waitFor(ctx, `document.querySelectorAll('#tryit-classify-result .tryit-ranked li').length > 0`))

	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(err)
	if err := os.MkdirAll("/tmp/shots", 0o755); err == nil {
		_ = os.WriteFile("/tmp/shots/tryit.png", shot, 0o644)
	}

	// Record: the test lands in the draft.
	must(click(ctx, `document.querySelector('#tryit-record')`))
	must(waitFor(ctx, `!!document.querySelector('#tryit-saved')`))
	must(waitFor(ctx, `!!document.querySelector('#file-tree [data-path="tests/tryit/how-do-i-deposit.yaml"]')`))
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () =>
	  (await (await fetch('/console/api/editor/draft/files/tests/tryit/how-do-i-deposit.yaml')).json()).content)()`,
		chromedp.EvalAwaitPromise))
	must(err)
	for _, want := range []string{"say: how do I deposit", "intent: deposit"} {
		if !strings.Contains(body, want) {
			t.Errorf("the recorded test lacks %q:\n%s", want, body)
		}
	}
	// The banner opens it in the Files tab.
	must(click(ctx, `document.querySelector('#tryit-saved button')`))
	must(waitFor(ctx, `!document.querySelector('#files-panel').hidden && document.querySelector('#text').value.includes('intent: deposit')`))

	// Back in Try it, switching the player's language starts over, in Russian.
	must(click(ctx, `document.querySelector('#tab-tryit')`))
	must(waitFor(ctx, `!document.querySelector('#tryit-panel').hidden && !!document.querySelector('#tryit-transcript .bot')`))
	must(chromedp.Do(ctx, chromedp.SetValue(chromedp.JSPath(`document.querySelector('#tryit-locale')`), "ru")))
	must(eval1(ctx, `document.querySelector('#tryit-locale').dispatchEvent(new Event('change'))`))
	must(waitFor(ctx, `!document.querySelector('#tryit-transcript .bot') && !document.querySelector('#tryit-saved')`))
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#tryit-input')`), "как пополнить счёт")))
	must(click(ctx, `document.querySelector('#tryit-send')`))
	must(waitSlow(ctx, `document.querySelector('#tryit-intent') && document.querySelector('#tryit-intent').textContent === 'deposit'`))
	must(waitFor(ctx, `/[а-я]{4}/.test(document.querySelector('#tryit-transcript .bot .reply').textContent)`))
	shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(err)
	_ = os.WriteFile("/tmp/shots/tryit-ru.png", shot, 0o644)
}

// eval1 runs a JS expression for its effect.
func eval1(ctx context.Context, expr string) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
	return err
}
