package webchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/connectors/webchat"
	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
	"github.com/switchboard-support/switchboard/internal/web"
)

var (
	secret = []byte("test-secret-test-secret-test-secret!")
	engine *flows.Engine
)

func TestMain(m *testing.M) {
	rt, err := live.Build(context.Background(), content.FS, flows.RuntimeOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	engine = flows.NewEngine(rt)
	os.Exit(m.Run())
}

type env struct {
	t      *testing.T
	srv    *httptest.Server
	st     *store.Store
	wc     *webchat.Server
	signer *auth.Signer
	hub    *hub.Hub
}

type envOptions struct {
	rate       float64
	burst      int
	max        int
	st         *store.Store
	perPlayer  int
	maxSockets int
	history    float64 // history reads per second
	auth       time.Duration
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	st := o.st
	if st == nil {
		st = storetest.Default(t)
	}
	v, err := auth.NewHS256Verifier(secret, auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New()
	svc := conversation.New(st, engine, conversation.Options{Notifier: h, MaxMessageBytes: o.max})
	signer := auth.NewHS256Signer(secret, "switchboard")
	wc := webchat.New(webchat.Options{Service: svc, Engine: engine, Verifier: v, Hub: h, DemoSigner: signer,
		MaxMessageBytes: o.max, RatePerSecond: o.rate, Burst: o.burst, MaxSocketsPerPlayer: o.perPlayer, MaxSockets: o.maxSockets,
		HistoryPerSecond: o.history, AuthTimeout: o.auth})
	e := echo.New()
	e.HTTPErrorHandler = web.ErrorHandler(nil)
	wc.Register(e)
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		wc.Shutdown()
		srv.Close()
	})
	return &env{t: t, srv: srv, st: st, wc: wc, signer: signer, hub: h}
}

