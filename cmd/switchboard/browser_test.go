package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// chromium finds Debian's headless browser. SWITCHBOARD_REQUIRE_BROWSER=1
// (set by CI) turns its absence into a failure instead of a skip.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SWITCHBOARD_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium required (SWITCHBOARD_REQUIRE_BROWSER=1) but not installed")
	}
	t.Skip("browser tests skipped: chromium not installed (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium and returns a context for a new tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserWithin(t, 90*time.Second)
}

// browserWithin is browser with a time limit of its own, for tests whose
// steps run the conversation tests (publishing), which take minutes under
// the race detector on a busy machine.
func browserWithin(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// demoServer runs the real app in demo mode on a fresh SQLite database.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	return serveApp(t, demoApp(t))
}

// serveApp serves a over HTTP for the test, with its Telegram connector
// running when it has one; both stop when the test ends.
func serveApp(t *testing.T, a *app) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(a.echo)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if a.telegram != nil {
		wg.Go(func() { a.telegram.Run(ctx) })
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		a.webchat.Shutdown()
		srv.Close()
	})
	return srv
}

// demoApp wires the real app in demo mode on a fresh SQLite database.
func demoApp(t *testing.T) *app {
	t.Helper()
	return demoAppWith(t, nil)
}

// demoAppWith is demoApp with configure applied to the configuration first
// (e.g. Telegram on).
func demoAppWith(t *testing.T, configure func(*serveConfig)) *app {
	t.Helper()
	st := storetest.Default(t)
	engine := flows.NewEngine(nil)
	t.Cleanup(engine.Close)
	versions := live.New(st, engine, flows.RuntimeOptions{Models: testModels}, nil)
	if err := versions.Start(context.Background(), content.FS); err != nil {
		t.Fatal(err)
	}
	secret := []byte("browser-test-secret-browser-test!")
	v, err := auth.NewHS256Verifier(secret, auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &serveConfig{allowedOrigins: "*", maxMessageBytes: 4096, rate: 50, burst: 50}
	if configure != nil {
		configure(cfg)
	}
	a, err := newApp(appDeps{store: st, engine: engine, verifier: v, demoSigner: auth.NewHS256Signer(secret, "switchboard"),
		content: versions, log: discardLogger(), cfg: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const shadow = `document.querySelector('#switchboard-widget').shadowRoot`

// widgetMessages returns "sender|id|text" of every stored message shown.
const widgetMessages = `Array.from(` + shadow + `.querySelectorAll('[data-sb-message-id]')).map(e =>
  e.getAttribute('data-sb-sender') + '|' + e.getAttribute('data-sb-message-id') + '|' + e.querySelector('.sb-text').textContent)`

func input() chromedp.JSPath { return chromedp.JSPath(shadow + `.querySelector('.sb-input')`) }

// ask types text into the widget and presses its send button, as a player.
func ask(ctx context.Context, text string) error {
	return chromedp.Do(ctx,
		chromedp.SendKeys(input(), text),
		chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.sb-send')`)),
	)
}

// waitFor polls a JS expression until it is true.
func waitFor(ctx context.Context, expr string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", expr, err)
	}
	return nil
}

// click waits until a JS expression finds an element, then clicks the one
// it finds at the moment of the click. Lists the console and widget
// re-render (queue, own tickets, buttons) replace their nodes, so a node id
// looked up a moment earlier can be gone by the time chromedp.Click uses it.
func click(ctx context.Context, expr string) error {
	if err := waitFor(ctx, `!!(`+expr+`)`); err != nil { // rendered by now, or soon
		return err
	}
	ok, err := eval[bool](ctx, `(() => { const e = `+expr+`; if (!e) return false; e.click(); return true })()`)
	if err == nil && !ok {
		err = fmt.Errorf("nothing to click: %s", expr)
	}
	return err
}

// waitSlow is waitFor for a step that runs the bundle's conversation tests
// (a publish, a rollback, "run tests"): several minutes under -race.
func waitSlow(ctx context.Context, expr string) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(5*time.Minute)))
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", expr, err)
	}
	return nil
}

func eval[T any](ctx context.Context, expr string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

func botReplyCount() string {
	return shadow + `.querySelectorAll('[data-sb-sender="bot"]').length`
}

const widgetReady = `!!document.querySelector('#switchboard-widget') && !!` + shadow + `.querySelector('.sb-input') && ` +
	shadow + `.querySelector('.sb-dot').getAttribute('data-sb-status') === 'online'`

func TestWidgetDemoInBrowser(t *testing.T) {
	ctx := browser(t)
	srv := demoServer(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(ctx, widgetReady))
	must(ask(ctx, "how do I deposit"))
	must(waitFor(ctx, botReplyCount()+` >= 2 && `+shadow+`.querySelectorAll('.sb-button:not([disabled])').length > 0`))
	buttons, err := eval[[]string](ctx, `Array.from(`+shadow+`.querySelectorAll('.sb-button:not([disabled])')).map(b => b.textContent)`)
	must(err)
	if strings.Join(buttons, "|") != "Yes, thanks|My deposit is not credited|Talk to a person" {
		t.Fatalf("buttons after the English question: %q", buttons)
	}
	must(ask(ctx, "как пополнить счет"))
	must(waitFor(ctx, `Array.from(`+shadow+`.querySelectorAll('.sb-button:not([disabled])')).some(b => b.textContent === 'Деньги не зачислились')`))
	before, err := eval[[]string](ctx, widgetMessages)
	must(err)
	joined := strings.Join(before, "\n")
	for _, want := range []string{"player|", "how do I deposit", "как пополнить счет", "bot|", "Did this answer your question?",
		"Это ответ на ваш вопрос?", "eposit", "пополн"} {
		if !strings.Contains(joined, want) {
			t.Errorf("conversation lacks %q:\n%s", want, joined)
		}
	}
	// Reload: the same history comes back, nothing lost or doubled.
	must(chromedp.Do(ctx, chromedp.Reload()))
	must(waitFor(ctx, fmt.Sprintf(`!!document.querySelector('#switchboard-widget') && %s.querySelectorAll('[data-sb-message-id]').length >= %d`, shadow, len(before))))
	after, err := eval[[]string](ctx, widgetMessages)
	must(err)
	if strings.Join(after, "\n") != joined {
		t.Fatalf("history after reload differs:\nbefore:\n%s\nafter:\n%s", joined, strings.Join(after, "\n"))
	}
}

func TestWidgetRendersPlayerTextAsText(t *testing.T) {
	ctx := browser(t)
	srv := demoServer(t)
	steps := []func() error{
		func() error { return chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")) },
		func() error { return waitFor(ctx, widgetReady) },
		func() error {
			return ask(ctx, `<img src=x onerror="window.pwned=true"><script>window.pwned=true</script>`)
		},
		func() error {
			return waitFor(ctx, shadow+`.querySelectorAll('[data-sb-sender="player"][data-sb-message-id]').length >= 1`)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	injected, err := eval[bool](ctx, `!!window.pwned || !!`+shadow+`.querySelector('.sb-messages img, .sb-messages script')`)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := eval[string](ctx, shadow+`.querySelector('[data-sb-sender="player"] .sb-text').textContent`)
	if err != nil {
		t.Fatal(err)
	}
	if injected || !strings.Contains(shown, "<script>") {
		t.Fatalf("player text was interpreted as HTML (injected=%v, shown %q)", injected, shown)
	}
}

// testModels shares trained models between the tests' runtimes: training
// under the race detector takes tens of seconds.
var testModels = flows.NewModelCache(4)
