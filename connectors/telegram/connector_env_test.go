package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/web"
)

var engine *flows.Engine

func TestMain(m *testing.M) {
	rt, err := live.Build(context.Background(), content.FS, flows.RuntimeOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	engine = flows.NewEngine(rt)
	os.Exit(m.Run())
}

const (
	webhookSecret = "webhook-secret_0123456789"
	siteKey       = "site-api-key-0123456789abcdef"
)

var tokenSecret = []byte("telegram-test-secret-0123456789ab")

// tgEnv is a server with the Telegram connector against a fake Bot API.
type tgEnv struct {
	t      *testing.T
	ctx    context.Context
	fake   *telegramtest.Server
	st     *store.Store
	svc    *conversation.Service
	hub    *hub.Hub
	conn   *telegram.Connector
	srv    *httptest.Server
	signer *auth.Signer
}

type envOptions struct {
	mode  string
	pace  telegram.PaceOptions
	lease time.Duration
}

func newTGEnv(t *testing.T, st *store.Store, o envOptions) *tgEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	fake := telegramtest.New(t)
	client, err := telegram.New(telegram.Options{Token: fake.Token, APIURL: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewHS256Verifier(tokenSecret, auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New()
	svc := conversation.New(st, engine, conversation.Options{Notifier: h})
	if o.pace == (telegram.PaceOptions{}) {
		o.pace = telegram.PaceOptions{PerChat: time.Millisecond, Global: time.Millisecond}
	}
	if o.mode == "" {
		o.mode = telegram.ModeWebhook
	}
	conn, err := telegram.NewConnector(telegram.ConnectorOptions{Client: client, Store: st, Service: svc, Hub: h,
		Mode: o.mode, WebhookURL: "https://support.example.com" + telegram.WebhookPath, WebhookSecret: webhookSecret,
		BotUsername: "NorthwindHelpBot", Verifier: v, APIKey: siteKey, Pace: o.pace, Lease: o.lease,
		Backoff: telegram.Backoff{Base: 10 * time.Millisecond, Max: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = web.ErrorHandler(nil)
	conn.Register(e)
	srv := httptest.NewServer(e)
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		h.Shutdown()
		srv.Close()
	})
	return &tgEnv{t: t, ctx: ctx, fake: fake, st: st, svc: svc, hub: h, conn: conn, srv: srv,
		signer: auth.NewHS256Signer(tokenSecret, "switchboard")}
}

// post delivers update id to the webhook as Telegram does and wants 200.
func (e *tgEnv) post(id int64) {
	e.t.Helper()
	status, err := e.fake.PostUpdate(e.ctx, e.srv.URL+telegram.WebhookPath, webhookSecret, id)
	if err != nil || status != http.StatusOK {
		e.t.Fatalf("webhook update %d: %d %v", id, status, err)
	}
}

// say sends text from a private chat through the webhook.
func (e *tgEnv) say(chatID int64, text string) {
	e.t.Helper()
	e.post(e.fake.PushText(chatID, text))
}

// waitTexts waits until chatID has received n messages and returns their
// visible texts.
func (e *tgEnv) waitTexts(chatID int64, n int) []string {
	e.t.Helper()
	if err := e.fake.Await(e.ctx, func() bool { return len(e.fake.Messages(chatID)) >= n }); err != nil {
		e.t.Fatalf("chat %d got %d messages, want %d: %v\n%s", chatID, len(e.fake.Messages(chatID)), n, err, strings.Join(e.texts(chatID), "\n---\n"))
	}
	return e.texts(chatID)
}

func (e *tgEnv) texts(chatID int64) []string {
	var out []string
	for _, m := range e.fake.Messages(chatID) {
		v, err := telegramtest.Visible(m.Text)
		if err != nil {
			e.t.Fatalf("message %q is not valid Telegram HTML: %v", m.Text, err)
		}
		out = append(out, v)
	}
	return out
}

// linkURL asks the site endpoint for a player's link.
func (e *tgEnv) linkURL(playerID, locale string) string {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"player_id": playerID, "name": "Player " + playerID, "locale": locale})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/telegram/links", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+siteKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var l telegram.Link
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&l) != nil {
		e.t.Fatalf("link: status %d", resp.StatusCode)
	}
	return l.URL
}

// link links chatID to playerID the way a player does: the site's link,
// then /start with its code in Telegram.
func (e *tgEnv) link(playerID, locale string, chatID int64) {
	e.t.Helper()
	u := e.linkURL(playerID, locale)
	code := u[strings.Index(u, "?start=")+len("?start="):]
	before := len(e.fake.Messages(chatID))
	e.say(chatID, "/start "+code)
	if got := e.waitTexts(chatID, before+1); !strings.Contains(got[before], "linked") && !strings.Contains(got[before], "привязан") {
		e.t.Fatalf("linking answered %q", got[before])
	}
}

// waitFor waits until a message to chatID contains substr and returns the
// visible texts and that message's index.
func (e *tgEnv) waitFor(chatID int64, substr string) ([]string, int) {
	e.t.Helper()
	find := func() int {
		for i, s := range e.texts(chatID) {
			if strings.Contains(s, substr) {
				return i
			}
		}
		return -1
	}
	if err := e.fake.Await(e.ctx, func() bool { return find() >= 0 }); err != nil {
		e.t.Fatalf("chat %d never got %q: %v\n%s", chatID, substr, err, strings.Join(e.texts(chatID), "\n---\n"))
	}
	return e.texts(chatID), find()
}
