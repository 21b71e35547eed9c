package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

func newClient(t *testing.T, srv *telegramtest.Server, opt Options) *Client {
	t.Helper()
	opt.Token, opt.APIURL = srv.Token, srv.URL
	c, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendText(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	kb := NewKeyboard(42, []Button{{Label: "Да", Payload: "yes"}, {Label: "Нет"}})
	id, err := c.SendText(ctx, 1001, Render("**Готово** <3"), kb)
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(1001)
	if len(msgs) != 1 || msgs[0].ID != id {
		t.Fatalf("messages = %+v, id %d", msgs, id)
	}
	m := msgs[0]
	if m.Text != "<b>Готово</b> &lt;3" || m.ParseMode != "HTML" {
		t.Errorf("text %q parse_mode %q", m.Text, m.ParseMode)
	}
	want := [][]telegramtest.Key{{{Text: "Да", Data: "yes"}}, {{Text: "Нет", Data: "Нет"}}}
	if got, _ := json.Marshal(m.Keyboard); string(got) != mustJSON(want) {
		t.Errorf("keyboard = %s, want %s", got, mustJSON(want))
	}
	req := srv.Requests("sendMessage")[0]
	if req.ContentType != "multipart/form-data" || req.ChatID != 1001 {
		t.Errorf("request %+v", req)
	}
	if !strings.Contains(req.Params["link_preview_options"], `"is_disabled":true`) {
		t.Errorf("link previews not disabled: %q", req.Params["link_preview_options"])
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// A 400 "can't parse entities" is sent once more as plain text.
func TestSendTextParseErrorFallsBackToPlain(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	srv.Inject(telegramtest.Fault{Method: "sendMessage", Status: 400,
		Description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"})
	if _, err := c.SendText(testContext(t), 7, "<b>a &amp; b</b>", nil); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(7)
	if len(msgs) != 1 || msgs[0].Text != "a & b" || msgs[0].ParseMode != "" {
		t.Fatalf("messages = %+v, want one plain %q", msgs, "a & b")
	}
	// Only once: a second parse error is the caller's (Permanent).
	srv.Inject(telegramtest.Fault{Method: "sendMessage", Status: 400, Times: 2, Description: "Bad Request: can't parse entities: x"})
	_, err := c.SendText(testContext(t), 7, "<b>x</b>", nil)
	if o := Classify(err); o.Kind != Permanent {
		t.Fatalf("outcome %v, want permanent", o.Kind)
	}
	if n := len(srv.Requests("sendMessage")); n != 4 {
		t.Fatalf("%d sendMessage calls, want 4", n)
	}
}

// The real library's errors, from the fake API's answers, classify as the
// delivery policy needs.
func TestClassifyAnswers(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{SendTimeout: 300 * time.Millisecond})
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	tests := []struct {
		name       string
		fault      telegramtest.Fault
		kind       Kind
		retryAfter time.Duration
	}{
		{"429", telegramtest.Fault{Status: 429, RetryAfter: 17}, Retry, 17 * time.Second},
		{"500", telegramtest.Fault{Status: 500}, Retry, 0},
		{"502", telegramtest.Fault{Status: 502, Description: "Bad Gateway"}, Retry, 0},
		{"403 blocked", telegramtest.Fault{Status: 403}, Blocked, 0},
		{"400", telegramtest.Fault{Status: 400, Description: "Bad Request: chat not found"}, Permanent, 0},
		{"401", telegramtest.Fault{Status: 401}, Retry, 0},
		{"disconnect", telegramtest.Fault{Disconnect: true}, Retry, 0},
		{"timeout", telegramtest.Fault{Hold: hold}, Retry, 0},
		{"ok", telegramtest.Fault{}, Sent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fault.ChatID = 99
			srv.Inject(tt.fault)
			_, err := c.SendText(testContext(t), 99, "hi", nil)
			o := Classify(err)
			if o.Kind != tt.kind || o.RetryAfter != tt.retryAfter {
				t.Fatalf("Classify(%v) = %v after %v, want %v after %v", err, o.Kind, o.RetryAfter, tt.kind, tt.retryAfter)
			}
			if err != nil && strings.Contains(err.Error(), srv.Token) {
				t.Fatalf("token in error: %v", err)
			}
		})
	}
	if n := len(srv.Messages(99)); n != 1 {
		t.Fatalf("%d messages accepted, want only the last", n)
	}
}

// The token never shows in an error string, whatever failed.
func TestTokenRedacted(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{SendTimeout: time.Second})
	ctx := testContext(t)
	srv.Close()
	_, err := c.SendText(ctx, 1, "hi", nil)
	if err == nil {
		t.Fatal("send to a closed server succeeded")
	}
	errs := []error{err}
	_, err = c.GetUpdates(ctx, 1, 0)
	errs = append(errs, err, c.Typing(ctx, 1), c.AnswerCallback(ctx, "x", ""), c.DeleteWebhook(ctx))
	_, err = c.GetMe(ctx)
	errs = append(errs, err)
	// A malformed API URL: the library's own error would carry the whole URL.
	bad, err := New(Options{Token: srv.Token, APIURL: "http://bad host\x7f", WebhookAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	errs = append(errs, bad.SetWebhook(ctx, "https://x.example/hook", "s"))
	_, err = bad.GetUpdates(ctx, 1, 0)
	errs = append(errs, err)
	secret := strings.Split(srv.Token, ":")[1]
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d did not fail", i)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("call %d: token in %q", i, err)
		}
		if !strings.Contains(err.Error(), "***") && strings.Contains(err.Error(), "/bot") {
			t.Errorf("call %d: URL without redaction: %q", i, err)
		}
	}
}

func TestAnswerCallbackAndTyping(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	if err := c.AnswerCallback(ctx, "cb1", ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Answered("cb1"); !ok {
		t.Fatal("callback not answered")
	}
	if err := c.Typing(ctx, 5); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests("sendChatAction")
	if len(r) != 1 || r[0].ChatID != 5 || r[0].Params["action"] != "typing" {
		t.Fatalf("sendChatAction = %+v", r)
	}
	// A held answer gives up after AnswerTimeout: the caller is never stuck.
	c = newClient(t, srv, Options{AnswerTimeout: 50 * time.Millisecond})
	hold := make(chan struct{})
	defer close(hold)
	srv.Inject(telegramtest.Fault{Method: "answerCallbackQuery", Hold: hold})
	if err := c.AnswerCallback(ctx, "cb2", ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("held answer: %v, want deadline exceeded", err)
	}
}

func TestSetWebhookHonoursRetryAfter(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	srv := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	c := newClient(t, srv, Options{Clock: clock, Backoff: Backoff{Rand: func(n int64) int64 { return n - 1 }}})
	srv.Inject(telegramtest.Fault{Method: "setWebhook", Status: 429, RetryAfter: 3})
	srv.Inject(telegramtest.Fault{Method: "setWebhook", Status: 500})
	srv.Inject(telegramtest.Fault{Method: "setWebhook", Status: 429, RetryAfter: 10})
	done := make(chan error, 1)
	go func() { done <- c.SetWebhook(context.Background(), "https://bot.example/telegram", "s3cret") }()
	drive := make(chan struct{})
	go func() { clock.Drive(drive) }()
	err := <-done
	close(drive)
	if err != nil {
		t.Fatal(err)
	}
	if w := srv.Webhook(); w.URL != "https://bot.example/telegram" || w.Secret != "s3cret" {
		t.Fatalf("webhook = %+v", w)
	}
	var times []time.Duration
	for _, r := range srv.Requests("setWebhook") {
		times = append(times, r.Time.Sub(t0))
	}
	// 429 → its 3 s; 500 → the second retry's backoff (under 1 s); 429 → its 10 s.
	want := []time.Duration{0, 3 * time.Second, 4*time.Second - 1, 14*time.Second - 1}
	if len(times) != len(want) {
		t.Fatalf("setWebhook at %v, want %v", times, want)
	}
	for i := range want {
		if times[i] != want[i] {
			t.Fatalf("setWebhook at %v, want %v", times, want)
		}
	}
}

func TestSetWebhookGivesUp(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{Clock: clock, WebhookAttempts: 3})
	srv.Inject(telegramtest.Fault{Method: "setWebhook", Status: 429, RetryAfter: 1, Times: 3})
	done := make(chan error, 1)
	go func() { done <- c.SetWebhook(context.Background(), "https://bot.example/telegram", "s") }()
	drive := make(chan struct{})
	go func() { clock.Drive(drive) }()
	err := <-done
	close(drive)
	if o := Classify(err); o.Kind != Retry || o.RetryAfter != time.Second {
		t.Fatalf("after 3 attempts: %v (%v)", err, o.Kind)
	}
	if n := len(srv.Requests("setWebhook")); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	// A refusal (bad URL) is not retried.
	err = c.SetWebhook(context.Background(), "http://plain.example", "s")
	if o := Classify(err); o.Kind != Permanent {
		t.Fatalf("http URL: %v", err)
	}
}

func TestGetMeAndDeleteWebhook(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	me, err := c.GetMe(ctx)
	if err != nil || me.Username != "switchboard_test_bot" || me.ID != 123456 {
		t.Fatalf("GetMe = %+v, %v", me, err)
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	wrong, _ := New(Options{Token: "1:wrong", APIURL: srv.URL})
	if _, err := wrong.GetMe(ctx); Classify(err).Kind != Retry || !strings.Contains(err.Error(), "nauthorized") {
		t.Fatalf("wrong token: %v", err)
	}
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without a token succeeded")
	}
	_ = http.StatusOK
}
