// Package webchat is the player-facing web-chat connector: a JSON API and
// one WebSocket of live events for authenticated players (PROTOCOL.md), the
// embeddable widget at /widget.js and, in demo mode, a demo page.
package webchat

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/hub"
)

// Options wire a Server.
type Options struct {
	Service  *conversation.Service
	Engine   *flows.Engine // for article texts
	Verifier *auth.Verifier
	Hub      *hub.Hub
	// DemoSigner, when set, serves /demo and mints demo-player tokens at
	// /demo/token. Never set it in production.
	DemoSigner *auth.Signer
	// MaxMessageBytes limits a message's text (default 4096).
	MaxMessageBytes int
	// RatePerSecond and Burst bound each player's messages (defaults 2/s, 10).
	RatePerSecond float64
	Burst         int
	// MaxSocketsPerPlayer (default 8) and MaxSockets (default 20,000) cap
	// open WebSockets: a player's newest replaces its oldest; at the server's
	// cap new ones are refused.
	MaxSocketsPerPlayer int
	MaxSockets          int
	// HistoryPerSecond and HistoryBurst bound each player's history reads
	// and socket (re)connects (defaults 5/s, 30).
	HistoryPerSecond float64
	HistoryBurst     int
	// AuthTimeout is how long a socket may take to send its auth frame
	// (default 10 s).
	AuthTimeout time.Duration
	// OnConnections, if set, learns the number of open WebSockets.
	OnConnections func(n int)
	Logger        *slog.Logger
}

// Server serves the web-chat API. Its handlers are methods named for what
// they do.
type Server struct {
	opts    Options
	limiter *limiter
	history *limiter // history reads and socket replays
	demoKey []byte   // signs demo players' cookies
	live    sockets
	log     *slog.Logger
	names   senderNames

	mu       sync.Mutex
	sockets  int
	shutdown chan struct{} // closed when the server stops: sockets say "reconnect"
	once     sync.Once
	open     sync.WaitGroup // open sockets
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = conversation.DefaultMaxMessageBytes
	}
	if opts.RatePerSecond <= 0 {
		opts.RatePerSecond = 2
	}
	if opts.Burst <= 0 {
		opts.Burst = 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.AuthTimeout <= 0 {
		opts.AuthTimeout = 10 * time.Second
	}
	if opts.MaxSocketsPerPlayer <= 0 {
		opts.MaxSocketsPerPlayer = defaultPerPlayer
	}
	if opts.MaxSockets <= 0 {
		opts.MaxSockets = defaultMaxSockets
	}
	if opts.HistoryPerSecond <= 0 {
		opts.HistoryPerSecond = 5
	}
	if opts.HistoryBurst <= 0 {
		opts.HistoryBurst = 30
	}
	return &Server{opts: opts, limiter: newLimiter(opts.RatePerSecond, opts.Burst), log: opts.Logger,
		history: newLimiter(opts.HistoryPerSecond, opts.HistoryBurst), demoKey: randomKey(),
		shutdown: make(chan struct{})}
}

// Register mounts the routes on e.
func (s *Server) Register(e *echo.Echo) {
	api := e.Group("/api/v1", s.authenticate)
	api.GET("/me", s.handleMe)
	api.POST("/conversation", s.handleConversationOpen)
	api.POST("/messages", s.handleMessageSend)
	api.GET("/conversations/:id/messages", s.handleMessageList)
	api.GET("/articles/:locale/:id", s.handleArticleGet)
	e.GET("/api/v1/ws", s.handleSocket)
	e.GET("/widget.js", s.handleWidget)
	if s.opts.DemoSigner != nil {
		e.GET("/demo", s.handleDemoPage)
		e.GET("/demo/demo.js", s.handleDemoScript)
		e.GET("/demo/demo.css", s.handleDemoStyles)
		e.POST("/demo/token", s.handleDemoToken)
	}
}

// Shutdown tells every open WebSocket to reconnect and closes it; in-flight
// HTTP requests are the HTTP server's to drain. Wait waits for the sockets.
func (s *Server) Shutdown() { s.once.Do(func() { close(s.shutdown) }) }

// Wait blocks until every socket handler has returned, or ctx ends. The
// HTTP server's Shutdown does not wait for hijacked connections.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.open.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// playerKey is where authenticate leaves the verified player.
const playerKey = "switchboard.player"

// authenticate demands a valid player token in the Authorization header.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return chat.Errorf(chat.EUNAUTHORIZED, "bearer token required")
		}
		p, err := s.opts.Verifier.Verify(token)
		if err != nil {
			return err
		}
		c.Set(playerKey, p)
		return next(c)
	}
}

func player(c echo.Context) chat.Player {
	p, _ := c.Get(playerKey).(chat.Player)
	return p
}

func (s *Server) countSockets(delta int) {
	s.mu.Lock()
	s.sockets += delta
	n := s.sockets
	s.mu.Unlock()
	if s.opts.OnConnections != nil {
		s.opts.OnConnections(n)
	}
}

// randomKey is a 32-byte key for this process.
func randomKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // never fails (crypto/rand)
	return k
}
