// Package console serves the operator console: staff login with sessions
// and CSRF protection, the queue and conversation API (API.md), a live
// WebSocket, and the embedded page.
package console

import (
	"embed"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Options wire a Server.
type Options struct {
	Store *store.Store
	Desk  *desk.Desk
	Hub   *hub.Hub
	// Editor serves the content editor's API; nil answers it with 503.
	Editor     *editor.Service
	SessionTTL time.Duration // default 12 h
	// SecureCookies marks the session cookie Secure (serve behind TLS).
	SecureCookies bool
	// Heartbeat is how often console sockets are pinged and answered pings
	// recorded as the operator's presence (default 10 s); keep it well
	// under the desk's grace period.
	Heartbeat time.Duration
	Logger    *slog.Logger
	// Throttle limits failed logins (throttle.go); zero fields take defaults.
	Throttle LoginThrottle
	// MaskContacts masks e-mail addresses and phone numbers in the player
	// messages staff see (redact.Contacts).
	MaskContacts bool
}

// Server serves /console.
type Server struct {
	opts     Options
	log      *slog.Logger
	throttle LoginThrottle
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = defaultHeartbeat
	}
	return &Server{opts: opts, log: opts.Logger, throttle: opts.Throttle.orDefaults()}
}

//go:embed assets/console.html assets/console.css assets/console.js assets/console-i18n.js assets/staff.css assets/staff.js
var assets embed.FS

// Register mounts the console routes on e.
func (s *Server) Register(e *echo.Echo) {
	e.GET("/console", asset(assets, "assets/console.html", "text/html; charset=utf-8"))
	e.GET("/console/console.js", asset(assets, "assets/console.js", "application/javascript; charset=utf-8"))
	e.GET("/console/console.css", asset(assets, "assets/console.css", "text/css; charset=utf-8"))
	e.GET("/console/staff.css", asset(assets, "assets/staff.css", "text/css; charset=utf-8")) // the console's and the editor's base
	e.GET("/console/staff.js", asset(assets, "assets/staff.js", "application/javascript; charset=utf-8"))
	e.GET("/console/console-i18n.js", asset(assets, "assets/console-i18n.js", "application/javascript; charset=utf-8"))
	e.POST("/console/login", s.handleLogin)
	e.POST("/console/logout", s.handleLogout, s.session, s.csrf)
	e.GET("/console/ws", s.handleSocket, s.session, s.can(handoff.ActionHandleTickets))
	s.registerEditorPage(e)

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
	desk.GET("/search", s.handleSearch)
	api.POST("/canned", s.handleCannedCreate, s.can(handoff.ActionManageCanned))
	api.PUT("/canned/:id", s.handleCannedUpdate, s.can(handoff.ActionManageCanned))
	api.DELETE("/canned/:id", s.handleCannedDelete, s.can(handoff.ActionManageCanned))
	api.GET("/metrics", s.handleMetrics, s.can(handoff.ActionViewMetrics))
	api.GET("/operators", s.handleOperators, s.can(handoff.ActionTransferToOperator))
	api.GET("/audit", s.handleAudit, s.can(handoff.ActionManageUsers)) // admins
	s.registerEditor(api)
}
