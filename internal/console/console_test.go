package console_test

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
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
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

type env struct {
	t    *testing.T
	st   *store.Store
	svc  *conversation.Service
	desk *desk.Desk
	srv  *httptest.Server
	now  time.Time
	mu   sync.Mutex
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, storetest.Default(t))
}

// newEnvOn is newEnv on the given store (storetest.Each runs both databases).
func newEnvOn(t *testing.T, st *store.Store) *env {
	t.Helper()
	e := &env{t: t, st: st, now: time.Now().UTC()}
	h := hub.New()
	e.svc = conversation.New(e.st, engine, conversation.Options{Notifier: h})
	e.desk = desk.New(e.st, h, engine, desk.Options{AnswerTimeout: 3 * time.Minute, Now: e.clock})
	ec := echo.New()
	ec.HTTPErrorHandler = web.ErrorHandler(nil)
	console.New(console.Options{Store: e.st, Desk: e.desk, Hub: h}).Register(ec)
	e.srv = httptest.NewServer(ec)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func (e *env) staff(login string, role handoff.Role, skills ...string) handoff.Operator {
	e.t.Helper()
	hash, err := auth.HashPassword("password-" + login)
	if err != nil {
		e.t.Fatal(err)
	}
	op, err := e.st.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: strings.ToUpper(login[:1]) + login[1:],
		Role: role, Skills: skills, Capacity: 2, Status: handoff.Offline}, hash)
	if err != nil {
		e.t.Fatal(err)
	}
	return op
}

// client is a logged-in console browser.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) login(login string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{e: e, http: &http.Client{Jar: jar}}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if code := c.do("POST", "/console/login", map[string]string{"login": login, "password": "password-" + login}, &out); code != 200 {
		e.t.Fatalf("login %s: %d", login, code)
	}
	c.csrf = out.CSRF
	return c
}

func (c *client) do(method, path string, body any, out any) int {
	c.e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, r)
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, out); err != nil {
			c.e.t.Fatalf("%s %s: %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// handoff makes a player ask for a person and returns the ticket.
func (e *env) handoff(playerID, text string) handoff.Ticket {
	e.t.Helper()
	res, err := e.svc.Send(context.Background(), conversation.Inbound{Player: chat.Player{ID: playerID, Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "h-" + playerID, Text: text})
	if err != nil {
		e.t.Fatal(err)
	}
	t, err := e.st.OpenTicket(context.Background(), res.Conversation.ID)
	if err != nil {
		e.t.Fatalf("no ticket after %q: %v", text, err)
	}
	return t
}

func TestLoginSessionsAndCSRF(t *testing.T) {
	e := newEnv(t)
	e.staff("anna", handoff.RoleOperator, "payments")
	anon := &client{e: e, http: &http.Client{}}
	if code := anon.do("GET", "/console/api/me", nil, nil); code != 401 {
		t.Errorf("me without a session: %d, want 401", code)
	}
	if code := anon.do("POST", "/console/login", map[string]string{"login": "anna", "password": "wrong password!"}, nil); code != 401 {
		t.Errorf("wrong password: %d", code)
	}
	if code := anon.do("POST", "/console/login", map[string]string{"login": "nobody", "password": "whatever-long"}, nil); code != 401 {
		t.Errorf("unknown login: %d", code)
	}
	c := e.login("anna")
	if code := c.do("GET", "/console/api/me", nil, nil); code != 200 {
		t.Fatalf("me: %d", code)
	}
	good := c.csrf
	for _, token := range []string{"", "forged"} {
		c.csrf = token
		if code := c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil); code != 403 {
			t.Errorf("presence with csrf %q: %d, want 403", token, code)
		}
	}
	c.csrf = good
	if code := c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil); code != 200 {
		t.Errorf("presence with the csrf token: %d", code)
	}
	// A cross-site form posts text/plain: refused.
	req, _ := http.NewRequest("POST", e.srv.URL+"/console/login", strings.NewReader(`{"login":"anna","password":"password-anna"}`))
	req.Header.Set("Content-Type", "text/plain")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("text/plain login: %v %v, want 400", resp, err)
	}
	c.csrf = ""
	if code := c.do("POST", "/console/logout", nil, nil); code != 403 {
		t.Errorf("logout without csrf: %d, want 403", code)
	}
	c.csrf = good
	if code := c.do("POST", "/console/logout", nil, nil); code != 204 {
		t.Errorf("logout: %d", code)
	}
	if code := c.do("GET", "/console/api/me", nil, nil); code != 401 {
		t.Errorf("me after logout: %d, want 401", code)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t)
	e.staff("anna", handoff.RoleOperator, "payments")
	e.staff("sam", handoff.RoleSupervisor, "payments")
	e.staff("eddie", handoff.RoleEditor)
	op, sup, ed := e.login("anna"), e.login("sam"), e.login("eddie")
	canned := map[string]string{"title": "Hello", "text": "Hi {{player.name}}, I'm {{operator.name}}.", "locale": "en"}
	for _, c := range []*client{op, ed} {
		if code := c.do("GET", "/console/api/metrics", nil, nil); code != 403 {
			t.Errorf("metrics as non-supervisor: %d, want 403", code)
		}
		if code := c.do("POST", "/console/api/canned", canned, nil); code != 403 {
			t.Errorf("canned create as non-supervisor: %d, want 403", code)
		}
	}
	if code := sup.do("GET", "/console/api/metrics", nil, nil); code != 200 {
		t.Errorf("metrics as supervisor: %d", code)
	}
	var created struct{ ID int64 }
	if code := sup.do("POST", "/console/api/canned", canned, &created); code != 200 || created.ID == 0 {
		t.Fatalf("canned create as supervisor: %d", code)
	}
	var list struct {
		Canned []struct{ Title string } `json:"canned"`
	}
	if code := op.do("GET", "/console/api/canned", nil, &list); code != 200 || len(list.Canned) != 1 {
		t.Errorf("operators read canned responses: %d %+v", code, list)
	}
	// An editor handles no tickets and reads no player's conversation.
	ticket := e.handoff("p1", "i want to talk to a human")
	ed.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
	for _, call := range []struct{ method, path string }{
		{"POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID)},
		{"GET", fmt.Sprintf("/console/api/conversations/%d", ticket.ConversationID)},
		{"POST", fmt.Sprintf("/console/api/conversations/%d/notes", ticket.ConversationID)},
		{"GET", "/console/api/queue"},
	} {
		if code := ed.do(call.method, call.path, map[string]string{"text": "x"}, nil); code != 403 {
			t.Errorf("editor %s %s: %d, want 403", call.method, call.path, code)
		}
	}
}

func TestConcurrentClaimOverHTTP(t *testing.T) {
	e := newEnv(t)
	ticket := e.handoff("p1", "i want to talk to a human")
	var clients []*client
	for i := range 6 {
		login := fmt.Sprintf("op%d", i)
		e.staff(login, handoff.RoleOperator, "general")
		c := e.login(login)
		c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
		clients = append(clients, c)
	}
	codes := make([]int, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = c.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil)
		}()
	}
	wg.Wait()
	won := 0
	for _, code := range codes {
		switch code {
		case 200:
			won++
		case 409:
		default:
			t.Errorf("claim status %d", code)
		}
	}
	if won != 1 {
		t.Fatalf("claims won: %d (%v), want exactly 1", won, codes)
	}
}

func TestOperatorPathEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.staff("anna", handoff.RoleOperator, "general")
	c := e.login("anna")
	c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
	ticket := e.handoff("p1", "can i speak to a real person please")

	var queue struct {
		Tickets []struct {
			ID       int64
			Priority string
			Player   struct{ Name string }
		}
	}
	if c.do("GET", "/console/api/queue", nil, &queue); len(queue.Tickets) != 1 || queue.Tickets[0].ID != ticket.ID ||
		queue.Tickets[0].Priority != "high" || queue.Tickets[0].Player.Name != "Ivan" {
		t.Fatalf("queue: %+v", queue)
	}
	if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil); code != 200 {
		t.Fatalf("claim: %d", code)
	}
	// While the operator holds it, the bot says nothing.
	res, err := e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "m2", Text: "how do i deposit"})
	if err != nil || len(res.Replies) != 0 || res.Conversation.State != chat.StateWithOperator {
		t.Fatalf("player message while with operator: %+v %v", res, err)
	}
	conv := res.Conversation.ID
	if code := c.do("POST", fmt.Sprintf("/console/api/conversations/%d/messages", conv),
		map[string]string{"text": "Hello Ivan, Anna here.", "client_id": "r1"}, nil); code != 200 {
		t.Fatalf("reply: %d", code)
	}
	if code := c.do("POST", fmt.Sprintf("/console/api/conversations/%d/notes", conv),
		map[string]string{"text": "player seems upset"}, nil); code != 200 {
		t.Fatalf("note: %d", code)
	}
	history, err := e.svc.History(ctx, "p1", conv, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range history {
		texts = append(texts, string(m.Sender)+": "+m.Text)
	}
	joined := strings.Join(texts, "\n")
	if !strings.Contains(joined, "operator: Hello Ivan, Anna here.") || strings.Contains(joined, "upset") ||
		!strings.Contains(joined, "has joined") {
		t.Fatalf("player history:\n%s", joined)
	}
	var view struct {
		Messages []struct{ Sender, Text, Channel string }
		Player   struct{ Attributes map[string]string }
	}
	c.do("GET", fmt.Sprintf("/console/api/conversations/%d", conv), nil, &view)
	sawNote := false
	for _, m := range view.Messages {
		sawNote = sawNote || (m.Sender == "note" && m.Text == "player seems upset")
		// Each message says where it came from or went to.
		if m.Sender != "note" && m.Channel != string(chat.ChannelWebchat) {
			t.Errorf("message %s %q: channel %q, want webchat", m.Sender, m.Text, m.Channel)
		}
	}
	if !sawNote {
		t.Errorf("console view lacks the note: %+v", view.Messages)
	}
	got, _ := e.st.Ticket(ctx, ticket.ID)
	if got.FirstResponseAt.IsZero() {
		t.Errorf("first response not recorded: %+v", got)
	}
	// Resolve: the player is asked to rate, and the rating lands on the ticket.
	if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/resolve", ticket.ID), nil, nil); code != 200 {
		t.Fatalf("resolve: %d", code)
	}
	history, _ = e.svc.History(ctx, "p1", conv, store.Page{Before: 1 << 62, Limit: 1})
	if len(history) != 1 || len(history[0].Buttons) != 5 || history[0].Buttons[4].Payload != "csat:5" {
		t.Fatalf("csat prompt: %+v", history)
	}
	res, err = e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "rate", Text: "csat:4"})
	if err != nil || len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "Thank you for your rating") {
		t.Fatalf("rating: %+v %v", res, err)
	}
	if b := res.Replies[0].Buttons; len(b) != 2 || b[0].Payload != "csat:comment" || b[1].Payload != "csat:skip" {
		t.Fatalf("comment invitation buttons: %+v", b)
	}
	res, err = e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "rate-again", Text: "csat:5"})
	if err != nil || len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "already recorded") {
		t.Fatalf("second press: %+v %v", res, err)
	}
	res, err = e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "add-comment", Text: "csat:comment"})
	if err != nil || len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "comment") {
		t.Fatalf("comment prompt: %+v %v", res, err)
	}
	res, err = e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "comment", Text: "Anna was quick, thanks"})
	if err != nil || len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "comment") {
		t.Fatalf("comment: %+v %v", res, err)
	}
	got, _ = e.st.Ticket(ctx, ticket.ID)
	if got.CSAT != 4 || got.CSATComment != "Anna was quick, thanks" || got.Status != handoff.StatusResolved {
		t.Fatalf("rated ticket: %+v", got)
	}
	// The bot answers again.
	res, _ = e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "after", Text: "how do i reset my password"})
	if len(res.Replies) == 0 {
		t.Fatal("bot silent after the human resolved")
	}
}

func TestReturnToBotAndTransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.staff("anna", handoff.RoleOperator, "general", "verification")
	c := e.login("anna")
	c.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
	ticket := e.handoff("p1", "i want to talk to a human")
	c.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil)
	var moved struct{ Status, Skill string }
	if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/transfer", ticket.ID), map[string]string{"skill": "verification"}, &moved); code != 200 ||
		moved.Status != "queued" || moved.Skill != "verification" {
		t.Fatalf("transfer: %d %+v", code, moved)
	}
	if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/transfer", ticket.ID), map[string]string{"skill": "astrology"}, nil); code != 400 &&
		code != 403 {
		t.Errorf("transfer to an unknown skill: %d", code)
	}
	c.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil)
	if code := c.do("POST", fmt.Sprintf("/console/api/tickets/%d/return", ticket.ID), nil, nil); code != 200 {
		t.Fatalf("return: %d", code)
	}
	res, err := e.svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ivan", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "back", Text: "how do i withdraw"})
	if err != nil || len(res.Replies) == 0 || res.Conversation.State != chat.StateBot {
		t.Fatalf("after return to bot: %+v %v", res, err)
	}
}

func TestDeskLoop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ticket := e.handoff("p1", "i want to talk to a human")
	// Nobody online: the first answer gets late, and the player is told once.
	e.advance(4 * time.Minute)
	for range 2 {
		if err := e.desk.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	history, _ := e.svc.History(ctx, "p1", ticket.ConversationID, store.Page{})
	notices := 0
	for _, m := range history {
		if m.Sender == chat.SenderSystem && strings.Contains(m.Text, "wait") {
			notices++
		}
	}
	if notices != 1 {
		t.Fatalf("late notices: %d, want 1:\n%+v", notices, history)
	}
	// An operator comes online: the next tick assigns the ticket.
	op := e.staff("anna", handoff.RoleOperator, "general")
	if err := e.st.SetPresence(ctx, op.ID, handoff.Online, e.clock()); err != nil {
		t.Fatal(err)
	}
	if err := e.desk.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := e.st.Ticket(ctx, ticket.ID)
	if got.Status != handoff.StatusAssigned || got.OperatorID != op.ID {
		t.Fatalf("auto-assign: %+v", got)
	}
	// She does not answer within the timeout: the ticket goes back.
	e.advance(4 * time.Minute)
	if err := e.st.SetPresence(ctx, op.ID, handoff.Away, e.clock()); err != nil { // away: no new tickets
		t.Fatal(err)
	}
	if err := e.desk.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = e.st.Ticket(ctx, ticket.ID)
	if got.Status != handoff.StatusQueued || got.OperatorID != 0 {
		t.Fatalf("after the answer timeout: %+v, want queued again", got)
	}
}
