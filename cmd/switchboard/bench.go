package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
)

const benchUsage = `switchboard bench chat [--players 200] [--duration 20s] [--url URL --token-secret S]
switchboard bench idle [--connections 5000] [--url URL --token-secret S]
` + benchTelegramUsage + `

Without --url, bench starts "switchboard serve" as a child process on a fresh
SQLite database (or --db) and stops it afterwards. bench telegram runs the
server and a fake Bot API in its own process.`

// benchMessages are the default content's example phrases of both
// languages, except the intents that hand off at once: over a thousand
// distinct questions, so the knowledge base and the classifier work as they
// would for real traffic. A turn that still hands off (a misclassified
// message) moves that bench player to a fresh identity.
func benchMessages() ([]string, error) {
	b, err := contentBundle(&config{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ex := range b.AllExamples() {
		switch ex.Intent {
		case "responsible_gaming", "complaint", "human":
			continue
		}
		out = append(out, ex.Text)
	}
	mrand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "telegram" {
		return benchTelegram(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "chat" && args[0] != "idle") {
		return fmt.Errorf("%w: %s", errUsage, benchUsage)
	}
	mode := args[0]
	fs := flag.NewFlagSet("bench "+mode, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var url, secret, db string
	var players, conns int
	var duration, warmup time.Duration
	fs.StringVar(&url, "url", "", "server to load (default: start one)")
	stringFlag(fs, &secret, "token-secret", "", "HS256 secret of the server at --url")
	fs.StringVar(&db, "db", "", "database for the started server (default: a new SQLite file)")
	fs.IntVar(&players, "players", 200, "concurrent players (chat)")
	fs.DurationVar(&duration, "duration", 20*time.Second, "measured time per phase (chat)")
	fs.DurationVar(&warmup, "warmup", 3*time.Second, "unmeasured time before each phase (chat)")
	fs.IntVar(&conns, "connections", 5000, "idle WebSocket connections (idle)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if url == "" {
		s, stop, err := startBenchServer(ctx, db, stderr)
		if err != nil {
			return err
		}
		defer stop()
		url, secret = s, benchSecret
	} else if len(secret) < 32 {
		return fmt.Errorf("%w: --url needs the server's --token-secret", errUsage)
	}
	b := &bencher{url: strings.TrimRight(url, "/"), signer: auth.NewHS256Signer([]byte(secret), "switchboard"), out: stdout,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: max(players, 16), MaxConnsPerHost: 0}}}
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs, %s; server %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), b.url)
	if mode == "idle" {
		return b.idle(ctx, conns)
	}
	return b.chat(ctx, players, warmup, duration)
}

var benchSecret = func() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

// startBenchServer runs "switchboard serve" in a child process, so its
// memory and CPU are its own, and waits until it is ready.
func startBenchServer(ctx context.Context, db string, stderr io.Writer) (string, func(), error) {
	dir, err := os.MkdirTemp("", "switchboard-bench-")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	args := []string{"serve", "--listen", addr, "--data-dir", filepath.Join(dir, "data"), "--token-secret", benchSecret,
		"--rate", "1000000", "--burst", "1000000", "--log-level", "warn", "--log-format", "text",
		"--max-conns-per-ip", "0", // every benchmark client is on loopback
		"--metrics-listen", ""} // metrics on the public listener, behind the bench's token
	if db != "" {
		args = append(args, "--db", db)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	cmd.Env = append(os.Environ(), "SWITCHBOARD_CONTENT_DIR=", "SWITCHBOARD_METRICS_TOKEN="+benchSecret)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		_ = os.RemoveAll(dir)
	}
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url, stop, nil
			}
		}
		select {
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	stop()
	return "", nil, fmt.Errorf("bench server did not become ready")
}

type bencher struct {
	url    string
	signer *auth.Signer
	client *http.Client
	out    io.Writer
}

func (b *bencher) token(i int, run string) (string, error) {
	return b.signer.Sign(chat.Player{ID: fmt.Sprintf("bench-%s-%d", run, i), Name: "Bench", Locale: "en"}, time.Hour, time.Now())
}

