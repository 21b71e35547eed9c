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
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/webchat"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/editor"
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
	presenceGrace   time.Duration
	offlineAfter    time.Duration
	reloadInterval  time.Duration
	shutdownTimeout time.Duration
	readTimeout     time.Duration
	writeTimeout    time.Duration
	maxConnsPerIP   int
	trustedProxies  string
	maskContacts    bool
	proxies         []netip.Prefix // trustedProxies, parsed
	metricsListen   string
	metricsToken    string
	retention       time.Duration
	telegram        telegramConfig
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
	boolFlag(fs, &c.maskContacts, "mask-contacts", false, "mask e-mail addresses and phone numbers in the player messages staff see")
	durationFlag(fs, &c.answerTimeout, "answer-timeout", 3*time.Minute, "an operator who does not answer a claimed ticket this long loses it to the queue")
	durationFlag(fs, &c.deskInterval, "desk-interval", 5*time.Second, "how often queued tickets are assigned and SLA breaches checked")
	durationFlag(fs, &c.presenceGrace, "presence-grace", 30*time.Second, "an operator whose consoles stopped answering heartbeats this long is away: no new conversations, unanswered ones back to the queue")
	durationFlag(fs, &c.offlineAfter, "offline-after", 5*time.Minute, "an operator without a console this long is offline: every ticket back to the queue")
	stringFlag(fs, &c.pprofAddr, "pprof", "", "serve Go profiling on this address (e.g. 127.0.0.1:6060); off when empty")
	durationFlag(fs, &c.reloadInterval, "reload-interval", 5*time.Second, "how often to check for content published by another instance")
	durationFlag(fs, &c.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let requests in flight finish")
	durationFlag(fs, &c.readTimeout, "read-timeout", 30*time.Second, "longest a request (headers and body) may take to arrive; WebSockets excepted")
	durationFlag(fs, &c.writeTimeout, "write-timeout", 60*time.Second, "longest a response may take to be sent; WebSockets excepted")
	intFlag(fs, &c.maxConnsPerIP, "max-conns-per-ip", 512, "open connections one client address may hold (0: no limit)")
	stringFlag(fs, &c.trustedProxies, "trusted-proxies", "", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (for per-address limits)")
	stringFlag(fs, &c.metricsListen, "metrics-listen", "127.0.0.1:9090", "address serving /metrics for Prometheus (keep it private; empty: off)")
	durationFlag(fs, &c.retention, "retention", 0, "delete conversations closed or idle this long (e.g. 2160h), checked hourly; 0: keep for ever")
	c.telegram.register(fs)
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
	c.telegram.load()
	if c.proxies, err = web.ParseProxies(c.trustedProxies); err != nil {
		return fmt.Errorf("%w: --trusted-proxies: %v", errUsage, err)
	}
	c.metricsToken = os.Getenv("SWITCHBOARD_METRICS_TOKEN")
	verifier, demoSigner, err := c.verifierAndSigner(log)
	if err != nil {
		return err
	}
	if c.presenceGrace <= 0 || c.offlineAfter < c.presenceGrace {
		return fmt.Errorf("%w: --presence-grace must be positive and --offline-after at least as long", errUsage)
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
	if c.maxConnsPerIP > 0 {
		ln = web.LimitPerIP(ln, c.maxConnsPerIP, c.proxies...)
	}
	app, err := newApp(appDeps{store: st, engine: engine, verifier: verifier, demoSigner: demoSigner, content: content, log: log, cfg: &c})
	if err != nil {
		return err
	}
	if c.pprofAddr != "" {
		go servePprof(c.pprofAddr, log)
	}
	if c.metricsListen != "" {
		go servePrivate(c.metricsListen, "/metrics", app.metrics, log)
	}
	// The desk loop and the content watcher use the store and the engine:
	// they stop, and are waited for, before either closes (defers run in
	// reverse order).
	workers := []func(context.Context){func(ctx context.Context) { content.Watch(ctx, c.reloadInterval) }, app.desk.Run}
	if app.telegram != nil {
		workers = append(workers, app.telegram.Run)
	}
	workers = append(workers, retentionWorker(st, c.retention, log))
	stopWorkers := runWorkers(ctx, workers...)
	defer stopWorkers()

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Switchboard is serving on %s (database: %s)\n", base, st.Dialect())
	fmt.Fprintf(stdout, "  console: %s/console   (staff accounts: switchboard users add)\n", base)
	fmt.Fprintf(stdout, "  widget:  %s/widget.js\n  health:  %s/healthz  %s/readyz\n", base, base, base)
	if c.metricsListen != "" {
		fmt.Fprintf(stdout, "  metrics: http://%s/metrics\n", c.metricsListen)
	}
	if c.demo {
		fmt.Fprintf(stdout, "  demo:    %s/demo   ← open this to chat as a demo player\n", base)
	}
	if app.telegram != nil {
		fmt.Fprintf(stdout, "  telegram: %s mode\n", c.telegram.mode)
	}
	return app.serve(ctx, ln, c.shutdownTimeout)
}

// runWorkers runs each fn in its own goroutine with a context that stop
// cancels (as does ctx ending); stop returns once every fn has returned, so
// nothing they use may close before.
func runWorkers(ctx context.Context, fns ...func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(func() { fn(ctx) })
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

type appDeps struct {
	store      *store.Store
	engine     *flows.Engine
	verifier   *auth.Verifier
	demoSigner *auth.Signer
	content    *live.Content // nil: the content editor's API answers 503
	log        *slog.Logger
	cfg        *serveConfig
}

// app is the wired HTTP server.
type app struct {
	store     *store.Store
	echo      *echo.Echo
	webchat   *webchat.Server
	desk      *desk.Desk
	hub       *hub.Hub
	telegram  *telegram.Connector // nil when Telegram is off
	deadlines *web.Deadlines
	metrics   http.Handler // served on --metrics-listen
	log       *slog.Logger
}

func newApp(d appDeps) (*app, error) {
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
	if len(d.cfg.proxies) > 0 {
		e.IPExtractor = web.ClientIPFrom(d.cfg.proxies)
	}
	e.Use(middleware.Recover())
	// A request's body and answer get deadlines of their own (WebSockets
	// live on); bodies are capped for every route.
	deadlines := &web.Deadlines{Read: orDefault(d.cfg.readTimeout, 30*time.Second), Write: orDefault(d.cfg.writeTimeout, 60*time.Second),
		Long: func(r *http.Request) bool { return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") }}
	e.Use(deadlines.Middleware)
	e.Use(middleware.BodyLimit(maxBodySize))
	e.Use(web.Observe(m.HTTP, d.log), web.SecurityHeaders)
	origins := strings.Split(d.cfg.allowedOrigins, ",")
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper:      func(c echo.Context) bool { return !strings.HasPrefix(c.Path(), "/api/") },
		AllowOrigins: origins, AllowHeaders: []string{"Authorization", "Content-Type"},
		AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodDelete}, ExposeHeaders: []string{"Retry-After"}, MaxAge: 600,
	}))
	wc.Register(e)
	tg, err := d.cfg.telegram.connector(d.store, svc, h, d.verifier, d.cfg.maxMessageBytes, d.log,
		func(event string) { m.ObserveChannel(string(chat.ChannelTelegram), event) })
	if err != nil {
		return nil, err
	}
	if tg != nil {
		tg.Register(e)
	}
	if d.cfg.presenceGrace > 0 { // presence from console heartbeats (tests without consoles leave it off)
		d.store.SetLiveness(handoff.Liveness{Grace: d.cfg.presenceGrace, OfflineAfter: max(d.cfg.offlineAfter, d.cfg.presenceGrace)})
	}
	dk := desk.New(d.store, h, d.engine, desk.Options{AnswerTimeout: d.cfg.answerTimeout, Interval: d.cfg.deskInterval,
		OnMetrics: m.ObserveOperators, OnBreach: m.ObserveBreach, Logger: d.log})
	console.New(console.Options{Editor: editorFor(d), Store: d.store, Desk: dk, Hub: h, SecureCookies: d.cfg.secureCookies, MaskContacts: d.cfg.maskContacts, Logger: d.log,
		Heartbeat: min(10*time.Second, d.cfg.presenceGrace/3)}).Register(e)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", func(c echo.Context) error {
		if err := d.store.Ping(c.Request().Context()); err != nil {
			return err
		}
		if d.engine.Runtime() == nil {
			return c.String(http.StatusServiceUnavailable, "content not loaded\n")
		}
		if tg != nil && tg.Ready() != nil {
			return c.String(http.StatusServiceUnavailable, "telegram: "+tg.Ready().Error()+"\n")
		}
		return c.String(http.StatusOK, "ready\n")
	})
	metricsHandler := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	if d.cfg.metricsToken != "" {
		// On the public listener only with the monitoring token.
		e.GET("/metrics", echo.WrapHandler(metricsHandler), web.BearerOnly(d.cfg.metricsToken))
	}
	return &app{store: d.store, echo: e, webchat: wc, desk: dk, hub: h, telegram: tg, deadlines: deadlines, metrics: metricsHandler, log: d.log}, nil
}

