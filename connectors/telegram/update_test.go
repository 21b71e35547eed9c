package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

func TestGetUpdatesOffsets(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	a := srv.PushText(100, "привет")
	b := srv.PushText(200, "/start code")
	got, err := c.GetUpdates(ctx, 0, 0)
	if err != nil || len(got) != 2 || got[0].ID != a || got[1].ID != b {
		t.Fatalf("GetUpdates = %+v, %v", got, err)
	}
	// Not confirmed: served again.
	if again, _ := c.GetUpdates(ctx, 0, 0); len(again) != 2 {
		t.Fatalf("unconfirmed updates served %d times more, want 2", len(again))
	}
	// Offset a+1 confirms a only.
	got, _ = c.GetUpdates(ctx, a+1, 0)
	if len(got) != 1 || got[0].ID != b || srv.Confirmed() != a {
		t.Fatalf("after offset %d: %+v, confirmed %d", a+1, got, srv.Confirmed())
	}
	// A duplicate of a confirmed update arrives anyway.
	srv.Redeliver(a)
	got, _ = c.GetUpdates(ctx, b+1, 0)
	if len(got) != 1 || got[0].ID != a {
		t.Fatalf("redelivered: %+v", got)
	}
	in, err := Decode(got[0])
	if err != nil || in.Kind != Text || in.Text != "привет" || in.ChatID != 100 || !in.Private {
		t.Fatalf("Decode = %+v, %v", in, err)
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	result := make(chan []Update, 1)
	go func() {
		u, err := c.GetUpdates(ctx, 1, 30*time.Second)
		if err != nil {
			t.Error(err)
		}
		result <- u
	}()
	// Push once the poll is waiting at the server.
	if err := srv.Await(ctx, func() bool { return len(srv.Requests("getUpdates")) == 1 }); err != nil {
		t.Fatal(err)
	}
	if srv.Requests("getUpdates")[0].Params["timeout"] != "30" {
		t.Fatalf("timeout param = %q", srv.Requests("getUpdates")[0].Params["timeout"])
	}
	id := srv.PushText(1, "hi")
	if u := <-result; len(u) != 1 || u[0].ID != id {
		t.Fatalf("long poll answered %+v", u)
	}
	// A cancelled poll returns.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := c.GetUpdates(cctx, id+1, 30*time.Second); done <- err }()
	if err := srv.Await(ctx, func() bool { return len(srv.Requests("getUpdates")) == 2 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled poll returned no error")
	}
}

func TestGetUpdatesErrors(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	ctx := testContext(t)
	if err := c.SetWebhook(ctx, "https://bot.example/hook", "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUpdates(ctx, 0, 0); Classify(err).Kind != Retry {
		t.Fatalf("getUpdates under a webhook: %v", err)
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Inject(telegramtest.Fault{Method: "getUpdates", Status: 429, RetryAfter: 4})
	if _, err := c.GetUpdates(ctx, 0, 0); Classify(err).RetryAfter != 4*time.Second {
		t.Fatalf("429: %v", err)
	}
	srv.Inject(telegramtest.Fault{Method: "getUpdates", Status: 502})
	if _, err := c.GetUpdates(ctx, 0, 0); Classify(err).Kind != Retry {
		t.Fatalf("502: %v", err)
	}
	if _, err := c.GetUpdates(ctx, 0, 0); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}

func TestDecode(t *testing.T) {
	srv := telegramtest.New(t)
	decode := func(id int64) Inbound {
		t.Helper()
		u, err := ParseUpdate(srv.Update(id))
		if err != nil {
			t.Fatal(err)
		}
		in, err := Decode(u)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	in := decode(srv.PushMessage(telegramtest.Msg{ChatID: 5, UserID: 6, Text: "hi", Username: "ann", LanguageCode: "ru"}))
	if in.Kind != Text || in.ChatID != 5 || in.UserID != 6 || in.Username != "ann" || in.LanguageCode != "ru" || !in.Private || in.MessageID == 0 || in.Date.IsZero() {
		t.Errorf("text: %+v", in)
	}
	if in := decode(srv.PushMessage(telegramtest.Msg{ChatID: -100, UserID: 6, ChatType: "supergroup", Text: "hi"})); in.Private || in.Kind != Text {
		t.Errorf("group: %+v", in)
	}
	if in := decode(srv.PushMessage(telegramtest.Msg{ChatID: 5, Photo: true})); in.Kind != NonText {
		t.Errorf("photo: %+v", in)
	}
	id, cb := srv.PushCallback(5, 17, "b:42:1")
	if in := decode(id); in.Kind != Callback || in.CallbackID != cb || in.Text != "b:42:1" || in.MessageID != 17 || in.ChatID != 5 || !in.Private {
		t.Errorf("callback: %+v", in)
	}
	if in := decode(srv.PushRaw(map[string]any{"edited_message": map[string]any{"message_id": 1}})); in.Kind != Other {
		t.Errorf("edit: %+v", in)
	}
}

func TestParseUpdate(t *testing.T) {
	for _, body := range []string{``, `{}`, `[]`, `{"update_id":0}`, `{"update_id":"7"}`, `not json`} {
		if _, err := ParseUpdate([]byte(body)); err == nil {
			t.Errorf("ParseUpdate(%q) accepted", body)
		}
	}
	u, err := ParseUpdate([]byte(`{"update_id":9,"message":{}}`))
	if err != nil || u.ID != 9 || string(u.Raw) != `{"update_id":9,"message":{}}` {
		t.Fatalf("ParseUpdate = %+v, %v", u, err)
	}
}

func TestSecretOK(t *testing.T) {
	tests := []struct {
		header, secret string
		want           bool
	}{
		{"s3cret", "s3cret", true},
		{"s3cret", "s3cre", false},
		{"", "s3cret", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := SecretOK(tt.header, tt.secret); got != tt.want {
			t.Errorf("SecretOK(%q, %q) = %v", tt.header, tt.secret, got)
		}
	}
}
