package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchboard-support/switchboard/connectors/webchat"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/metrics"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/web"
)

// serveConfig is serve's own configuration on top of config.
type serveConfig struct {
	config
	listen          string
	tokenSecret     string
	tokenPublicKey  string
	tokenAudience   string
	demo            bool
	allowedOrigins  string
	maxMessageBytes int
	rate            float64
	burst           int
	pprofAddr       string
	secureCookies   bool
	answerTimeout   time.Duration
	deskInterval    time.Duration
	reloadInterval  time.Duration
	shutdownTimeout time.Duration
}

func (c *serveConfig) register(fs *flag.FlagSet) {
	c.config.register(fs)
	stringFlag(fs, &c.listen, "listen", "127.0.0.1:8080", "address to listen on")
	stringFlag(fs, &c.tokenSecret, "token-secret", "", "HS256 secret shared with the casino site (32+ bytes)")
	stringFlag(fs, &c.tokenPublicKey, "token-public-key", "", "PEM file of the site's Ed25519 public key (instead of a secret)")
	stringFlag(fs, &c.tokenAudience, "token-audience", "switchboard", "required aud claim of player tokens")
	boolFlag(fs, &c.demo, "demo", false, "serve /demo, which mints demo-player tokens (never in production)")
	stringFlag(fs, &c.allowedOrigins, "allowed-origins", "*", "comma-separated origins allowed to call the player API (CORS)")
	intFlag(fs, &c.maxMessageBytes, "max-message-bytes", conversation.DefaultMaxMessageBytes, "largest message text accepted")
	floatFlag(fs, &c.rate, "rate", 2, "messages per second a player may send (sustained)")
	intFlag(fs, &c.burst, "burst", 10, "messages a player may send in a burst")
	boolFlag(fs, &c.secureCookies, "secure-cookies", false, "mark the console's session cookie Secure (serve behind TLS)")
	durationFlag(fs, &c.answerTimeout, "answer-timeout", 3*time.Minute, "an operator who does not answer a claimed ticket this long loses it to the queue")
	durationFlag(fs, &c.deskInterval, "desk-interval", 5*time.Second, "how often queued tickets are assigned and SLA breaches checked")
	stringFlag(fs, &c.pprofAddr, "pprof", "", "serve Go profiling on this address (e.g. 127.0.0.1:6060); off when empty")
	durationFlag(fs, &c.reloadInterval, "reload-interval", 5*time.Second, "how often to check for content published by another instance")
	durationFlag(fs, &c.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let requests in flight finish")
}

func intFlag(fs *flag.FlagSet, p *int, name string, def int, help string) {
	fs.IntVar(p, name, def, help+" (env "+envName(name)+")")
}

func floatFlag(fs *flag.FlagSet, p *float64, name string, def float64, help string) {
	fs.Float64Var(p, name, def, help+" (env "+envName(name)+")")
}

func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, def time.Duration, help string) {
	fs.DurationVar(p, name, def, help+" (env "+envName(name)+")")
}

// verifierAndSigner builds token verification from the configuration. In
// demo mode without a configured secret, a random one is made: demo tokens
// then live as long as the process.
func (c *serveConfig) verifierAndSigner(log *slog.Logger) (*auth.Verifier, *auth.Signer, error) {
	opts := auth.VerifierOptions{Audience: c.tokenAudience}
	switch {
	case c.tokenPublicKey != "":
		if c.demo {
			return nil, nil, fmt.Errorf("%w: --demo needs an HS256 secret, not --token-public-key", errUsage)
		}
		pem, err := os.ReadFile(c.tokenPublicKey)
		if err != nil {
			return nil, nil, err
		}
		pub, err := auth.ParseEd25519PublicKey(pem)
		if err != nil {
			return nil, nil, err
		}
		v, err := auth.NewEdDSAVerifier(pub, opts)
		return v, nil, err
	case c.tokenSecret != "":
		v, err := auth.NewHS256Verifier([]byte(c.tokenSecret), opts)
		if err != nil {
			return nil, nil, err
		}
		if c.demo {
			return v, auth.NewHS256Signer([]byte(c.tokenSecret), c.tokenAudience), nil
		}
		return v, nil, nil
	case c.demo:
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, nil, err
		}
		log.Warn("demo mode with a random token secret: only /demo tokens are accepted")
		v, err := auth.NewHS256Verifier(secret, opts)
		return v, auth.NewHS256Signer(secret, c.tokenAudience), err
	}
	return nil, nil, fmt.Errorf("%w: set --token-secret or --token-public-key (or run with --demo)", errUsage)
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c serveConfig
	c.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	verifier, demoSigner, err := c.verifierAndSigner(log)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	seed, err := c.seed()
	if err != nil {
		return err
	}
	engine := flows.NewEngine(nil)
	defer engine.Close()
	content := live.New(st, engine, runtimeOptions(&c.config), log)
	if err := content.Start(ctx, seed); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	app := newApp(appDeps{store: st, engine: engine, verifier: verifier, demoSigner: demoSigner, log: log, cfg: &c})
	if c.pprofAddr != "" {
		go servePprof(c.pprofAddr, log)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go content.Watch(watchCtx, c.reloadInterval)
	go app.desk.Run(watchCtx)

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Switchboard is serving on %s (database: %s)\n", base, st.Dialect())
	fmt.Fprintf(stdout, "  console: %s/console   (staff accounts: switchboard users add)\n", base)
	fmt.Fprintf(stdout, "  widget:  %s/widget.js\n  health:  %s/healthz  %s/readyz\n  metrics: %s/metrics\n", base, base, base, base)
	if c.demo {
		fmt.Fprintf(stdout, "  demo:    %s/demo   ← open this to chat as a demo player\n", base)
	}
	return app.serve(ctx, ln, c.shutdownTimeout)
}