// editorFor is the content editor's service, when content versions are
// managed by this process.
func editorFor(d appDeps) *editor.Service {
	if d.content == nil {
		return nil
	}
	return editor.New(d.store, d.content)
}

// maxBodySize caps every request body; routes set tighter limits of their own.
const maxBodySize = "4M"

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// serve runs until ctx ends, then shuts down gracefully: sockets are told to
// reconnect, requests in flight (turns included) finish within timeout; a
// client still holding a connection then is cut off.
func (a *app) serve(ctx context.Context, ln net.Listener, timeout time.Duration) error {
	srv := &http.Server{Handler: a.echo, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10}
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
	a.deadlines.CutReads() // a body still trickling in does not hold the shutdown
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close() // past the deadline: cut whoever is left
	}
	if werr := a.webchat.Wait(sctx); err == nil && werr != nil {
		err = fmt.Errorf("sockets still open at the shutdown deadline: %w", werr)
	}
	if errors.Is(<-errc, http.ErrServerClosed) && err == nil {
		a.log.Info("stopped")
		return nil
	}
	return err
}

// servePrivate serves one handler on its own listener (metrics), never on
// the public one. A failure to listen is logged: the product runs without.
func servePrivate(addr, path string, h http.Handler, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle(path, h)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("metrics listener stopped", "addr", addr, "err", err)
	}
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
