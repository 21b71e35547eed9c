package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// screenshot saves the page as PNG under $SWITCHBOARD_SCREENSHOTS, when set,
// for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SWITCHBOARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWidgetConversationInBrowser is a player on /demo: Russian typed in
// Latin letters is answered in Russian with the matching part of the
// article and a link to all of it; a withdrawal pending for days gets an
// apology and a person, not the how-to again.
func TestWidgetConversationInBrowser(t *testing.T) {
	ctx := browser(t)
	srv := demoServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	lastBot := `Array.from(` + shadow + `.querySelectorAll('[data-sb-sender="bot"] .sb-text')).map(e => e.textContent).join('\n')`
	must(chromedp.Do(ctx, chromedp.EmulateViewport(420, 760), chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(ctx, widgetReady))

	must(ask(ctx, "kak vyvesti dengi na kartu"))
	must(waitFor(ctx, botReplyCount()+` >= 2 && `+shadow+`.querySelectorAll('.sb-article').length > 0`))
	text, err := eval[string](ctx, lastBot)
	must(err)
	if !strings.Contains(text, "Как вывести деньги") || !strings.Contains(text, "Касса → Вывод") {
		t.Fatalf("translit question answered as:\n%s", text)
	}
	screenshot(t, ctx, "widget-translit")
	// The link opens the whole article.
	must(chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.sb-article')`))))
	must(waitFor(ctx, `!`+shadow+`.querySelector('.sb-overlay').hidden && `+shadow+`.querySelector('.sb-article-text').textContent.length > 300`))
	screenshot(t, ctx, "widget-article")
	must(chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.sb-overlay-head button')`))))

	before, err := eval[int](ctx, botReplyCount())
	must(err)
	must(ask(ctx, "уже третий день жду, заявка так и висит"))
	must(waitFor(ctx, botReplyCount()+` > `+strconv.Itoa(before)+` && /передал/.test(`+lastBot+`)`))
	text, err = eval[string](ctx, lastBot)
	must(err)
	if !strings.Contains(text, "Извините: 3 дня") || strings.Contains(text[strings.LastIndex(text, "Извините"):], "Касса → Вывод") {
		t.Fatalf("a pending withdrawal of 3 days answered as:\n%s", text)
	}
	screenshot(t, ctx, "widget-overdue")
}
