package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A webhook Telegram refuses to register degrades /readyz (the server keeps
// serving); once registered, ready. The token never reaches the logs.
func TestTelegramWebhookReadiness(t *testing.T) {
	fake := telegramtest.New(t)
	release := make(chan struct{})
	fake.Inject(telegramtest.Fault{Method: "setWebhook", Times: -1, Hold: release, Status: 500, Description: "Internal Server Error"})
	st := storetest.Default(t)
	engine := flows.NewEngine(nil)
	t.Cleanup(engine.Close)
	if err := live.New(st, engine, flows.RuntimeOptions{Models: testModels}, nil).Start(context.Background(), content.FS); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewHS256Verifier([]byte("readiness-test-secret-0123456789"), auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	cfg := &serveConfig{allowedOrigins: "*", maxMessageBytes: 4096, rate: 50, burst: 50,
		telegram: telegramConfig{token: fake.Token, mode: telegram.ModeWebhook, apiURL: fake.URL,
			webhookURL: "https://support.example.com/telegram/webhook", webhookSecret: "s3cret-value", username: "NorthwindHelpBot"}}
	a, err := newApp(appDeps{store: st, engine: engine, verifier: v, log: slog.New(slog.NewTextHandler(&logs, nil)), cfg: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.echo)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.telegram.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})

	if code, body := get(t, srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "telegram") {
		t.Fatalf("readyz before the webhook is registered: %d %q", code, body)
	}
	close(release) // setWebhook answers 500 now, at once
	// The client gives up after its attempts (5), the failure is logged and
	// registration starts over: a sixth call.
	if err := fake.Await(ctx, func() bool { return len(fake.Requests("setWebhook")) >= 6 }); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz while Telegram fails: %d", code)
	}
	if code, body := get(t, srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "telegram") {
		t.Fatalf("readyz while setWebhook fails: %d %q", code, body)
	}
	if strings.Contains(logs.String(), fake.Token) || !strings.Contains(logs.String(), "setWebhook") {
		t.Fatalf("logs leak the token, or say nothing of the failure:\n%s", logs.String())
	}
	// Updates are accepted meanwhile, and counted.
	id := fake.PushText(7, "hello")
	for range 2 {
		if status, err := fake.PostUpdate(ctx, srv.URL+telegram.WebhookPath, "s3cret-value", id); err != nil || status != 200 {
			t.Fatalf("webhook: %d %v", status, err)
		}
	}
	private := httptest.NewServer(a.metrics)
	defer private.Close()
	_, metrics := get(t, private.URL+"/metrics")
	for _, want := range []string{`switchboard_channel_events_total{channel="telegram",event="update_stored"} 1`,
		`switchboard_channel_events_total{channel="telegram",event="update_duplicate"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
