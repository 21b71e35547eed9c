package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/web"
)

func TestSecurityHeaders(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = web.ErrorHandler(nil)
	e.Use(web.SecurityHeaders)
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	for _, p := range []string{"/console", "/console/console.js", "/console/api/me", "/console/login", "/demo", "/demo/token",
		"/api/v1/me", "/widget.js", "/healthz"} {
		e.GET(p, ok)
	}
	e.GET("/api/v1/fails", func(echo.Context) error { return chat.Errorf(chat.EUNAUTHORIZED, "no") })
	tests := []struct {
		path, csp, cache, frame string
	}{
		{"/console", web.ConsoleCSP, "", "DENY"},
		{"/console/console.js", web.ConsoleCSP, "", "DENY"},
		{"/console/api/me", web.ConsoleCSP, "no-store", "DENY"},
		{"/console/login", web.ConsoleCSP, "no-store", "DENY"},
		{"/demo", web.DemoCSP, "", ""},
		{"/demo/token", web.DemoCSP, "no-store", ""},
		{"/api/v1/me", "", "no-store", ""},
		{"/api/v1/fails", "", "no-store", ""},
		{"/widget.js", "", "", ""}, // embedded on casino sites: no frame or script policy of ours
		{"/healthz", "", "", ""},
		{"/nowhere", "", "", ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		h := rec.Header()
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s (%d): nosniff %q, referrer %q", tt.path, rec.Code, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if h.Get("Content-Security-Policy") != tt.csp || h.Get("Cache-Control") != tt.cache || h.Get("X-Frame-Options") != tt.frame {
			t.Errorf("%s: CSP %q, Cache-Control %q, X-Frame-Options %q; want %q, %q, %q", tt.path,
				h.Get("Content-Security-Policy"), h.Get("Cache-Control"), h.Get("X-Frame-Options"), tt.csp, tt.cache, tt.frame)
		}
	}
}

// The pages' policies allow no inline script or style: every script and
// style sheet is a file this server serves.
func TestPoliciesAllowNothingInline(t *testing.T) {
	for _, csp := range []string{web.ConsoleCSP, web.DemoCSP} {
		for _, want := range []string{"script-src 'self';", "style-src 'self';", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("%q allows something unsafe", csp)
		}
	}
}
