package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/web"
)

// slowServer serves /echo (reads the body) and /hold (reads the body, then
// waits for release, reporting whether its context was cancelled).
func slowServer(t *testing.T, d *web.Deadlines, release <-chan struct{}, cancelled chan<- bool, entered chan<- string) string {
	t.Helper()
	e := echo.New()
	e.Use(d.Middleware)
	e.POST("/echo", func(c echo.Context) error {
		if entered != nil {
			entered <- "echo"
		}
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return c.NoContent(http.StatusRequestTimeout)
		}
		return c.String(http.StatusOK, string(b))
	})
	e.POST("/hold", func(c echo.Context) error {
		if _, err := io.ReadAll(c.Request().Body); err != nil {
			return err
		}
		entered <- "hold"
		<-release
		cancelled <- c.Request().Context().Err() != nil
		return c.String(http.StatusOK, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(web.LimitPerIP(ln, 3)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// startSlowBody sends a request whose body never finishes arriving.
func startSlowBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nfirst bytes"); err != nil {
		t.Fatal(err)
	}
	return c
}

// A body that trickles in is cut off at the read deadline; the server
// answers others meanwhile.
func TestSlowBodyIsCutOff(t *testing.T) {
	d := &web.Deadlines{Read: 300 * time.Millisecond, Write: time.Second, Long: func(*http.Request) bool { return false }}
	addr := slowServer(t, d, nil, nil, nil)
	slow := startSlowBody(t, addr)
	resp, err := http.Post("http://"+addr+"/echo", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a normal request while one is slow: %d", resp.StatusCode)
	}
	// The slow one gets an answer or a closed connection, not silence.
	_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(slow)
	line, err := r.ReadString('\n')
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the slow body still holds its connection after the read deadline")
	}
	if err == nil && !strings.Contains(line, "408") && !strings.Contains(line, "400") {
		t.Fatalf("slow body answered %q", line)
	}
}

// CutReads ends bodies still arriving at once and leaves requests that have
// their input alone: their context is not cancelled and they answer.
func TestCutReadsSparesWorkInFlight(t *testing.T) {
	d := &web.Deadlines{Read: time.Hour, Write: time.Hour, Long: func(*http.Request) bool { return false }}
	release, cancelled, entered := make(chan struct{}), make(chan bool, 1), make(chan string, 2)
	addr := slowServer(t, d, release, cancelled, entered)
	slow := startSlowBody(t, addr)
	answer := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/hold", "text/plain", strings.NewReader("input"))
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answer <- string(b)
	}()
	// Both in flight: the hold handler has its body, the slow one reads.
	<-entered
	<-entered
	d.CutReads()
	_ = slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(slow).ReadString('\n')
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("CutReads left the slow body reading")
	}
	_ = line
	close(release)
	if <-cancelled {
		t.Fatal("CutReads cancelled a request that had its input")
	}
	if got := <-answer; got != "done" {
		t.Fatalf("the request in flight answered %q", got)
	}
}

// One address holds at most its share of connections.
func TestConnectionsPerIP(t *testing.T) {
	d := &web.Deadlines{Read: time.Hour, Write: time.Hour, Long: func(*http.Request) bool { return false }}
	addr := slowServer(t, d, nil, nil, nil)
	for range 3 {
		startSlowBody(t, addr)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("a fourth connection from one address: %v, want closed", err)
	}
}

// Behind a trusted proxy the client is the X-Forwarded-For address, and the
// proxy's own connections are not capped; anyone else's claim is ignored.
func TestTrustedProxies(t *testing.T) {
	proxies, err := web.ParseProxies(" 192.0.2.0/24, 2001:db8::1 ,")
	if err != nil || len(proxies) != 2 {
		t.Fatalf("parse: %v %v", proxies, err)
	}
	if _, err := web.ParseProxies("not-an-address"); err == nil {
		t.Fatal("a bad proxy address was accepted")
	}
	extract := web.ClientIPFrom(proxies)
	for _, c := range []struct{ peer, xff, want string }{
		{"192.0.2.7:5000", "203.0.113.9", "203.0.113.9"},
		{"198.51.100.1:5000", "203.0.113.9", "198.51.100.1"}, // not a proxy: its claim is ignored
		{"127.0.0.1:5000", "203.0.113.9", "127.0.0.1"},       // loopback is not trusted unless listed
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr, r.Header = c.peer, http.Header{"X-Forwarded-For": {c.xff}}
		if got := extract(r); got != c.want {
			t.Errorf("peer %s, XFF %s: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	// The cap spares a listed proxy: loopback listed, five connections pass
	// a cap of one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	limited := web.LimitPerIP(ln, 1, netip.MustParsePrefix("127.0.0.1/32"))
	for range 5 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		got, err := limited.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
	}
}
