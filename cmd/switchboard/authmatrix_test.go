package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Auth classes of the routes: who may call them.
const (
	amPublic   = "public"         // anyone, no credentials
	amPlayer   = "player"         // a player token (Authorization: Bearer <jwt>)
	amSocket   = "player-socket"  // a player token in the socket's first frame
	amSiteKey  = "site-key"       // the casino site's link API key
	amWebhook  = "webhook-secret" // Telegram's X-Telegram-Bot-Api-Secret-Token
	amMetrics  = "metrics-token"  // the monitoring bearer token
	amStaff    = "staff:"         // + an action, or "any": a console session of a role allowed it
	amNotFound = "404:"           // + a class: a group's catch-all, guarded like the group, then 404
)

// amRoute is one route's entry in the auth matrix.
type amRoute struct {
	class string
	// path is the concrete path, with {conv}, {ticket}, {canned}, {version},
	// {file}, {player} for real ids (empty: the route's path as is).
	path string
	body string
	// ok is the status with the right credentials (0: anything but 401/403:
	// the guard let it through; what the handler then says is not the
	// matrix's business).
	ok int
	// other: with another player's ids ({conv} of another player), 404.
	other bool
	// staffOther: the status for an operator on a conversation neither held
	// nor queued for them (one never handed off); 0: not checked.
	staffOther int
	// handler403: with the right credentials, a 403 whose message contains
	// this is the handler's own refusal (e.g. a ticket someone else holds),
	// not the guard's.
	handler403 string
	// ownSession: the call ends the session it uses (logout); it gets a
	// fresh one.
	ownSession bool
	// socket: the route upgrades to a WebSocket; the allowed case dials it.
	socket bool
}

