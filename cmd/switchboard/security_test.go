package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/web"
)

// TestSecurityHeadersOnTheApp: the real app's pages carry a CSP without
// inline script (and contain none), the console may not be framed, the
// widget stays embeddable, and API answers are not cached.
func TestSecurityHeadersOnTheApp(t *testing.T) {
	srv := demoServer(t)
	tok := demoToken(t, srv.URL)
	inlineScript := regexp.MustCompile(`<script(\s[^>]*)?>`)
	tests := []struct {
		path, auth string
		status     int
		csp, cache string
	}{
		{"/console", "", 200, web.ConsoleCSP, ""},
		{"/console/console.js", "", 200, web.ConsoleCSP, ""},
		{"/console/api/me", "", 401, web.ConsoleCSP, "no-store"},
		{"/demo", "", 200, web.DemoCSP, ""},
		{"/demo/demo.js", "", 200, web.DemoCSP, ""},
		{"/api/v1/me", "Bearer " + tok, 200, "", "no-store"},
		{"/api/v1/me", "", 401, "", "no-store"},
		{"/widget.js", "", 200, "", "public, max-age=300"},
		{"/healthz", "", 200, "", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		h := resp.Header
		if resp.StatusCode != tt.status || h.Get("Content-Security-Policy") != tt.csp || h.Get("Cache-Control") != tt.cache ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: %d, CSP %q, Cache-Control %q, nosniff %q, referrer %q", tt.path, resp.StatusCode,
				h.Get("Content-Security-Policy"), h.Get("Cache-Control"), h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			for _, tag := range inlineScript.FindAllString(body, -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s has an inline script (%s): the CSP would block it", tt.path, tag)
				}
			}
		}
	}
	if !strings.Contains(web.ConsoleCSP, "frame-ancestors 'none'") || !strings.Contains(web.ConsoleCSP, "script-src 'self';") {
		t.Errorf("console CSP %q", web.ConsoleCSP)
	}
}

// TestBearerSchemeIsCaseInsensitive: RFC 9110 auth schemes are
// case-insensitive; "bearer" was refused.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	srv := demoServer(t)
	tok := demoToken(t, srv.URL)
	for auth, want := range map[string]int{"Bearer " + tok: 200, "bearer " + tok: 200, "BEARER " + tok: 200,
		"Basic " + tok: 401, "Bearer" + tok: 401} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Authorization %.12q…: %d, want %d", auth, resp.StatusCode, want)
		}
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
