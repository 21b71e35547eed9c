package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/handoff"
)

// TestWidgetGreetingAndCounterInBrowser: a first open shows a greeting with
// topic buttons and the expected reply time, in the widget's language; a
// topic button sends its label; the length counter counts characters ("ё"
// and an emoji are one each) and blocks what the server would refuse.
func TestWidgetGreetingAndCounterInBrowser(t *testing.T) {
	ctx := browser(t)
	srv := demoServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	topics := `Array.from(` + shadow + `.querySelectorAll('.sb-greeting .sb-topic')).map(b => b.textContent)`
	greetingText := shadow + `.querySelector('.sb-greeting .sb-bubble').textContent`

	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(ctx, widgetReady+` && !!`+shadow+`.querySelector('.sb-greeting')`))
	got, err := eval[[]string](ctx, topics)
	must(err)
	if strings.Join(got, "|") != "Deposit|Withdrawal|Bonuses|Verification|Talk to a person" {
		t.Fatalf("English topics %q", got)
	}
	text, err := eval[string](ctx, greetingText)
	must(err)
	if !strings.Contains(text, "A specialist usually answers within 3 minutes.") {
		t.Fatalf("English greeting %q lacks the reply time from the content's SLA", text)
	}
	screenshot(t, ctx, "widget-greeting")

	// The counter: 1,790 × "ё" (2 bytes, 1 UTF-16 unit) and 10 × "😀" (4
	// bytes, 2 UTF-16 units) are 1,800 characters, 3,620 bytes.
	setInput := func(js string) {
		t.Helper()
		_, err := eval[bool](ctx, `(() => { const i = `+shadow+`.querySelector('.sb-input'); i.value = `+js+
			`; i.dispatchEvent(new Event('input')); return true })()`)
		must(err)
	}
	counter := shadow + `.querySelector('.sb-counter')`
	send := shadow + `.querySelector('.sb-send')`
	setInput(`'ё'.repeat(1790) + '😀'.repeat(10)`)
	must(waitFor(ctx, `!`+counter+`.hidden`))
	shown, err := eval[string](ctx, counter+`.textContent`)
	must(err)
	disabled, err := eval[bool](ctx, send+`.disabled`)
	must(err)
	// At 3,620 bytes for 1,800 characters, 4,096 bytes hold 2,036 of them.
	if shown != "1800 / 2036" || disabled {
		t.Fatalf("counter %q (send disabled %v), want \"1800 / 2036\" and sending allowed", shown, disabled)
	}
	// 2,049 × "ё" is 4,098 bytes: over the server's 4,096, refused here.
	setInput(`'ё'.repeat(2049)`)
	must(waitFor(ctx, counter+`.classList.contains('sb-over') && `+send+`.disabled`))
	screenshot(t, ctx, "widget-counter-over")
	shown, err = eval[string](ctx, counter+`.textContent`)
	must(err)
	if !strings.Contains(shown, "2049 characters") || !strings.Contains(shown, "at most 2048") {
		t.Fatalf("over the limit the counter says %q", shown)
	}
	// Enter does not send it either.
	_, err = eval[bool](ctx, `(`+shadow+`.querySelector('.sb-input').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true})), true)`)
	must(err)
	if n, err := eval[int](ctx, shadow+`.querySelectorAll('[data-sb-sender="player"]').length`); err != nil || n != 0 {
		t.Fatalf("an over-long message was sent (%d player rows, %v)", n, err)
	}
	setInput(`''`)
	must(waitFor(ctx, counter+`.hidden && !`+send+`.disabled`))

	// In Russian (the demo's RU button starts the widget again in Russian;
	// the conversation is still empty), the greeting speaks Russian.
	// (clicked from script: the open widget's panel covers the page's button)
	_, err = eval[bool](ctx, `(document.querySelector('button[data-locale="ru"]').click(), true)`)
	must(err)
	must(waitFor(ctx, widgetReady+` && `+shadow+`.querySelector('.sb-root').lang === 'ru' && !!`+shadow+`.querySelector('.sb-greeting')`))
	got, err = eval[[]string](ctx, topics)
	must(err)
	if strings.Join(got, "|") != "Пополнение|Вывод средств|Бонусы|Верификация|Связаться с оператором" {
		t.Fatalf("Russian topics %q", got)
	}
	text, err = eval[string](ctx, greetingText)
	must(err)
	if !strings.Contains(text, "Специалист обычно отвечает в течение 3 минут.") {
		t.Fatalf("Russian greeting %q", text)
	}

	// A topic button sends its label as the player's message; the bot
	// answers about deposits; the topics are spent.
	must(chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.sb-greeting .sb-topic')`))))
	must(waitFor(ctx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="player"][data-sb-message-id] .sb-text')).some(e => e.textContent === 'Пополнение')`))
	must(waitFor(ctx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="bot"] .sb-text')).some(e => /пополн/i.test(e.textContent))`))
	must(waitFor(ctx, `Array.from(`+shadow+`.querySelectorAll('.sb-greeting .sb-topic')).every(b => b.disabled)`))

	// Reopened with history: no greeting.
	must(chromedp.Do(ctx, chromedp.Reload()))
	must(waitFor(ctx, widgetReady+` && `+shadow+`.querySelectorAll('[data-sb-message-id]').length >= 2`))
	if n, err := eval[int](ctx, shadow+`.querySelectorAll('.sb-greeting').length`); err != nil || n != 0 {
		t.Fatalf("greeting shown over an existing conversation (%d, %v)", n, err)
	}
}

// TestWidgetOperatorMessagesInBrowser: while the conversation goes back and
// forth between the queue and an operator, the player sees one "Connecting
// you…" line, not a stack; the operator's messages carry the operator's
// name; their Markdown renders as safe nodes (links in a new tab with
// rel=noopener noreferrer, no javascript: links) and markup stays text.
func TestWidgetOperatorMessagesInBrowser(t *testing.T) {
	playerCtx := browser(t)
	a := demoApp(t)
	srv := serveApp(t, a)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	anna, err := a.store.CreateStaff(ctx, handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleOperator,
		Skills:   []string{"payments", "verification", "technical", "bonuses", "general", "responsible_gaming"},
		Capacity: 3, Status: handoff.Online}, nil)
	must(err)

	notes := shadow + `.querySelectorAll('.sb-note').length`
	subtitle := shadow + `.querySelector('.sb-subtitle').textContent`
	queued := subtitle + ` === 'Waiting for a specialist' && ` + notes + ` === 1 && ` +
		shadow + `.querySelector('.sb-note .sb-text').textContent === 'Connecting you to a specialist…'`
	withOperator := subtitle + ` === 'Chatting with a specialist' && ` + notes + ` === 0`

	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(playerCtx, widgetReady))
	must(ask(playerCtx, "I want to talk to a real person"))
	must(waitFor(playerCtx, queued))

	// Claimed, transferred back to a queue, claimed, transferred again: one
	// status line each time the conversation waits, never two.
	claim := func() handoff.Ticket {
		t.Helper()
		tk, ok, err := a.desk.ClaimNext(ctx, anna)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		must(waitFor(playerCtx, withOperator))
		return tk
	}
	for _, skill := range []string{"payments", "general"} {
		tk := claim()
		_, err := a.desk.Transfer(ctx, anna, tk.ID, skill, 0)
		must(err)
		must(waitFor(playerCtx, queued))
	}
	if n, err := eval[int](playerCtx, notes); err != nil || n != 1 {
		t.Fatalf("%d status notes after three waits in the queue (%v), want 1", n, err)
	}

	tk := claim()
	_, err = a.desk.Reply(ctx, anna, tk.ConversationID, "r1",
		"Hi, I'm **Anna**. Please read [our payment rules](https://example.com/rules?a=1&b=2), not [this](javascript:window.pwned=1).\n"+
			"- *first*\n- second\n<script>window.pwned=1</script><img src=x onerror=\"window.pwned=1\">")
	must(err)
	op := shadow + `.querySelector('[data-sb-sender="operator"]')`
	must(waitFor(playerCtx, `!!`+op))
	must(waitFor(playerCtx, op+`.querySelector('.sb-author').textContent === 'Anna'`))
	screenshot(t, playerCtx, "widget-operator-markdown")

	links, err := eval[[]string](playerCtx, `Array.from(`+op+`.querySelectorAll('a')).map(a =>
		[a.textContent, a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')].join(' | '))`)
	must(err)
	if strings.Join(links, "\n") != "our payment rules | https://example.com/rules?a=1&b=2 | _blank | noopener noreferrer" {
		t.Fatalf("operator message links:\n%s", strings.Join(links, "\n"))
	}
	formatting, err := eval[[]string](playerCtx, `[`+op+`.querySelector('strong')?.textContent, `+
		`Array.from(`+op+`.querySelectorAll('li')).map(li => li.textContent).join(','), `+op+`.querySelector('li em')?.textContent]`)
	must(err)
	if strings.Join(formatting, "|") != "Anna|first,second|first" {
		t.Fatalf("bold, list and italic rendered as %q", formatting)
	}
	text, err := eval[string](playerCtx, op+`.querySelector('.sb-text').textContent`)
	must(err)
	injected, err := eval[bool](playerCtx, `!!window.pwned || !!`+shadow+`.querySelector('.sb-messages script, .sb-messages img')`)
	must(err)
	if injected || !strings.Contains(text, "<script>window.pwned=1</script>") || !strings.Contains(text, "not this (javascript:window.pwned=1).") {
		t.Fatalf("operator markup interpreted (injected=%v) or not shown as text: %q", injected, text)
	}
}
