// Package console serves the operator console: staff login with sessions
// and CSRF protection, the queue and conversation API (API.md), a live
// WebSocket, and the embedded page.
package console

import (
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Options wire a Server.
type Options struct {
	Store      *store.Store
	Desk       *desk.Desk
	Hub        *hub.Hub
	SessionTTL time.Duration // default 12 h
	// SecureCookies marks the session cookie Secure (serve behind TLS).
	SecureCookies bool
	Logger        *slog.Logger
}

// Server serves /console.
type Server struct {
	opts Options
	log  *slog.Logger
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{opts: opts, log: opts.Logger}
}

//go:embed assets/console.html assets/console.js
var assets embed.FS

// Register mounts the console routes on e.
func (s *Server) Register(e *echo.Echo) {
	e.GET("/console", s.handlePage)
	e.GET("/console/console.js", s.handleScript)
	e.POST("/console/login", s.handleLogin)
	e.POST("/console/logout", s.handleLogout, s.session, s.csrf)
	e.GET("/console/ws", s.handleSocket, s.session, s.can(handoff.ActionHandleTickets))

	api := e.Group("/console/api", s.session, s.csrf)
	api.GET("/me", s.handleMe)
	api.POST("/presence", s.handlePresence)
	// Players' conversations are for the roles that handle them (not editors).
	desk := api.Group("", s.can(handoff.ActionHandleTickets))
	desk.GET("/queue", s.handleQueue)
	desk.GET("/mine", s.handleMine)
	desk.POST("/tickets/next", s.handleTicketNext)
	desk.POST("/tickets/:id/claim", s.handleTicketClaim)
	desk.POST("/tickets/:id/transfer", s.handleTicketTransfer)
	desk.POST("/tickets/:id/return", s.handleTicketReturn)
	desk.POST("/tickets/:id/resolve", s.handleTicketResolve)
	desk.GET("/conversations/:id", s.handleConversationGet)
	desk.POST("/conversations/:id/messages", s.handleReply)
	desk.POST("/conversations/:id/notes", s.handleNote)
	desk.POST("/conversations/:id/typing", s.handleTyping)
	desk.GET("/canned", s.handleCannedList)
	api.POST("/canned", s.handleCannedCreate, s.can(handoff.ActionManageCanned))
	api.PUT("/canned/:id", s.handleCannedUpdate, s.can(handoff.ActionManageCanned))
	api.DELETE("/canned/:id", s.handleCannedDelete, s.can(handoff.ActionManageCanned))
	api.GET("/metrics", s.handleMetrics, s.can(handoff.ActionViewMetrics))
}

func (s *Server) handlePage(c echo.Context) error {
	b, err := assets.ReadFile("assets/console.html")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'")
	c.Response().Header().Set("X-Frame-Options", "DENY")
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", b)
}

func (s *Server) handleScript(c echo.Context) error {
	b, err := assets.ReadFile("assets/console.js")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/javascript; charset=utf-8", b)
}