func (e *env) token(id, locale string) string {
	e.t.Helper()
	tok, err := e.signer.Sign(chat.Player{ID: id, Name: "Player " + id, Locale: locale}, time.Hour, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// do sends a request and decodes the JSON response into out (if non-nil).
func (e *env) do(method, path, token string, body []byte, out any) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp
}

// raw sends a request and returns the response body as it came.
func (e *env) raw(method, path, token string) string {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return string(data)
}

type message struct {
	ID             int64  `json:"id"`
	ConversationID int64  `json:"conversation_id"`
	Sender         string `json:"sender"`
	SenderName     string `json:"sender_name"`
	Text           string `json:"text"`
	Buttons        []struct {
		Label   string `json:"label"`
		Payload string `json:"payload"`
	} `json:"buttons"`
	Articles []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"articles"`
	ClientID string `json:"client_id"`
}

type sendResponse struct {
	Message      message   `json:"message"`
	Replies      []message `json:"replies"`
	Duplicate    bool      `json:"duplicate"`
	Conversation struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	} `json:"conversation"`
}

type errorResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func sendBody(clientID, text string) []byte {
	b, _ := json.Marshal(map[string]string{"client_id": clientID, "text": text})
	return b
}

func (e *env) send(token, clientID, text string) sendResponse {
	e.t.Helper()
	var out sendResponse
	if resp := e.do("POST", "/api/v1/messages", token, sendBody(clientID, text), &out); resp.StatusCode != 200 {
		e.t.Fatalf("send %q: status %d", text, resp.StatusCode)
	}
	return out
}

func TestAuthMatrix(t *testing.T) {
	e := newEnv(t, envOptions{})
	now := time.Now()
	expired, _ := e.signer.Sign(chat.Player{ID: "p1"}, -time.Minute, now.Add(-time.Hour))
	wrongAud, _ := auth.NewHS256Signer(secret, "casino-backoffice").Sign(chat.Player{ID: "p1"}, time.Hour, now)
	forged, _ := auth.NewHS256Signer([]byte("not-the-secret-not-the-secret-xx"), "switchboard").Sign(chat.Player{ID: "p1"}, time.Hour, now)
	valid := e.token("p1", "en")
	tampered := valid[:len(valid)-4] + "AAAA"
	endpoints := []struct{ method, path string }{
		{"POST", "/api/v1/conversation"}, {"POST", "/api/v1/messages"},
		{"GET", "/api/v1/conversations/1/messages"}, {"GET", "/api/v1/articles/en/password-reset"},
	}
	tokens := []struct{ name, header string }{
		{"missing", ""}, {"not bearer", "Basic dXNlcjpwYXNz"}, {"garbage", "Bearer abc.def.ghi"},
		{"expired", "Bearer " + expired}, {"wrong audience", "Bearer " + wrongAud},
		{"forged", "Bearer " + forged}, {"tampered", "Bearer " + tampered},
	}
	for _, ep := range endpoints {
		for _, tk := range tokens {
			req, _ := http.NewRequest(ep.method, e.srv.URL+ep.path, bytes.NewReader(sendBody("c1", "hello")))
			if tk.header != "" {
				req.Header.Set("Authorization", tk.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body errorResponse
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != 401 || body.Error.Code != "unauthorized" || body.Error.Message == "" {
				t.Errorf("%s %s with %s token: %d %+v, want 401 unauthorized JSON", ep.method, ep.path, tk.name, resp.StatusCode, body)
			}
		}
	}
	if _, err := e.st.Player(context.Background(), "p1"); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("refused requests stored a player: %v", err)
	}
	if resp := e.do("POST", "/api/v1/conversation", valid, nil, nil); resp.StatusCode != 200 {
		t.Errorf("valid token: %d", resp.StatusCode)
	}
}

func TestSendAndIdempotentRetry(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token("p1", "en")
	first := e.send(tok, "c-1", "how do i reset my password")
	if first.Duplicate || first.Message.Text != "how do i reset my password" || first.Message.ClientID != "c-1" || len(first.Replies) < 2 {
		t.Fatalf("first send: %+v", first)
	}
	if first.Replies[0].Articles[0].ID != "password-reset" || len(first.Replies[1].Buttons) == 0 {
		t.Fatalf("bot answer: %+v", first.Replies)
	}
	again := e.send(tok, "c-1", "how do i reset my password")
	if !again.Duplicate || again.Message.ID != first.Message.ID || len(again.Replies) != len(first.Replies) || again.Replies[0].ID != first.Replies[0].ID {
		t.Fatalf("retry: %+v, want the original result", again)
	}
	var page struct {
		Messages []message `json:"messages"`
	}
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", first.Conversation.ID), tok, nil, &page)
	if len(page.Messages) != 1+len(first.Replies) {
		t.Fatalf("history has %d messages, want %d: the retry stored nothing", len(page.Messages), 1+len(first.Replies))
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, envOptions{max: 100, rate: 0.001, burst: 3})
	tok := e.token("p1", "ru")
	tests := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"too long", sendBody("a", strings.Repeat("ж", 51)), 413, "too_large"},
		{"invalid utf-8", []byte("{\"client_id\": \"b\", \"text\": \"\xff\xfe\"}"), 400, "invalid"},
		{"malformed json", []byte(`{"client_id": "c", "text": `), 400, "invalid"},
		{"unknown field", []byte(`{"client_id": "c", "text": "hi", "admin": true}`), 400, "invalid"},
		{"missing client id", sendBody("", "hi"), 400, "invalid"},
		{"blank text", sendBody("d", "   "), 400, "invalid"},
	}
	for i, tt := range tests {
		if i == 3 {
			// The bucket holds 3: the rest of the table runs on a fresh player.
			tok = e.token("p2", "ru")
		}
		var body errorResponse
		resp := e.do("POST", "/api/v1/messages", tok, tt.body, &body)
		if resp.StatusCode != tt.status || body.Error.Code != tt.code {
			t.Errorf("%s: %d %+v, want %d %s", tt.name, resp.StatusCode, body, tt.status, tt.code)
		}
	}
	if _, err := e.st.Player(context.Background(), "p1"); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("refused messages stored a player: %v", err)
	}
	// p2 has used its burst of 3: the next is rate limited with Retry-After.
	var body errorResponse
	resp := e.do("POST", "/api/v1/messages", tok, sendBody("e", "hi"), &body)
	if resp.StatusCode != 429 || body.Error.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the rate: %d %+v Retry-After=%q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	// Other players are not affected.
	e.send(e.token("p3", "ru"), "x", "привет")
}

func TestPagination(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token("p1", "en")
	var convID int64
	for i := range 4 {
		convID = e.send(tok, fmt.Sprint("c", i), "thank you").Conversation.ID // one reply each
	}
	type page struct {
		Messages []message `json:"messages"`
		HasMore  bool      `json:"has_more"`
	}
	var all page
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?limit=200", convID), tok, nil, &all)
	if len(all.Messages) != 8 || all.HasMore {
		t.Fatalf("all: %d messages more=%v, want 8", len(all.Messages), all.HasMore)
	}
	var older page
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?before=%d&limit=3", convID, all.Messages[7].ID), tok, nil, &older)
	if len(older.Messages) != 3 || !older.HasMore || older.Messages[0].ID != all.Messages[4].ID || older.Messages[2].ID != all.Messages[6].ID {
		t.Fatalf("before page: %+v", older)
	}
	var newer page
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?after=%d&limit=5", convID, all.Messages[1].ID), tok, nil, &newer)
	if len(newer.Messages) != 5 || !newer.HasMore || newer.Messages[0].ID != all.Messages[2].ID {
		t.Fatalf("after page: %+v", newer)
	}
	var last page
	e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?after=%d&limit=5", convID, all.Messages[4].ID), tok, nil, &last)
	if len(last.Messages) != 3 || last.HasMore {
		t.Fatalf("last page: %+v", last)
	}
	var opened struct {
		Messages []message `json:"messages"`
		HasMore  bool      `json:"has_more"`
	}
	e.do("POST", "/api/v1/conversation", tok, nil, &opened)
	if len(opened.Messages) != 8 || opened.HasMore {
		t.Fatalf("resume: %d messages more=%v", len(opened.Messages), opened.HasMore)
	}
	for _, bad := range []string{"limit=0", "limit=201", "before=x", "after=-1"} {
		if resp := e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages?%s", convID, bad), tok, nil, nil); resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestPlayersSeeOnlyTheirOwn(t *testing.T) {
	e := newEnv(t, envOptions{})
	a := e.send(e.token("alice", "en"), "1", "hello")
	bob := e.token("bob", "en")
	b := e.send(bob, "1", "hello") // the same client id is fine for another player
	if b.Duplicate || b.Conversation.ID == a.Conversation.ID {
		t.Fatalf("bob's message: %+v", b)
	}
	var body errorResponse
	resp := e.do("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", a.Conversation.ID), bob, nil, &body)
	if resp.StatusCode != 404 || body.Error.Code != "not_found" {
		t.Fatalf("bob reading alice: %d %+v, want 404", resp.StatusCode, body)
	}
	if resp := e.do("GET", "/api/v1/conversations/999999/messages", bob, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("missing conversation: %d", resp.StatusCode)
	}
}

func TestArticleAndAssets(t *testing.T) {
	e := newEnv(t, envOptions{})
	var a struct{ ID, Locale, Title, Text string }
	if resp := e.do("GET", "/api/v1/articles/ru/password-reset", e.token("p", "ru"), nil, &a); resp.StatusCode != 200 ||
		a.ID != "password-reset" || a.Locale != "ru" || a.Text == "" || strings.Contains(a.Text, "**") {
		t.Fatalf("article: %d %+v", resp.StatusCode, a)
	}
	if resp := e.do("GET", "/api/v1/articles/en/nope", e.token("p", "en"), nil, nil); resp.StatusCode != 404 {
		t.Fatalf("missing article: %d", resp.StatusCode)
	}
	resp, err := http.Get(e.srv.URL + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/javascript") || !bytes.Contains(js, []byte("Switchboard")) {
		t.Fatalf("widget.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	type demoToken struct {
		Token  string `json:"token"`
		Player struct{ ID, Locale string }
	}
	mint := func(c *http.Client, body string) demoToken {
		t.Helper()
		resp, err := c.Post(e.srv.URL+"/demo/token", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out demoToken
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	tok := mint(browser, `{"locale": "ru"}`)
	if tok.Token == "" || !strings.HasPrefix(tok.Player.ID, "demo-") || tok.Player.Locale != "ru" {
		t.Fatalf("demo token: %+v", tok)
	}
	// The same browser keeps its player across reloads (its cookie);
	// another one cannot ask for that player by id.
	if again := mint(browser, `{"locale": "ru"}`); again.Player.ID != tok.Player.ID {
		t.Fatalf("demo player changed across reloads: %s → %s", tok.Player.ID, again.Player.ID)
	}
	if other := mint(&http.Client{}, `{"player_id": "`+tok.Player.ID+`", "locale": "ru"}`); other.Player.ID == tok.Player.ID {
		t.Fatal("a token was minted for another browser's demo player")
	}
	if resp := e.do("POST", "/api/v1/conversation", tok.Token, nil, nil); resp.StatusCode != 200 {
		t.Fatalf("demo token refused: %d", resp.StatusCode)
	}
}
