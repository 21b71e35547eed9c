package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/store"
)

// TestConsoleInRussian: an operator who chose Russian works a conversation
// end to end in a Russian console — claims it, answers with a canned
// response picked with "/", resolves it, and cannot send after that.
func TestConsoleInRussian(t *testing.T) {
	playerCtx := browser(t)
	a := presenceApp(t, 30*time.Second)
	srv := serveApp(t, a)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hash, err := auth.HashPassword("anna-password-1")
	must(err)
	_, err = a.store.CreateStaff(ctx, handoff.Operator{Login: "anna", Name: "Анна", Role: handoff.RoleOperator,
		Skills: []string{"general", "payments"}, Capacity: 3, Status: handoff.Online}, hash)
	must(err)
	_, err = a.store.CreateCanned(ctx, store.CannedResponse{Title: "Приветствие", Text: "Здравствуйте! Меня зовут {{operator.name}}, смотрю ваш вопрос. **Важно:** [правила](https://example.com/rules) <b>x</b>", Locale: "ru"})
	must(err)

	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(playerCtx, widgetReady))
	// First an answer from an article, with the link to all of it.
	must(ask(playerCtx, "kak vyvesti dengi na kartu"))
	must(waitFor(playerCtx, shadow+`.querySelectorAll('.sb-article').length > 0`))
	bots, err := eval[int](playerCtx, shadow+`.querySelectorAll('[data-sb-sender="bot"]').length`)
	must(err)
	must(ask(playerCtx, "Позовите, пожалуйста, живого оператора"))
	must(waitFor(playerCtx, shadow+`.querySelectorAll('[data-sb-sender="bot"]').length > `+strconv.Itoa(bots)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		open, err := a.store.OpenTickets(ctx)
		must(err)
		if len(open) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the player's request never reached the queue")
		}
		time.Sleep(50 * time.Millisecond)
	}

	opCtx, cancel := chromedp.NewContext(playerCtx, chromedp.WithNewBrowserContext())
	defer cancel()
	must(chromedp.Do(opCtx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(opCtx, `!!document.querySelector('#login-lang')`))
	// The language select keeps the choice in the browser and reloads the
	// page; the test stores the same choice and loads the page itself, so it
	// waits for the new page rather than racing the reload.
	_, err = eval[bool](opCtx, `(localStorage.setItem('sb-console-lang', 'ru'), true)`)
	must(err)
	must(chromedp.Do(opCtx, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(opCtx, `document.querySelector('#login-submit') && document.querySelector('#login-submit').textContent === 'Войти' && document.querySelector('#login-lang').value === 'ru'`))
	must(chromedp.Do(opCtx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "anna"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "anna-password-1"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	))
	must(waitFor(opCtx, `document.querySelector('#take-next').textContent === 'Взять следующую' && document.documentElement.lang === 'ru'`))
	must(waitFor(opCtx, `document.querySelector('#presence-real').dataset.connected === 'true' && document.querySelector('#presence-real').textContent.startsWith('Вы')`))
	must(waitFor(opCtx, `document.querySelectorAll('#queue .ticket .claim').length === 1 && document.querySelector('#queue .ticket .claim').textContent === 'Взять'`))
	// Away, a claim is refused, and the console says why (not "taken").
	setPresence := func(p string) {
		t.Helper()
		_, err := eval[bool](opCtx, `(() => { const s = document.querySelector('#presence'); s.value = '`+p+`'; s.dispatchEvent(new Event('change')); return true })()`)
		must(err)
		must(waitFor(opCtx, `document.querySelector('#presence-real').dataset.presence === '`+p+`'`))
	}
	setPresence("away")
	_, err = eval[bool](opCtx, `(document.querySelector('#queue .ticket .claim').click(), true)`)
	must(err)
	must(waitFor(opCtx, `!document.querySelector('#toast').hidden && document.querySelector('#toast').textContent.includes('Вы не в сети')`))
	setPresence("online")
	_, err = eval[bool](opCtx, `(document.querySelector('#queue .ticket .claim').click(), true)`)
	must(err)
	must(waitFor(opCtx, `document.querySelectorAll('#mine .ticket').length === 1`))
	// Clicked from the page's script: the list re-renders on live events,
	// which can replace the node between a lookup and a synthetic click.
	_, err = eval[bool](opCtx, `(document.querySelector('#mine .ticket').click(), true)`)
	must(err)
	must(waitFor(opCtx, `!document.querySelector('#send').disabled && document.querySelector('#send').textContent === 'Отправить'`))

	// The values the API sends are shown in Russian: the role, the
	// priority, the skill, the ticket's and the conversation's state, the
	// labels of the conversation's details and who wrote a message; times
	// are 24-hour, as the widget shows them.
	must(waitFor(opCtx, `document.querySelector('#op-role').textContent.startsWith('оператор · ')`))
	// The conversation's panel fills in after the click: its tickets, details and messages.
	must(waitFor(opCtx, `!!document.querySelector('.conv-tickets .priority') && !!document.querySelector('.conv-tickets .skill') && `+
		`!!document.querySelector('.conv-tickets .status') && !!document.querySelector('#conv-head dl.kv dt') && `+
		`!!document.querySelector('#mine .ticket .meta') && document.querySelectorAll('#messages time').length > 0`))
	shown, err := eval[string](opCtx, `(() => {
	  const q = (s) => document.querySelector(s);
	  const pr = {critical: 'критичный', high: 'высокий', normal: 'обычный', low: 'низкий'};
	  const p = q('.conv-tickets .priority'), sk = q('.conv-tickets .skill'), st = q('.conv-tickets .status');
	  const kv = {};
	  document.querySelectorAll('#conv-head dl.kv dt').forEach((dt) => kv[dt.textContent] = dt.nextElementSibling.textContent);
	  const bad = [];
	  if (p.textContent !== pr[p.dataset.priority]) bad.push('priority ' + p.dataset.priority + ' as ' + p.textContent);
	  if (sk.dataset.skill !== 'payments' || sk.textContent !== 'платежи') bad.push('skill as ' + sk.textContent);
	  if (st.dataset.status !== 'assigned' || st.textContent !== 'у оператора') bad.push('ticket state as ' + st.textContent);
	  if (kv['состояние'] !== 'у оператора') bad.push('conversation state as ' + kv['состояние']);
	  if (!('id игрока' in kv) || !('канал' in kv) || !('сценарий' in kv) || !('шаг' in kv)) bad.push('labels ' + Object.keys(kv));
	  if (!Array.from(document.querySelectorAll('#messages .msg[data-sender="bot"] .who span:first-child')).every((e) => e.textContent === 'Бот')) bad.push('bot sender label');
	  const arts = Array.from(document.querySelectorAll('#messages .article'), (e) => e.textContent);
	  if (!arts.some((a) => a.startsWith('Открыть статью целиком: ')) || arts.some((a) => a.includes('Статья: Открыть'))) bad.push('article links ' + arts.join(' | '));
	  const mine = q('#mine .ticket .meta').textContent;
	  if (!mine.endsWith(' · у оператора')) bad.push('my ticket meta ' + mine);
	  const times = Array.from(document.querySelectorAll('#messages time'));
	  if (!times.length) bad.push('no times');
	  for (const t of times) {
	    const d = new Date(t.dateTime), pad = (n) => String(n).padStart(2, '0');
	    if (t.textContent !== pad(d.getHours()) + ':' + pad(d.getMinutes())) bad.push('time ' + t.textContent);
	  }
	  return bad.join('; ');
	})()`)
	must(err)
	if shown != "" {
		t.Errorf("the Russian console shows: %s", shown)
	}
	// Transfer lists the skills by their Russian names (the values stay),
	// and its row keeps Resolve beside Transfer.
	must(click(opCtx, `document.querySelector('#transfer')`))
	must(waitFor(opCtx, `!document.querySelector('#transfer-box').hidden`))
	opt, err := eval[string](opCtx, `(() => { const o = Array.from(document.querySelectorAll('#transfer-skill option')).find((o) => o.value === 'verification'); return o ? o.textContent : '' })()`)
	must(err)
	if opt != "верификация" {
		t.Errorf("the Transfer list shows the verification skill as %q", opt)
	}
	sameRow, err := eval[bool](opCtx, `Math.abs(document.querySelector('#resolve').getBoundingClientRect().top - document.querySelector('#transfer-go').getBoundingClientRect().top) < 2`)
	must(err)
	_, err = eval[bool](opCtx, `(document.querySelector('#toast').hidden = true)`)
	must(err)
	screenshot(t, opCtx, "console-ru-transfer")
	if !sameRow {
		t.Error("with Transfer open, Resolve wraps away from the Transfer row")
	}
	_, err = eval[bool](opCtx, `(document.querySelector('#messages .article').scrollIntoView({block: 'center'}), true)`)
	must(err)
	screenshot(t, opCtx, "console-ru-article")
	must(click(opCtx, `document.querySelector('#transfer-cancel')`))

	// "/" finds the canned response; Enter puts it in, Enter sends it.
	must(chromedp.Do(opCtx, chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#reply')`), "/привет")))
	must(waitFor(opCtx, `document.querySelector('#canned-matches .match.first') && document.querySelector('#canned-matches .match.first').textContent === 'Приветствие'`))
	// Enter as the page sees it (CDP's synthetic Enter also types a newline
	// that a real keypress, prevented, would not).
	enter := `(document.querySelector('#reply').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true})), true)`
	_, err = eval[bool](opCtx, enter)
	must(err)
	if err := waitFor(opCtx, `document.querySelector('#reply').value.startsWith('Здравствуйте! Меня зовут Анна, смотрю ваш вопрос.')`); err != nil {
		v, _ := eval[string](opCtx, `document.querySelector('#reply').value + ' | ' + document.querySelector('#canned-matches').textContent`)
		t.Fatalf("%v; the reply box holds %q", err, v)
	}
	_, err = eval[bool](opCtx, enter)
	must(err)
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="operator"] .sb-text')).some(e => e.textContent.startsWith('Здравствуйте! Меня зовут Анна'))`))

	// The console renders the operator's Markdown safely: a real link that
	// opens in a new tab without the opener, bold text, and no raw HTML.
	must(waitFor(opCtx, `!!document.querySelector('#messages .msg[data-sender="operator"] a[href="https://example.com/rules"][rel="noopener noreferrer"][target="_blank"]')`))
	md, err := eval[string](opCtx, `(() => { const m = document.querySelector('#messages .msg[data-sender="operator"] .text'); return m.querySelector('strong').textContent + '|' + !!m.querySelector('b') + '|' + m.textContent })()`)
	must(err)
	if !strings.HasPrefix(md, "Важно:|false|") || !strings.Contains(md, "<b>x</b>") || strings.Contains(md, "**") {
		t.Fatalf("operator message rendered as %q", md)
	}

	// Resolved: the console says so in Russian, and Send is off.
	must(click(opCtx, `document.querySelector('#resolve')`))
	must(waitFor(opCtx, `document.querySelector('#send').disabled`))
	toast, err := eval[string](opCtx, `document.querySelector('#toast').textContent`)
	must(err)
	if !strings.Contains(toast, "Решено") {
		t.Errorf("resolve toast %q, want Russian", toast)
	}
}

// TestEditorLandsOnTheirOwnPage: an editor who signs in at /console is
// sent on to the content editor, not left on an operator page they have no
// use for; an admin, who takes tickets too, stays on the console.
func TestEditorLandsOnTheirOwnPage(t *testing.T) {
	ctx := browser(t)
	a := presenceApp(t, 30*time.Second)
	srv := serveApp(t, a)
	hash, err := auth.HashPassword("ed-password-123")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateStaff(context.Background(), handoff.Operator{Login: "ed", Name: "Ed", Role: handoff.RoleEditor,
		Status: handoff.Offline}, hash); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(ctx, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	must(chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "ed"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "ed-password-123"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	))
	// The console sends them on to the content editor, signed in.
	must(waitForPath(ctx, "/console/editor"))
	must(waitFor(ctx, `!!document.querySelector('#app') && !document.querySelector('#app').hidden`))

	// An admin takes tickets too: they stay on the console.
	if _, err := a.store.CreateStaff(context.Background(), handoff.Operator{Login: "ada", Name: "Ada", Role: handoff.RoleAdmin,
		Skills: []string{"general"}, Capacity: 2, Status: handoff.Offline}, hash); err != nil {
		t.Fatal(err)
	}
	adm, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	must(chromedp.Do(adm, chromedp.Navigate(srv.URL+"/console")))
	must(waitFor(adm, `!!document.querySelector('#login-form') && document.querySelector('#login-form').offsetParent !== null`))
	must(chromedp.Do(adm,
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#login')`), "ada"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelector('#password')`), "ed-password-123"),
		chromedp.Click(chromedp.JSPath(`document.querySelector('#login-submit')`)),
	))
	must(waitFor(adm, `document.querySelector('#take-next').offsetParent !== null && document.querySelector('#editor-header-link').offsetParent !== null`))
	time.Sleep(300 * time.Millisecond) // a redirect would have started by now
	path, err := eval[string](adm, `location.pathname`)
	must(err)
	if path != "/console" {
		t.Errorf("the admin was sent to %q", path)
	}
}

// waitForPath waits until the page is at path (and loaded), across the
// navigation that gets it there: evaluations that meet the old page going
// away fail, and are tried again.
func waitForPath(ctx context.Context, path string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		at, err := eval[string](ctx, `document.readyState === 'complete' ? location.pathname : ''`)
		if err == nil && at == path {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("waiting for the page %s: at %q (%v)", path, at, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
