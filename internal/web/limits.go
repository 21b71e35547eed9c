package web

import (
	"crypto/subtle"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// Deadlines gives every request that is not a long-lived stream (a
// WebSocket: long reports which) read and write deadlines of its own, so a
// client that sends its body, or reads the answer, slowly is cut off
// instead of holding a connection (and a descriptor) for ever. The server's
// own ReadHeaderTimeout covers the headers. CutReads ends every body still
// arriving, for shutdown.
type Deadlines struct {
	Read, Write time.Duration
	Long        func(*http.Request) bool

	mu      sync.Mutex
	reading map[*http.ResponseController]*trackedBody
}

// Middleware applies the deadlines.
func (d *Deadlines) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if d.Long(c.Request()) {
			return next(c)
		}
		rc := http.NewResponseController(c.Response().Writer)
		now := time.Now()
		_ = rc.SetReadDeadline(now.Add(d.Read))
		_ = rc.SetWriteDeadline(now.Add(d.Write))
		body := &trackedBody{ReadCloser: c.Request().Body}
		if c.Request().ContentLength == 0 {
			body.done.Store(true) // nothing to arrive
		}
		c.Request().Body = body
		d.mu.Lock()
		if d.reading == nil {
			d.reading = map[*http.ResponseController]*trackedBody{}
		}
		d.reading[rc] = body
		d.mu.Unlock()
		defer func() {
			d.mu.Lock()
			delete(d.reading, rc)
			d.mu.Unlock()
		}()
		return next(c)
	}
}

// CutReads ends every body still arriving: its read fails at once. Requests
// that have their input are left alone (a deadline on them would cancel
// their context) and finish. Shutdown calls it so that no slow client holds
// it up.
func (d *Deadlines) CutReads() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for rc, body := range d.reading {
		if !body.finished() {
			_ = rc.SetReadDeadline(time.Now())
		}
	}
}

// trackedBody knows whether its request body has been read to the end.
type trackedBody struct {
	io.ReadCloser
	done atomic.Bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done.Store(true)
	}
	return n, err
}

func (b *trackedBody) Close() error {
	b.done.Store(true)
	return b.ReadCloser.Close()
}

func (b *trackedBody) finished() bool { return b.done.Load() }

// LimitPerIP wraps ln so that one remote address holds at most max open
// connections: further ones are closed at once. A flood from one address
// cannot take every descriptor. Addresses in exempt (trusted reverse
// proxies, which carry every client) are not limited.
func LimitPerIP(ln net.Listener, max int, exempt ...netip.Prefix) net.Listener {
	return &ipLimitListener{Listener: ln, max: max, exempt: exempt, open: map[string]int{}}
}

type ipLimitListener struct {
	net.Listener
	max    int
	exempt []netip.Prefix
	mu     sync.Mutex
	open   map[string]int
}

func (l *ipLimitListener) exempted(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range l.exempt {
		if p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

func (l *ipLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		if l.exempted(ip) {
			return c, nil
		}
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &ipConn{Conn: c, release: func() { l.release(ip) }}, nil
	}
}

func (l *ipLimitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

func remoteIP(c net.Conn) string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

type ipConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *ipConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// BearerOnly admits requests that carry "Authorization: Bearer <token>"
// (scheme case-insensitive, token compared in constant time); others get
// 401.
func BearerOnly(token string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			scheme, got, ok := strings.Cut(c.Request().Header.Get("Authorization"), " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") ||
				subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
				c.Response().Header().Set("WWW-Authenticate", "Bearer")
				return c.NoContent(http.StatusUnauthorized)
			}
			return next(c)
		}
	}
}

// ParseProxies reads a comma-separated list of trusted proxy addresses or
// CIDR ranges ("10.0.0.0/8, 192.0.2.7").
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			addr, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ClientIPFrom makes echo's RealIP the client address a trusted proxy put
// in X-Forwarded-For (the first address not itself a trusted proxy); a
// request from anyone else is its connection's peer, whatever it claims.
func ClientIPFrom(proxies []netip.Prefix) echo.IPExtractor {
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(prefixNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