// authMatrix is every route of the router, by "METHOD path" as echo lists
// it, with its guard. A route missing here, or an entry the router does not
// have, fails TestAuthMatrix: a new route cannot slip in unguarded.
var authMatrix = map[string]amRoute{
	// Pages, scripts, health and the demo (mounted in demo mode only).
	"GET /console":             {class: amPublic, ok: 200},
	"GET /console/console.js":  {class: amPublic, ok: 200},
	"GET /console/console.css": {class: amPublic, ok: 200},
	"GET /console/staff.css":   {class: amPublic, ok: 200},
	"GET /console/staff.js":    {class: amPublic, ok: 200},
	"GET /console/editor":      {class: amPublic, ok: 200},
	"GET /console/editor.js":   {class: amPublic, ok: 200},
	"GET /console/editor.css":  {class: amPublic, ok: 200},
	// The editor's panels.
	"GET /console/editor-tryit.js":      {class: amPublic, ok: 200},
	"GET /console/editor-tryit.css":     {class: amPublic, ok: 200},
	"GET /console/editor-inbox.js":      {class: amPublic, ok: 200},
	"GET /console/editor-inbox.css":     {class: amPublic, ok: 200},
	"GET /console/editor-analytics.js":  {class: amPublic, ok: 200},
	"GET /console/editor-analytics.css": {class: amPublic, ok: 200},
	"GET /console/editor-forms.js":      {class: amPublic, ok: 200},
	"GET /console/editor-forms.css":     {class: amPublic, ok: 200},
	"GET /console/console-i18n.js":      {class: amPublic, ok: 200},
	"POST /console/login":               {class: amPublic, ok: 200, body: `{"login":"am-lena","password":"` + amPassword + `"}`},
	"GET /widget.js":                    {class: amPublic, ok: 200},
	"GET /healthz":                      {class: amPublic, ok: 200},
	"GET /readyz":                       {class: amPublic, ok: 200},
	"GET /demo":                         {class: amPublic, ok: 200},
	"GET /demo/demo.js":                 {class: amPublic, ok: 200},
	"GET /demo/demo.css":                {class: amPublic, ok: 200},
	"POST /demo/token":                  {class: amPublic, ok: 200, body: `{"locale":"en"}`},

	// The player API (PROTOCOL.md).
	"GET /api/v1/me":                         {class: amPlayer, ok: 200},
	"POST /api/v1/conversation":              {class: amPlayer, ok: 200},
	"POST /api/v1/messages":                  {class: amPlayer, ok: 200, body: `{"client_id":"am-matrix","text":"hello"}`},
	"GET /api/v1/conversations/:id/messages": {class: amPlayer, ok: 200, path: "/api/v1/conversations/{conv}/messages", other: true},
	"GET /api/v1/articles/:locale/:id":       {class: amPlayer, ok: 200, path: "/api/v1/articles/en/deposit-methods"},
	"GET /api/v1/ws":                         {class: amSocket},
	"POST /api/v1/telegram/link":             {class: amPlayer, ok: 200},
	"GET /api/v1/telegram":                   {class: amPlayer, ok: 200},
	"DELETE /api/v1/telegram":                {class: amPlayer},
	"echo_route_not_found /api/v1":           {class: amNotFound + amPlayer, path: "/api/v1"},
	"echo_route_not_found /api/v1/*":         {class: amNotFound + amPlayer, path: "/api/v1/no-such-route"},
	"POST /api/v1/telegram/links":            {class: amSiteKey, ok: 200, body: `{"player_id":"am-site-player","name":"Site","locale":"en"}`},
	"DELETE /api/v1/telegram/links/:player":  {class: amSiteKey, path: "/api/v1/telegram/links/{player}"},
	"POST /telegram/webhook":                 {class: amWebhook, ok: 200},
	"GET /metrics":                           {class: amMetrics, ok: 200},

	// The console (API.md).
	"POST /console/logout":                         {class: amStaff + "any", ok: 204, ownSession: true},
	"GET /console/ws":                              {class: amStaff + string(handoff.ActionHandleTickets), socket: true},
	"GET /console/api/me":                          {class: amStaff + "any", ok: 200},
	"POST /console/api/presence":                   {class: amStaff + "any", body: `{"presence":"away"}`},
	"GET /console/api/queue":                       {class: amStaff + string(handoff.ActionHandleTickets), ok: 200},
	"GET /console/api/mine":                        {class: amStaff + string(handoff.ActionHandleTickets), ok: 200},
	"POST /console/api/tickets/next":               {class: amStaff + string(handoff.ActionHandleTickets)},
	"POST /console/api/tickets/:id/claim":          {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/tickets/{ticket}/claim"},
	"POST /console/api/tickets/:id/transfer":       {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/tickets/{ticket}/transfer", body: `{"skill":"general"}`},
	"POST /console/api/tickets/:id/return":         {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/tickets/{ticket}/return", handler403: "not assigned to you"},
	"POST /console/api/tickets/:id/resolve":        {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/tickets/{ticket}/resolve", handler403: "not assigned to you"},
	"GET /console/api/conversations/:id":           {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/conversations/{conv}", staffOther: 404},
	"POST /console/api/conversations/:id/messages": {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/conversations/{conv}/messages", body: `{"text":"hi","client_id":"am-reply"}`, staffOther: 409},
	"POST /console/api/conversations/:id/notes":    {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/conversations/{conv}/notes", body: `{"text":"note"}`, staffOther: 404},
	"POST /console/api/conversations/:id/typing":   {class: amStaff + string(handoff.ActionHandleTickets), path: "/console/api/conversations/{conv}/typing", staffOther: 404},
	"GET /console/api/canned":                      {class: amStaff + string(handoff.ActionHandleTickets), ok: 200},
	"GET /console/api/search":                      {class: amStaff + string(handoff.ActionHandleTickets), ok: 200, path: "/console/api/search?q=hello"},
	"POST /console/api/canned":                     {class: amStaff + string(handoff.ActionManageCanned), ok: 200, body: `{"title":"T","text":"x","locale":"en"}`},
	"PUT /console/api/canned/:id":                  {class: amStaff + string(handoff.ActionManageCanned), path: "/console/api/canned/{canned}", body: `{"title":"T2","text":"y","locale":"en"}`},
	"DELETE /console/api/canned/:id":               {class: amStaff + string(handoff.ActionManageCanned), path: "/console/api/canned/{canned}"},
	"GET /console/api/metrics":                     {class: amStaff + string(handoff.ActionViewMetrics), ok: 200},
	"GET /console/api/operators":                   {class: amStaff + string(handoff.ActionTransferToOperator), ok: 200},
	"GET /console/api/audit":                       {class: amStaff + string(handoff.ActionManageUsers), ok: 200},
	// The desk group (Group("", can(handle_tickets))) registers the API's
	// catch-alls last, so an unknown API path is 403 for editors, 404 for
	// the desk roles.
	"echo_route_not_found /console/api":   {class: amNotFound + amStaff + string(handoff.ActionHandleTickets), path: "/console/api"},
	"echo_route_not_found /console/api/*": {class: amNotFound + amStaff + string(handoff.ActionHandleTickets), path: "/console/api/no-such-route"},

	// The content editor.
	"GET /console/api/editor/files":                 {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"GET /console/api/editor/files/*":               {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/files/{file}"},
	"GET /console/api/editor/draft":                 {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"DELETE /console/api/editor/draft":              {class: amStaff + string(handoff.ActionEditContent)},
	"GET /console/api/editor/draft/files":           {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"GET /console/api/editor/draft/files/*":         {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/draft/files/{file}"},
	"PUT /console/api/editor/draft/files/*":         {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/draft/files/am-matrix.md", body: `{"content":"x"}`},
	"DELETE /console/api/editor/draft/files/*":      {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/draft/files/am-matrix.md"},
	"DELETE /console/api/editor/draft/changes/*":    {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/draft/changes/am-matrix.md"},
	"GET /console/api/editor/presence":              {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"POST /console/api/editor/draft/validate":       {class: amStaff + string(handoff.ActionEditContent)},
	"POST /console/api/editor/draft/test":           {class: amStaff + string(handoff.ActionEditContent)},
	"POST /console/api/editor/draft/publish":        {class: amStaff + string(handoff.ActionEditContent), body: `{"summary":"matrix"}`},
	"GET /console/api/editor/versions":              {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"GET /console/api/editor/versions/:n":           {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/versions/{version}"},
	"GET /console/api/editor/versions/:n/files/*":   {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/versions/{version}/files/{file}"},
	"POST /console/api/editor/versions/:n/rollback": {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/versions/{version}/rollback", body: `{"reason":"matrix"}`},
	"GET /console/api/editor/diff":                  {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/diff?from={version}&to=live"},
	// Try it, the inbox of misses, analytics: ids that do not exist are 404
	// once the guard lets the call in.
	"POST /console/api/editor/tryit":            {class: amStaff + string(handoff.ActionEditContent), body: `{"locale":"en"}`},
	"GET /console/api/editor/tryit/:id":         {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/tryit/am-none"},
	"DELETE /console/api/editor/tryit/:id":      {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/tryit/am-none"},
	"POST /console/api/editor/tryit/:id/turns":  {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/tryit/am-none/turns", body: `{"text":"hi"}`},
	"POST /console/api/editor/tryit/:id/record": {class: amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/tryit/am-none/record", body: `{}`},
	// An empty phrase: refused after the guard, before the draft's model is
	// trained (tens of seconds under -race, past the write deadline).
	"POST /console/api/editor/classify":          {class: amStaff + string(handoff.ActionEditContent), ok: 400, body: `{"text":"","locale":"en"}`},
	"GET /console/api/editor/inbox":              {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"POST /console/api/editor/inbox/apply":       {class: amStaff + string(handoff.ActionEditContent), body: `{"message_ids":[999999],"intent":"deposit"}`},
	"POST /console/api/editor/inbox/article":     {class: amStaff + string(handoff.ActionEditContent), body: `{"message_id":999999}`},
	"POST /console/api/editor/inbox/dismiss":     {class: amStaff + string(handoff.ActionEditContent), body: `{"message_ids":[999999]}`},
	"GET /console/api/editor/analytics":          {class: amStaff + string(handoff.ActionEditContent), ok: 200, path: "/console/api/editor/analytics?days=7"},
	"GET /console/api/editor/analytics/stale":    {class: amStaff + string(handoff.ActionEditContent), ok: 200},
	"echo_route_not_found /console/api/editor":   {class: amNotFound + amStaff + string(handoff.ActionEditContent), path: "/console/api/editor"},
	"echo_route_not_found /console/api/editor/*": {class: amNotFound + amStaff + string(handoff.ActionEditContent), path: "/console/api/editor/no-such-route"},
}

const (
	amPassword    = "matrix-password-1"
	amTokenSecret = "browser-test-secret-browser-test!" // demoAppWith's
	amWebhookKey  = "matrix-webhook-secret"
	amLinkKey     = "matrix-link-api-key-0123456789"
	amMetricsKey  = "matrix-metrics-token-0123456789"
)

// TestAuthMatrix builds the real app with every route mounted (demo,
// Telegram webhook and link endpoints, public /metrics) and checks each
// route of its table against every credential case its guard has.
func TestAuthMatrix(t *testing.T) {
	fake := telegramtest.New(t)
	a := demoAppWith(t, func(c *serveConfig) {
		c.demo = true
		c.metricsToken = amMetricsKey
		c.telegram = telegramConfig{token: telegramtest.DefaultToken, apiURL: fake.URL, mode: telegram.ModeWebhook,
			webhookURL: "https://x.example" + telegram.WebhookPath, webhookSecret: amWebhookKey, username: "MatrixBot",
			linkAPIKey: amLinkKey}
	})
	if a.telegram == nil {
		t.Fatal("Telegram connector not built")
	}
	srv := serveApp(t, a)

	// The table and the router agree, both ways.
	routes := map[string]bool{}
	for _, r := range a.echo.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	var keys []string
	for k := range routes {
		keys = append(keys, k)
		if _, ok := authMatrix[k]; !ok {
			t.Errorf("route %q has no entry in authMatrix: name its guard", k)
		}
	}
	for k := range authMatrix {
		if !routes[k] {
			t.Errorf("authMatrix names %q, which the router does not have", k)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	sort.Strings(keys)

	m := newMatrixEnv(t, a, srv, fake)
	checks := 0
	for _, key := range keys {
		r := authMatrix[key]
		method, _, _ := strings.Cut(key, " ")
		n := m.check(t, key, method, r)
		if n == 0 {
			t.Errorf("%s: no case checked", key)
		}
		checks += n
	}
	t.Logf("auth matrix: %d routes, %d checks (route × credential case)", len(keys), checks)
}

// matrixEnv holds the app under test and real ids and credentials on it.
type matrixEnv struct {
	a    *app
	srv  *httptest.Server
	fake *telegramtest.Server
	ctx  context.Context
	// Players: alice owns conv, bob owns bobConv (bot only, never handed off).
	alice, bob, forged, expired, wrongAud, tampered string
	conv, bobConv, ticket, canned                   int64
	version                                         int
	playerID                                        string
	// Staff sessions by role, a second operator session (its CSRF token is
	// the wrong one for the first), an expired session's cookie.
	sessions       map[handoff.Role]staffSession
	otherCSRF      string
	expiredSession string
	logins         map[handoff.Role]string
}

type staffSession struct{ cookie, csrf string }

var amRoles = []handoff.Role{handoff.RoleOperator, handoff.RoleSupervisor, handoff.RoleEditor, handoff.RoleAdmin}

func newMatrixEnv(t *testing.T, a *app, srv *httptest.Server, fake *telegramtest.Server) *matrixEnv {
	t.Helper()
	ctx := context.Background()
	m := &matrixEnv{a: a, srv: srv, fake: fake, ctx: ctx, sessions: map[handoff.Role]staffSession{},
		logins: map[handoff.Role]string{}}
	secret := []byte(amTokenSecret)
	now := time.Now()
	sign := func(s *auth.Signer, id string, ttl time.Duration, at time.Time) string {
		tok, err := s.Sign(chat.Player{ID: id, Name: "Player " + id, Locale: "en"}, ttl, at)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	good := auth.NewHS256Signer(secret, "switchboard")
	m.alice = sign(good, "am-alice", time.Hour, now)
	m.bob = sign(good, "am-bob", time.Hour, now)
	m.playerID = "am-alice"
	m.forged = sign(auth.NewHS256Signer([]byte("forged-secret-forged-secret-000!"), "switchboard"), "am-alice", time.Hour, now)
	m.expired = sign(good, "am-alice", 10*time.Minute, now.Add(-time.Hour))
	m.wrongAud = sign(auth.NewHS256Signer(secret, "another-service"), "am-alice", time.Hour, now)
	// Bob's claims under Alice's signature.
	ap, bp := strings.Split(m.alice, "."), strings.Split(m.bob, ".")
	m.tampered = ap[0] + "." + bp[1] + "." + ap[2]

	// Alice is handed off (a queued ticket); Bob only talks to the bot.
	var open struct {
		Conversation struct{ ID int64 } `json:"conversation"`
	}
	m.mustJSON(t, "POST", "/api/v1/conversation", "", map[string]string{"Authorization": "Bearer " + m.alice}, &open)
	m.conv = open.Conversation.ID
	m.mustJSON(t, "POST", "/api/v1/messages", `{"client_id":"am-h1","text":"I want to talk to a real person"}`,
		map[string]string{"Authorization": "Bearer " + m.alice}, nil)
	m.mustJSON(t, "POST", "/api/v1/conversation", "", map[string]string{"Authorization": "Bearer " + m.bob}, &open)
	m.bobConv = open.Conversation.ID
	m.mustJSON(t, "POST", "/api/v1/messages", `{"client_id":"am-b1","text":"how do i deposit"}`,
		map[string]string{"Authorization": "Bearer " + m.bob}, nil)
	tickets, err := a.store.Tickets(ctx, m.conv)
	if err != nil || len(tickets) == 0 {
		t.Fatalf("no ticket for the handed-off conversation %d: %v", m.conv, err)
	}
	m.ticket = tickets[0].ID
	if m.conv == 0 || m.bobConv == 0 || m.conv == m.bobConv {
		t.Fatalf("conversations %d and %d", m.conv, m.bobConv)
	}

	// A staff account per role (and one for the login route), each logged in.
	hash, err := auth.HashPassword(amPassword)
	if err != nil {
		t.Fatal(err)
	}
	var supID int64
	for _, role := range append(amRoles, "lena") {
		login := "am-" + string(role)
		r := role
		if role == "lena" {
			login, r = "am-lena", handoff.RoleOperator
		}
		op, err := a.store.CreateStaff(ctx, handoff.Operator{Login: login, Name: "Matrix " + string(role), Role: r,
			Skills: []string{tickets[0].Skill, "general"}, Capacity: 3, Status: handoff.Offline}, hash)
		if err != nil {
			t.Fatal(err)
		}
		if role == "lena" {
			continue
		}
		m.logins[role] = login
		m.sessions[role] = m.login(t, login)
		switch role {
		case handoff.RoleSupervisor:
			supID = op.ID
		case handoff.RoleOperator:
			// An expired session of a live account.
			tok, tokHash, err := auth.NewSessionToken()
			if err != nil {
				t.Fatal(err)
			}
			if err := a.store.CreateSession(ctx, store.Session{TokenHash: tokHash, StaffID: op.ID, CSRFToken: "am-expired-csrf",
				CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			m.expiredSession = tok
		}
	}
	m.otherCSRF = m.login(t, m.logins[handoff.RoleOperator]).csrf
	c, err := a.store.CreateCanned(ctx, store.CannedResponse{Title: "Matrix", Text: "Hello {{player.name}}", Locale: "en", CreatedBy: supID})
	if err != nil {
		t.Fatal(err)
	}
	m.canned = c.ID
	var versions struct {
		Live int `json:"live"`
	}
	ed := m.sessions[handoff.RoleEditor]
	m.mustJSON(t, "GET", "/console/api/editor/versions", "", map[string]string{"Cookie": "sb_session=" + ed.cookie}, &versions)
	m.version = versions.Live
	if m.version == 0 {
		t.Fatal("no live content version")
	}

	// /readyz waits for the webhook to be registered with the fake.
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _ := m.do(t, "GET", "/readyz", "", nil)
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz: %d after 30 s", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return m
}

// login starts a console session.
func (m *matrixEnv) login(t *testing.T, login string) staffSession {
	t.Helper()
	req, _ := http.NewRequest("POST", m.srv.URL+"/console/login",
		strings.NewReader(`{"login":"`+login+`","password":"`+amPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("login %s: %d", login, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "sb_session" {
			return staffSession{cookie: c.Value, csrf: out.CSRF}
		}
	}
	t.Fatalf("login %s: no session cookie", login)
	return staffSession{}
}

// do sends one request and returns its status and body.
func (m *matrixEnv) do(t *testing.T, method, path, body string, headers map[string]string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, m.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if method != "GET" && method != "DELETE" || body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, string(b)
}

func (m *matrixEnv) mustJSON(t *testing.T, method, path, body string, headers map[string]string, out any) {
	t.Helper()
	code, b := m.do(t, method, path, body, headers)
	if code != 200 {
		t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(b), out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// fill puts the real ids into a path; other names Bob's conversation
// instead of Alice's.
func (m *matrixEnv) fill(key string, r amRoute, other bool) string {
	p := r.path
	if p == "" {
		_, p, _ = strings.Cut(key, " ")
	}
	conv := m.conv
	if other {
		conv = m.bobConv
	}
	return strings.NewReplacer("{conv}", fmt.Sprint(conv), "{ticket}", fmt.Sprint(m.ticket), "{canned}", fmt.Sprint(m.canned),
		"{version}", fmt.Sprint(m.version), "{file}", "settings.yaml", "{player}", m.playerID).Replace(p)
}

// expect checks one case and counts it.
func (m *matrixEnv) expect(t *testing.T, n *int, key, name, method, path, body string, headers map[string]string, want int) {
	t.Helper()
	m.expectOr403(t, n, key, name, method, path, body, headers, want, "")
}

// expectOr403 is expect where, with the right credentials, a 403 naming
// handler403 is the handler's refusal after the guard let the call in.
func (m *matrixEnv) expectOr403(t *testing.T, n *int, key, name, method, path, body string, headers map[string]string, want int, handler403 string) {
	t.Helper()
	*n++
	code, b := m.do(t, method, path, body, headers)
	switch {
	case want == 0 && code == 403 && handler403 != "" && strings.Contains(b, handler403):
	case want == 0 && (code == 401 || code == 403):
		t.Errorf("%s [%s]: %d with the right credentials (the guard refused): %.200s", key, name, code, b)
	case want != 0 && code != want:
		t.Errorf("%s [%s]: %d, want %d: %.200s", key, name, code, want, b)
	}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// check runs every case of r's class and returns how many.
func (m *matrixEnv) check(t *testing.T, key, method string, r amRoute) int {
	t.Helper()
	n := 0
	class := r.class
	notFound := strings.HasPrefix(class, amNotFound)
	if notFound {
		class = strings.TrimPrefix(class, amNotFound)
		method = "GET"
		r.ok = 404
	}
	path := m.fill(key, r, false)
	staffCookie := map[string]string{"Cookie": "sb_session=" + m.sessions[handoff.RoleAdmin].cookie,
		"X-CSRF-Token": m.sessions[handoff.RoleAdmin].csrf}
	switch {
	case class == amPublic:
		m.expect(t, &n, key, "no credentials", method, path, r.body, nil, r.ok)

	case class == amPlayer:
		for _, c := range []struct{ name, tok string }{{"forged", m.forged}, {"expired", m.expired},
			{"wrong audience", m.wrongAud}, {"tampered claims", m.tampered}, {"site key as token", amLinkKey}} {
			m.expect(t, &n, key, c.name, method, path, r.body, bearer(c.tok), 401)
		}
		m.expect(t, &n, key, "no credentials", method, path, r.body, nil, 401)
		m.expect(t, &n, key, "staff session", method, path, r.body, staffCookie, 401)
		if r.other {
			m.expect(t, &n, key, "another player's ids", method, m.fill(key, r, true), r.body, bearer(m.alice), 404)
		}
		m.expect(t, &n, key, "player", method, path, r.body, bearer(m.alice), r.ok)

	case class == amSocket:
		for _, c := range []struct{ name, frame string }{
			{"no auth frame", `{"type":"ping"}`},
			{"forged", `{"type":"auth","token":"` + m.forged + `","after":0}`},
			{"expired", `{"type":"auth","token":"` + m.expired + `","after":0}`},
			{"wrong audience", `{"type":"auth","token":"` + m.wrongAud + `","after":0}`},
			{"tampered claims", `{"type":"auth","token":"` + m.tampered + `","after":0}`},
		} {
			n++
			if got := m.playerSocket(t, c.frame); got != "close 4401" {
				t.Errorf("%s [%s]: %s, want close 4401", key, c.name, got)
			}
		}
		n++
		if got := m.playerSocket(t, `{"type":"auth","token":"`+m.alice+`","after":0}`); got != "ready" {
			t.Errorf("%s [player]: %s, want ready", key, got)
		}

	case class == amSiteKey:
		m.expect(t, &n, key, "no credentials", method, path, r.body, nil, 401)
		m.expect(t, &n, key, "wrong key", method, path, r.body, bearer("wrong-"+amLinkKey), 401)
		m.expect(t, &n, key, "player token", method, path, r.body, bearer(m.alice), 401)
		m.expect(t, &n, key, "metrics token", method, path, r.body, bearer(amMetricsKey), 401)
		m.expect(t, &n, key, "site key", method, path, r.body, bearer(amLinkKey), r.ok)

	case class == amWebhook:
		for _, c := range []struct {
			name, secret string
			want         int
		}{{"no secret", "", 401}, {"wrong secret", "wrong-" + amWebhookKey, 401}, {"link API key", amLinkKey, 401},
			{"webhook secret", amWebhookKey, r.ok}} {
			n++
			id := m.fake.PushText(990001, "hello")
			code, err := m.fake.PostUpdate(m.ctx, m.srv.URL+path, c.secret, id)
			if err != nil || code != c.want {
				t.Errorf("%s [%s]: %d %v, want %d", key, c.name, code, err, c.want)
			}
		}

	case class == amMetrics:
		m.expect(t, &n, key, "no credentials", method, path, r.body, nil, 401)
		m.expect(t, &n, key, "wrong token", method, path, r.body, bearer("wrong-"+amMetricsKey), 401)
		m.expect(t, &n, key, "player token", method, path, r.body, bearer(m.alice), 401)
		m.expect(t, &n, key, "site key", method, path, r.body, bearer(amLinkKey), 401)
		m.expect(t, &n, key, "metrics token", method, path, r.body, bearer(amMetricsKey), r.ok)

	case strings.HasPrefix(class, amStaff):
		action := handoff.Action(strings.TrimPrefix(class, amStaff))
		allowed := func(role handoff.Role) bool { return action == "any" || role.Can(action) }
		stateChange := method != "GET"
		sess := func(s staffSession, csrf bool) map[string]string {
			h := map[string]string{"Cookie": "sb_session=" + s.cookie}
			if csrf {
				h["X-CSRF-Token"] = s.csrf
			}
			return h
		}
		m.expect(t, &n, key, "no credentials", method, path, r.body, nil, 401)
		m.expect(t, &n, key, "forged session", method, path, r.body,
			map[string]string{"Cookie": "sb_session=forged-" + m.sessions[handoff.RoleAdmin].cookie[7:], "X-CSRF-Token": "x"}, 401)
		m.expect(t, &n, key, "expired session", method, path, r.body,
			map[string]string{"Cookie": "sb_session=" + m.expiredSession, "X-CSRF-Token": "am-expired-csrf"}, 401)
		m.expect(t, &n, key, "player token", method, path, r.body, bearer(m.alice), 401)
		for _, role := range amRoles {
			if !allowed(role) {
				m.expect(t, &n, key, "lower role "+string(role), method, path, r.body, sess(m.sessions[role], true), 403)
			}
		}
		// Pick an allowed role for the CSRF cases.
		var first handoff.Role
		for _, role := range amRoles {
			if allowed(role) {
				first = role
				break
			}
		}
		if stateChange {
			m.expect(t, &n, key, "no CSRF header ("+string(first)+")", method, path, r.body, sess(m.sessions[first], false), 403)
			wrong := sess(m.sessions[first], false)
			wrong["X-CSRF-Token"] = m.otherCSRF
			if first == handoff.RoleOperator {
				wrong["X-CSRF-Token"] = m.sessions[handoff.RoleAdmin].csrf
			}
			m.expect(t, &n, key, "another session's CSRF ("+string(first)+")", method, path, r.body, wrong, 403)
		}
		if r.staffOther != 0 {
			m.expect(t, &n, key, "operator on a conversation not theirs", method, m.fill(key, r, true), r.body,
				sess(m.sessions[handoff.RoleOperator], true), r.staffOther)
		}
		for _, role := range amRoles {
			if !allowed(role) {
				continue
			}
			s := m.sessions[role]
			if r.ownSession {
				s = m.login(t, m.logins[role])
			}
			if r.socket {
				n++
				if got := m.consoleSocket(t, path, s, m.srv.URL); got != "open" {
					t.Errorf("%s [%s]: %s, want open", key, role, got)
				}
				// The cookie is ambient: another site's page may not use it.
				n++
				if got := m.consoleSocket(t, path, s, "https://evil.example"); got == "open" {
					t.Errorf("%s [%s, foreign Origin]: open, want refused", key, role)
				}
				continue
			}
			m.expectOr403(t, &n, key, string(role), method, path, r.body, sess(s, true), r.ok, r.handler403)
		}

	default:
		t.Errorf("%s: unknown auth class %q", key, r.class)
	}
	return n
}

// playerSocket opens the player WebSocket, sends frame and says what
// came back: "ready", "close <code>" or the problem.
func (m *matrixEnv) playerSocket(t *testing.T, frame string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(m.ctx, 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(m.srv.URL, "http")+"/api/v1/ws", nil)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		return "write: " + err.Error()
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != -1 {
				return fmt.Sprintf("close %d", code)
			}
			return "read: " + err.Error()
		}
		var f struct{ Type string }
		_ = json.Unmarshal(b, &f)
		switch f.Type {
		case "ready":
			_ = c.Close(websocket.StatusNormalClosure, "")
			return "ready"
		case "pong":
			continue
		default:
			return "frame " + string(b)
		}
	}
}

// consoleSocket opens the console WebSocket with a session from a page of
// origin: "open" or the problem.
func (m *matrixEnv) consoleSocket(t *testing.T, path string, s staffSession, origin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(m.ctx, 20*time.Second)
	defer cancel()
	h := http.Header{}
	h.Set("Cookie", "sb_session="+s.cookie)
	h.Set("Origin", origin)
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(m.srv.URL, "http")+path, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		return fmt.Sprintf("dial: %d %v", code, err)
	}
	_ = c.Close(websocket.StatusNormalClosure, "")
	return "open"
}
