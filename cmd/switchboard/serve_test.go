package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthReadyAndMetrics(t *testing.T) {
	a := demoApp(t)
	srv := serveApp(t, a)
	private := httptest.NewServer(a.metrics)
	t.Cleanup(private.Close)
	if code, body := get(t, srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, body := get(t, srv.URL+"/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("readyz: %d %q", code, body)
	}
	// One turn through the API shows up in the metrics.
	tok := demoToken(t, srv.URL)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/messages", strings.NewReader(`{"client_id":"m1","text":"i want to speak to a human"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("send: %v %v", resp, err)
	}
	resp.Body.Close()
	// Metrics are not on the public listener (operator figures, traffic):
	// only on --metrics-listen.
	if code, _ := get(t, srv.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", code)
	}
	_, metrics := get(t, private.URL+"/metrics")
	for _, want := range []string{`switchboard_turns_total{outcome="ok"} 1`, `switchboard_intents_total{intent="human"} 1`,
		`switchboard_handoffs_total 1`, `switchboard_turn_seconds_count 1`, `switchboard_http_request_seconds_count{route="/api/v1/messages",status="200"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func demoToken(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Post(base+"/demo/token", "application/json", strings.NewReader(`{"locale":"en"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	_, rest, _ := strings.Cut(string(b), `"token":"`)
	tok, _, _ := strings.Cut(rest, `"`)
	if tok == "" {
		t.Fatalf("no token in %s", b)
	}
	return tok
}

// TestServeShutsDownGracefully runs the real serve loop and stops it the way
// SIGTERM does: it returns nil once requests are drained.
func TestServeShutsDownGracefully(t *testing.T) {
	a := demoApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln, 5*time.Second) }()
	url := "http://" + ln.Addr().String()
	if code, _ := get(t, url+"/healthz"); code != 200 {
		t.Fatalf("healthz before shutdown: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v, want nil after a graceful stop", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// A client trickling a body in when shutdown starts does not hold it up:
// its read is cut, and serve returns nil within its deadline.
func TestShutdownCutsSlowClients(t *testing.T) {
	a := demoApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln, 5*time.Second) }()
	slow, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := io.WriteString(slow, "POST /console/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"login\":"); err != nil {
		t.Fatal(err)
	}
	// Once a normal request on another connection is answered, the slow
	// one's headers have long been read and its handler waits for the body.
	if code, _ := get(t, "http://"+ln.Addr().String()+"/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve with a slow client at shutdown: %v, want nil", err)
	}
}

func TestTokenCommand(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	code, out, stderr := runCmd(t, "", "token", "--token-secret", secret, "--player", "42", "--name", "Анна", "--locale", "ru",
		"--attr", "vip_level=3", "--attr", "verified=true")
	if code != 0 {
		t.Fatalf("token: %d %s", code, stderr)
	}
	v, _ := auth.NewHS256Verifier([]byte(secret), auth.VerifierOptions{Audience: "switchboard"})
	p, err := v.Verify(strings.TrimSpace(out))
	if err != nil || p.ID != "42" || p.Name != "Анна" || p.Locale != chat.LocaleRU || p.Attributes["vip_level"] != "3" {
		t.Fatalf("minted token: %+v %v", p, err)
	}
	if code, _, _ := runCmd(t, "", "token", "--token-secret", "short", "--player", "1"); code != 2 {
		t.Errorf("short secret: exit %d, want 2", code)
	}
}

func TestEnvironmentConfiguresFlags(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	t.Setenv("SWITCHBOARD_TOKEN_SECRET", secret)
	if code, out, stderr := runCmd(t, "", "token", "--player", "7"); code != 0 || strings.Count(out, ".") != 2 {
		t.Fatalf("secret from the environment: %d %q %q", code, out, stderr)
	}
	// The command line wins over the environment.
	if code, _, _ := runCmd(t, "", "token", "--player", "7", "--token-secret", "short"); code != 2 {
		t.Errorf("flag over env: exit %d, want 2 (short secret)", code)
	}
	t.Setenv("SWITCHBOARD_RATE", "fast")
	code, _, stderr := runCmd(t, "", "serve", "--demo", "--data-dir", t.TempDir())
	if code != 2 || !strings.Contains(stderr, `SWITCHBOARD_RATE="fast"`) {
		t.Errorf("malformed env: exit %d %q, want a usage error naming the variable", code, stderr)
	}
}

// TestRunWorkersStopWaits: serve's background workers (desk loop, content
// watcher) have returned by the time stop does — before the store closes.
func TestRunWorkersStopWaits(t *testing.T) {
	started := make(chan struct{}, 2)
	finished := make(chan struct{}, 2)
	worker := func(ctx context.Context) {
		started <- struct{}{}
		<-ctx.Done()
		finished <- struct{}{}
	}
	stop := runWorkers(context.Background(), worker, worker)
	<-started
	<-started
	stop()
	for range 2 {
		select {
		case <-finished:
		default:
			t.Fatal("stop returned before a worker finished")
		}
	}
}

// With SWITCHBOARD_METRICS_TOKEN, the public listener serves /metrics to
// that bearer token only.
func TestMetricsBehindToken(t *testing.T) {
	a := demoAppWith(t, func(c *serveConfig) { c.metricsToken = "monitoring-token-0123456789" })
	srv := httptest.NewServer(a.echo)
	t.Cleanup(srv.Close)
	for _, auth := range []string{"", "Bearer wrong", "Basic bW9uaXRvcmluZw=="} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("/metrics with %q: %d, want 401", auth, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "bearer monitoring-token-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics with the token: %d", resp.StatusCode)
	}
}

// The served console carries the content editor's API: an editor reads the
// live version's files (it answered 503 before it was wired).
func TestEditorAPIServed(t *testing.T) {
	a := demoApp(t)
	srv := httptest.NewServer(a.echo)
	t.Cleanup(srv.Close)
	hash, err := auth.HashPassword("editor-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateStaff(context.Background(), handoff.Operator{Login: "eddie", Name: "Eddie",
		Role: handoff.RoleEditor, Status: handoff.Offline}, hash); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post(srv.URL+"/console/login", "application/json", strings.NewReader(`{"login":"eddie","password":"editor-password-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, err = client.Get(srv.URL + "/console/api/editor/files")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "settings.yaml") {
		t.Fatalf("editor files: %d %.200s", resp.StatusCode, body)
	}
}
