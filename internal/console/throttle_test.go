package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
	"github.com/switchboard-support/switchboard/internal/web"
)

// loginEnv is a console on st with a settable clock and a captured log.
type loginEnv struct {
	t   *testing.T
	url string
	mu  sync.Mutex
	now time.Time
	log bytes.Buffer
}

func newLoginEnv(t *testing.T, st *store.Store) *loginEnv {
	t.Helper()
	e := &loginEnv{t: t, now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	hash, err := auth.HashPassword("right-password")
	if err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"anna", "boris"} {
		if _, err := st.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: login, Role: handoff.RoleOperator,
			Status: handoff.Offline, Capacity: 1}, hash); err != nil {
			t.Fatal(err)
		}
	}
	ec := echo.New()
	ec.HTTPErrorHandler = web.ErrorHandler(nil)
	log := slog.New(slog.NewTextHandler(lockedWriter{&e.mu, &e.log}, nil))
	console.New(console.Options{Store: st, Hub: hub.New(), Logger: log, Throttle: console.LoginThrottle{Now: e.clock}}).Register(ec)
	srv := httptest.NewServer(ec)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (e *loginEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *loginEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func (e *loginEnv) logged() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.log.String()
}

// login tries a login and returns the status and Retry-After.
func (e *loginEnv) login(login, password string) (int, string) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"login": login, "password": password})
	resp, err := http.Post(e.url+"/console/login", "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestLoginThrottled: 40 wrong passwords then the right one is refused
// (429 with Retry-After), not let in; the failures are logged without the
// password; after the block the right password works and clears the count.
func TestLoginThrottled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newLoginEnv(t, st)
		codes := map[int]int{}
		for range 40 {
			code, _ := e.login("anna", "guess-123")
			codes[code]++
		}
		if codes[401] != 3 || codes[429] != 37 {
			t.Fatalf("40 wrong passwords: %v, want 3 × 401 then 429", codes)
		}
		code, retry := e.login("Anna", "right-password")
		if code != 429 || retry != "1" {
			t.Fatalf("right password after 40 wrong ones: %d, Retry-After %q; want 429, 1", code, retry)
		}
		log := e.logged()
		if strings.Contains(log, "guess-123") || strings.Contains(log, "right-password") {
			t.Fatalf("a password reached the log:\n%s", log)
		}
		if strings.Count(log, "staff login failed") != 3 || !strings.Contains(log, "login=anna ip=127.0.0.1 reason=\"wrong password\"") ||
			!strings.Contains(log, "reason=throttled") {
			t.Fatalf("log:\n%s", log)
		}
		// Each further failure doubles the wait.
		e.advance(time.Second)
		if code, _ := e.login("anna", "guess-4"); code != 401 {
			t.Fatalf("after the wait: %d, want 401", code)
		}
		if code, retry := e.login("anna", "right-password"); code != 429 || retry != "2" {
			t.Fatalf("after the 4th failure: %d, Retry-After %q; want 429, 2", code, retry)
		}
		// The right password after the wait logs in and clears the count.
		e.advance(2 * time.Second)
		if code, _ := e.login("anna", "right-password"); code != 200 {
			t.Fatalf("right password after the wait: %d", code)
		}
		for range 2 {
			if code, _ := e.login("anna", "guess"); code != 401 {
				t.Fatalf("failure after a success: %d, want 401 (count cleared)", code)
			}
		}
		// Other logins from another address are not affected: boris's
		// counter is his own (the address is shared here, under its limit).
		if code, _ := e.login("boris", "right-password"); code != 200 {
			t.Fatalf("another login: %d", code)
		}
	})
}

// TestLoginLocks: ten failures within the window lock the login for 15
// minutes, whatever the password.
func TestLoginLocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newLoginEnv(t, st)
		for i := range 10 {
			if code, retry := e.login("anna", "guess"); code != 401 {
				t.Fatalf("failure %d: %d (Retry-After %s), want 401", i+1, code, retry)
			}
			e.advance(time.Minute) // waits out each backoff (at most 64 s)
			e.advance(10 * time.Second)
		}
		if code, retry := e.login("anna", "right-password"); code != 429 || retry != "830" {
			t.Fatalf("locked login: %d, Retry-After %q; want 429, 830", code, retry)
		}
		e.advance(830 * time.Second)
		if code, _ := e.login("anna", "right-password"); code != 200 {
			t.Fatalf("after the lock: %d", code)
		}
	})
}

// TestLoginFloodFromOneAddress: distinct logins from one address are
// throttled by the address's counter.
func TestLoginFloodFromOneAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newLoginEnv(t, st)
		codes := map[int]int{}
		for i := range 60 {
			code, _ := e.login("user"+strings.Repeat("x", i), "guess")
			codes[code]++
		}
		if codes[401] != 20 || codes[429] != 40 {
			t.Fatalf("60 logins from one address: %v, want 20 × 401 then 429", codes)
		}
		if code, retry := e.login("boris", "right-password"); code != 429 || retry == "" {
			t.Fatalf("a real login from the flooding address: %d %q, want 429", code, retry)
		}
	})
}
