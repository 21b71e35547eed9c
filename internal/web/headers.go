package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// Content security policies of the pages served: scripts and styles only
// from files this server serves (no inline script or style; the widget's
// shadow root adopts a constructed style sheet), connections (fetch and
// WebSocket) to this server only. The console may not be framed; the demo
// page only by itself. /widget.js gets no policy: casino sites embed it.
const (
	pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
	ConsoleCSP = pageCSP + "; frame-ancestors 'none'"
	DemoCSP    = pageCSP + "; frame-ancestors 'self'"
)

// SecurityHeaders sets what every answer carries (nosniff, no referrer),
// no-store on API answers (player and console APIs, login, demo tokens),
// and the pages' content security policies.
func SecurityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		p := c.Request().URL.Path
		if isAPI(p) {
			h.Set("Cache-Control", "no-store")
		}
		switch {
		case p == "/console" || strings.HasPrefix(p, "/console/"):
			h.Set("Content-Security-Policy", ConsoleCSP)
			h.Set("X-Frame-Options", "DENY")
		case p == "/demo" || strings.HasPrefix(p, "/demo/"):
			h.Set("Content-Security-Policy", DemoCSP)
		}
		return next(c)
	}
}

// isAPI reports the paths that answer data, which no cache may keep.
func isAPI(p string) bool {
	switch p {
	case "/console/login", "/console/logout", "/demo/token":
		return true
	}
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/console/api/")
}