// phase runs fn for every player concurrently: warmup, then a measured
// window. It returns the latencies of operations that started inside the
// window and how long the window was.
func phase(ctx context.Context, players int, warmup, window time.Duration, setup func(i int) (func() (time.Duration, error), func(), error)) ([]time.Duration, error) {
	ops := make([]func() (time.Duration, error), players)
	for i := range players {
		op, cleanup, err := setup(i)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		ops[i] = op
	}
	start := time.Now()
	measureFrom, measureTo := start.Add(warmup), start.Add(warmup+window)
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for i := range players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(measureTo) {
					break
				}
				d, err := ops[i]()
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				if !t0.Before(measureFrom) {
					local = append(local, d)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, firstErr
}

func report(w io.Writer, name string, lat []time.Duration, window time.Duration) (rate float64) {
	if len(lat) == 0 {
		fmt.Fprintf(w, "%-28s no operations completed\n", name)
		return 0
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	rate = float64(len(lat)) / window.Seconds()
	fmt.Fprintf(w, "%-28s %8.0f/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   (n=%d)\n", name, rate,
		ms(pct(0.50)), ms(pct(0.99)), ms(lat[len(lat)-1]), len(lat))
	return rate
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (b *bencher) chat(ctx context.Context, players int, warmup, window time.Duration) error {
	fmt.Fprintf(b.out, "players: %d, warmup %s, window %s per phase\n", players, warmup, window)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	ceiling, err := phase(ctx, players, warmup, window, func(i int) (func() (time.Duration, error), func(), error) {
		tok, err := b.token(i, run)
		if err != nil {
			return nil, nil, err
		}
		return func() (time.Duration, error) {
			t0 := time.Now()
			if _, err := b.call("GET", "/api/v1/me", tok, nil); err != nil {
				return 0, err
			}
			return time.Since(t0), nil
		}, func() {}, nil
	})
	if err != nil {
		return err
	}
	ceilRate := report(b.out, "GET /api/v1/me (ceiling)", ceiling, window)
	msgs, err := benchMessages()
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "turn messages: %d distinct phrases from the default content (ru + en)\n", len(msgs))
	turns, err := phase(ctx, players, warmup, window, func(i int) (func() (time.Duration, error), func(), error) {
		return b.player(ctx, i, run, msgs)
	})
	if err != nil {
		return err
	}
	turnRate := report(b.out, "turn (HTTP send → WS reply)", turns, window)
	if ceilRate > 0 {
		fmt.Fprintf(b.out, "turns/s as a share of the ceiling: %.2f\n", turnRate/ceilRate)
	}
	return nil
}

// benchPlayer is one simulated player: a token and an open socket.
type benchPlayer struct {
	tok  string
	conn *websocket.Conn
	ids  chan int64 // ids of messages the socket delivered
}

func (b *bencher) connect(ctx context.Context, id int, run string) (*benchPlayer, error) {
	tok, err := b.token(id, run)
	if err != nil {
		return nil, err
	}
	if _, err := b.call("POST", "/api/v1/conversation", tok, nil); err != nil {
		return nil, err
	}
	conn, err := b.dial(ctx, tok)
	if err != nil {
		return nil, err
	}
	p := &benchPlayer{tok: tok, conn: conn, ids: make(chan int64, 64)}
	go func() {
		defer close(p.ids)
		for {
			var f struct {
				Type    string `json:"type"`
				Message *struct {
					ID int64 `json:"id"`
				} `json:"message"`
			}
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				return
			}
			if f.Type == "message" && f.Message != nil {
				p.ids <- f.Message.ID
			}
		}
	}()
	return p, nil
}

// player returns an op that sends the next message and waits for the
// bot's last reply to arrive on the player's socket.
func (b *bencher) player(ctx context.Context, i int, run string, msgs []string) (func() (time.Duration, error), func(), error) {
	p, err := b.connect(ctx, i, run)
	if err != nil {
		return nil, nil, err
	}
	seq, identity := 0, i
	op := func() (time.Duration, error) {
		seq++
		text := msgs[(i*7919+seq)%len(msgs)]
		body, _ := json.Marshal(map[string]string{"client_id": fmt.Sprintf("b%d", seq), "text": text})
		t0 := time.Now()
		data, err := b.call("POST", "/api/v1/messages", p.tok, body)
		if err != nil {
			return 0, err
		}
		var res struct {
			Replies []struct {
				ID int64 `json:"id"`
			} `json:"replies"`
			Conversation struct {
				State string `json:"state"`
			} `json:"conversation"`
		}
		if err := json.Unmarshal(data, &res); err != nil || len(res.Replies) == 0 {
			return 0, fmt.Errorf("turn %q got no reply: %s", text, data)
		}
		want := res.Replies[len(res.Replies)-1].ID
		for id := range p.ids {
			if id < want {
				continue
			}
			d := time.Since(t0)
			if res.Conversation.State != "bot" {
				// Handed to a human: the bot would stay silent from now on.
				_ = p.conn.Close(websocket.StatusNormalClosure, "")
				identity += 1_000_000
				if p, err = b.connect(ctx, identity, run); err != nil {
					return 0, err
				}
			}
			return d, nil
		}
		return 0, fmt.Errorf("socket closed while waiting for message %d", want)
	}
	return op, func() { _ = p.conn.Close(websocket.StatusNormalClosure, "") }, nil
}

func (b *bencher) dial(ctx context.Context, tok string) (*websocket.Conn, error) {
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(b.url, "http")+"/api/v1/ws", nil)
	if err != nil {
		return nil, err
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok, "after": 0}); err != nil {
		return nil, err
	}
	var ready struct{ Type string }
	if err := wsjson.Read(ctx, conn, &ready); err != nil || ready.Type != "ready" {
		return nil, fmt.Errorf("socket not ready: %v %q", err, ready.Type)
	}
	return conn, nil
}

func (b *bencher) call(method, path, tok string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, b.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return data, nil
}

// idle opens n authenticated sockets that stay silent and reports the
// server's memory growth per connection, read from its /metrics.
func (b *bencher) idle(ctx context.Context, n int) error {
	before, err := b.serverMemory()
	if err != nil {
		return err
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	start := time.Now()
	for i := range n {
		tok, err := b.token(i, run)
		if err != nil {
			return err
		}
		c, err := b.dial(ctx, tok)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		conns = append(conns, c)
	}
	fmt.Fprintf(b.out, "opened %d authenticated sockets in %s\n", n, time.Since(start).Round(time.Millisecond))
	after, err := b.serverMemory()
	if err != nil {
		return err
	}
	for _, k := range []string{"process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes"} {
		delta := after[k] - before[k]
		fmt.Fprintf(b.out, "%-32s %8.1f MiB → %8.1f MiB   %6.1f KiB per connection\n", k, before[k]/(1<<20), after[k]/(1<<20), delta/float64(n)/1024)
	}
	fmt.Fprintf(b.out, "switchboard_websockets          %8.0f\n", after["switchboard_websockets"])
	return nil
}

func (b *bencher) serverMemory() (map[string]float64, error) {
	runtime.GC()
	req, err := http.NewRequest(http.MethodGet, b.url+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(val, 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}