type appDeps struct {
	store      *store.Store
	engine     *flows.Engine
	verifier   *auth.Verifier
	demoSigner *auth.Signer
	log        *slog.Logger
	cfg        *serveConfig
}

// app is the wired HTTP server.
type app struct {
	store   *store.Store
	echo    *echo.Echo
	webchat *webchat.Server
	desk    *desk.Desk
	hub     *hub.Hub
	log     *slog.Logger
}

func newApp(d appDeps) *app {
	m := metrics.New()
	h := hub.New()
	svc := conversation.New(d.store, d.engine, conversation.Options{MaxMessageBytes: d.cfg.maxMessageBytes,
		Logger: d.log, Notifier: h, Observer: m})
	wc := webchat.New(webchat.Options{Service: svc, Engine: d.engine, Verifier: d.verifier, Hub: h,
		DemoSigner: d.demoSigner, MaxMessageBytes: d.cfg.maxMessageBytes, RatePerSecond: d.cfg.rate, Burst: d.cfg.burst,
		OnConnections: func(n int) { m.WebSockets.Set(float64(n)) }, Logger: d.log})

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = web.ErrorHandler(d.log)
	e.Use(middleware.Recover())
	e.Use(web.Observe(m.HTTP, d.log))
	origins := strings.Split(d.cfg.allowedOrigins, ",")
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper:      func(c echo.Context) bool { return !strings.HasPrefix(c.Path(), "/api/") },
		AllowOrigins: origins, AllowHeaders: []string{"Authorization", "Content-Type"},
		AllowMethods: []string{http.MethodGet, http.MethodPost}, ExposeHeaders: []string{"Retry-After"}, MaxAge: 600,
	}))
	wc.Register(e)
	dk := desk.New(d.store, h, d.engine, desk.Options{AnswerTimeout: d.cfg.answerTimeout, Interval: d.cfg.deskInterval,
		OnMetrics: m.ObserveOperators, OnBreach: m.ObserveBreach, Logger: d.log})
	console.New(console.Options{Store: d.store, Desk: dk, Hub: h, SecureCookies: d.cfg.secureCookies, Logger: d.log}).Register(e)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", func(c echo.Context) error {
		if err := d.store.Ping(c.Request().Context()); err != nil {
			return err
		}
		if d.engine.Runtime() == nil {
			return c.String(http.StatusServiceUnavailable, "content not loaded\n")
		}
		return c.String(http.StatusOK, "ready\n")
	})
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})))
	return &app{store: d.store, echo: e, webchat: wc, desk: dk, hub: h, log: d.log}
}

// serve runs until ctx ends, then shuts down gracefully: sockets are told to
// reconnect, requests in flight (turns included) finish within timeout.
func (a *app) serve(ctx context.Context, ln net.Listener, timeout time.Duration) error {
	srv := &http.Server{Handler: a.echo, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	a.webchat.Shutdown()
	a.hub.Shutdown()
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if werr := a.webchat.Wait(sctx); err == nil && werr != nil {
		err = fmt.Errorf("sockets still open at the shutdown deadline: %w", werr)
	}
	if errors.Is(<-errc, http.ErrServerClosed) && err == nil {
		a.log.Info("stopped")
		return nil
	}
	return err
}

// servePprof serves net/http/pprof's handlers on their own listener, never
// on the public one.
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("pprof server stopped", "err", err)
	}
}
