package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
)

const benchTelegramUsage = `switchboard bench telegram [--rate 200] [--duration 10s] [--chats 50] [--db DSN]
    [--chat-interval 1s] [--global-rate 25] [--api-latency 0]`

// benchTelegramModels, when set (by tests), shares trained models with
// other runtimes of the process instead of training afresh.
var benchTelegramModels *flows.ModelCache

// benchTelegram drives the Telegram webhook of an in-process server (the
// app as serve wires it, on a fresh SQLite database or --db) against an
// in-process fake Bot API, at a fixed rate of text updates from linked
// chats, and reports the webhook's acknowledgement latency, the updates
// processed per second and the deliveries per second under the pacing.
func benchTelegram(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench telegram", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		db, logLevel        string
		rate, globalRate    float64
		chats               int
		duration, interval  time.Duration
		apiLatency, maxWait time.Duration
	)
	fs.Float64Var(&rate, "rate", 200, "updates per second posted to the webhook")
	fs.DurationVar(&duration, "duration", 10*time.Second, "how long updates are posted")
	fs.IntVar(&chats, "chats", 50, "linked Telegram chats the updates come from (round robin)")
	fs.StringVar(&db, "db", "", "database (default: a new SQLite file in a temp dir)")
	fs.DurationVar(&interval, "chat-interval", time.Second, "the deliverer's sustained interval per chat (serve's --telegram-chat-interval)")
	fs.Float64Var(&globalRate, "global-rate", 25, "the deliverer's messages per second overall (serve's --telegram-rate)")
	fs.DurationVar(&apiLatency, "api-latency", 0, "delay of the fake Bot API's sendMessage answers (Telegram's own latency)")
	fs.DurationVar(&maxWait, "drain-timeout", 60*time.Second, "how long to wait for the updates to be processed after the posting")
	fs.StringVar(&logLevel, "log-level", "error", "server log level (logs go to stderr)")
	var cpuProfile string
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the posting phase to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if rate <= 0 || chats <= 0 || duration <= 0 {
		return fmt.Errorf("%w: --rate, --chats and --duration must be positive\n%s", errUsage, benchTelegramUsage)
	}

	fake := telegramtest.Start()
	defer fake.Close()
	if apiLatency > 0 {
		fake.Inject(telegramtest.Fault{Method: "sendMessage", Times: -1, Delay: apiLatency})
	}
	dir, err := os.MkdirTemp("", "switchboard-bench-telegram-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	secret := benchSecret[:32]
	c := serveConfig{config: config{dataDir: filepath.Join(dir, "data"), dbDSN: db, logFormat: "text", logLevel: logLevel},
		allowedOrigins: "*", maxMessageBytes: 4096, rate: 1e6, burst: 1e6, deskInterval: 5 * time.Second,
		answerTimeout: 3 * time.Minute, presenceGrace: 30 * time.Second, offlineAfter: 5 * time.Minute,
		telegram: telegramConfig{token: fake.Token, mode: telegram.ModeWebhook, webhookURL: "https://bench.example/telegram/webhook",
			webhookSecret: "bench-webhook-secret", apiURL: fake.URL, username: "SwitchboardBenchBot",
			linkAPIKey: "bench-link-key-0123456789", chatInterval: interval, globalRate: globalRate, lease: 30 * time.Second}}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	engine := flows.NewEngine(nil)
	defer engine.Close()
	seed, err := c.seed()
	if err != nil {
		return err
	}
	opts := runtimeOptions(&c.config)
	if benchTelegramModels != nil {
		opts.Models = benchTelegramModels
	}
	if err := live.New(st, engine, opts, log).Start(ctx, seed); err != nil {
		return err
	}
	v, err := auth.NewHS256Verifier([]byte(secret), auth.VerifierOptions{Audience: "switchboard"})
	if err != nil {
		return err
	}
	a, err := newApp(appDeps{store: st, engine: engine, verifier: v, log: log, cfg: &c})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stopServer := context.WithCancel(ctx)
	stopWorkers := runWorkers(sctx, a.desk.Run, a.telegram.Run)
	served := make(chan error, 1)
	go func() { served <- a.serve(sctx, ln, 5*time.Second) }()
	defer func() {
		stopServer()
		stopWorkers()
		<-served
	}()

	b := &tgBench{fake: fake, base: "http://" + ln.Addr().String(), cfg: &c.telegram,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: 30 * time.Second}}
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs, %s; database %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), st.Dialect())
	start := time.Now()
	ids, err := b.link(ctx, chats)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "linked %d chats in %s\n", chats, time.Since(start).Round(time.Millisecond))
	msgs, err := benchMessages()
	if err != nil {
		return err
	}
	linkedMessages := fake.MessageCount()

	// Drive: one update every 1/rate, each POSTed by its own goroutine.
	total := int(rate * duration.Seconds())
	lat := make([]time.Duration, total)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	sem := make(chan struct{}, 512)
	every := time.Duration(float64(time.Second) / rate)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	t0 := time.Now()
	backlog := b.sampleBacklog(ctx, st)
	for i := range total {
		if d := time.Until(t0.Add(time.Duration(i) * every)); d > 0 {
			time.Sleep(d)
		}
		if ctx.Err() != nil {
			break
		}
		id := fake.PushText(ids[i%len(ids)], msgs[i%len(msgs)])
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t := time.Now()
			status, err := fake.PostUpdate(ctx, b.base+telegram.WebhookPath, c.telegram.webhookSecret, id)
			lat[i] = time.Since(t)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("webhook answered %d", status)
			}
			if err != nil {
				mu.Lock()
				firstErr = firstError(firstErr, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	posted := time.Since(t0)
	if firstErr != nil {
		return firstErr
	}
	// Deliveries are counted over the posting window, while the pacer is
	// saturated (the replies outnumber what it may send).
	delivered := fake.Messages(0)[linkedMessages:]
	// The updates must all be processed; the deliveries (paced far below
	// the replies' rate) are not waited for.
	drainCtx, cancel := context.WithTimeout(ctx, maxWait)
	defer cancel()
	var processedAt time.Duration
	for {
		n, err := pendingCount(drainCtx, st)
		if err != nil {
			return fmt.Errorf("updates not processed %s after the posting: %w", maxWait, err)
		}
		if n == 0 {
			processedAt = time.Since(t0)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	peak := backlog()
	pendingDeliveries, _ := b.pendingDeliveries(ctx, c.dsn())

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Fprintf(stdout, "updates: %d at %.0f/s over %s from %d chats; pacing %s per chat, %.0f/s overall; Bot API latency %s\n",
		total, rate, posted.Round(time.Millisecond), chats, interval, globalRate, apiLatency)
	fmt.Fprintf(stdout, "%-34s p50 %7.2f ms   p90 %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", "webhook acknowledgement (POST→200)",
		ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	fmt.Fprintf(stdout, "%-34s %8.1f/s   (all %d processed %s after the first post; peak backlog %d)\n", "updates processed",
		float64(total)/processedAt.Seconds(), total, processedAt.Round(time.Millisecond), peak)
	perChat := map[int64][]time.Time{}
	var all []time.Time
	for _, m := range delivered {
		if m.Time.Sub(t0) <= posted {
			all = append(all, m.Time)
			perChat[m.ChatID] = append(perChat[m.ChatID], m.Time)
		}
	}
	fmt.Fprintf(stdout, "%-34s %8.1f/s   busiest second %d; %d sent while posting, %d still pending after\n", "deliveries overall",
		float64(len(all))/posted.Seconds(), busiestSecond(all), len(all), pendingDeliveries)
	var rates []float64
	busiest := 0
	for _, ts := range perChat {
		rates = append(rates, float64(len(ts))/posted.Seconds())
		busiest = max(busiest, busiestSecond(ts))
	}
	slices.Sort(rates)
	if len(rates) > 0 {
		fmt.Fprintf(stdout, "%-34s %8.2f/s   min %.2f/s  max %.2f/s over %d chats; a chat's busiest second %d\n", "deliveries per chat (median)",
			rates[len(rates)/2], rates[0], rates[len(rates)-1], len(rates), busiest)
	}
	return nil
}

// busiestSecond is the most times in any one-second window (ts ascending).
func busiestSecond(ts []time.Time) int {
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func firstError(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

type tgBench struct {
	fake   *telegramtest.Server
	base   string
	cfg    *telegramConfig
	client *http.Client
}

// link links n chats to bench players through the site's endpoint and
// "/start <code>", and waits until each was told.
func (b *tgBench) link(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, n)
	for i := range n {
		ids[i] = 500_000_000 + int64(i)
		body, _ := json.Marshal(map[string]string{"player_id": fmt.Sprintf("tg-bench-%d", i), "name": "Bench", "locale": []string{"en", "ru"}[i%2]})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/api/v1/telegram/links", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+b.cfg.linkAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := b.client.Do(req)
		if err != nil {
			return nil, err
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var l telegram.Link
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &l) != nil {
			return nil, fmt.Errorf("link: %d %s", resp.StatusCode, data)
		}
		_, code, _ := strings.Cut(l.URL, "?start=")
		status, err := b.fake.PostUpdate(ctx, b.base+telegram.WebhookPath, b.cfg.webhookSecret, b.fake.PushText(ids[i], "/start "+code))
		if err != nil || status != http.StatusOK {
			return nil, fmt.Errorf("/start: %d %v", status, err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := b.fake.Await(wctx, func() bool { return b.fake.MessageCount() >= n }); err != nil {
		return nil, fmt.Errorf("chats not linked: %w", err)
	}
	return ids, nil
}

// sampleBacklog polls the unprocessed updates until the returned func is
// called, which returns the largest backlog seen.
func (b *tgBench) sampleBacklog(ctx context.Context, st *store.Store) func() int {
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		peak := 0
		for {
			if n, err := pendingCount(ctx, st); err == nil {
				peak = max(peak, n)
			}
			select {
			case <-stop:
				done <- peak
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() int {
		close(stop)
		return <-done
	}
}

func pendingCount(ctx context.Context, st *store.Store) (int, error) {
	p, err := st.PendingUpdates(ctx, chat.ChannelTelegram, 1<<20)
	return len(p), err
}

// pendingDeliveries counts what the deliverer has still to send, through
// database/sql (the store has no such reader; the drivers are the store's).
func (b *tgBench) pendingDeliveries(ctx context.Context, dsn string) (int, error) {
	driver, src := "sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?mode=ro&_pragma=busy_timeout(5000)"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		driver, src = "pgx", dsn
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'").Scan(&n)
	if err != nil {
		return 0, errors.New("count pending deliveries: " + err.Error())
	}
	return n, nil
}
