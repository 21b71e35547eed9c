package console

import (
	"math"
	"net"
	"net/netip"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/web"
)

// LoginThrottle slows password guessing. Failures are counted per login
// and per client address in the database (login_attempts), so the limits
// hold across instances. Each counter lets Free failures through back to
// back, then waits 1 s, 2 s, 4 s… after each further one, and locks for
// LockFor at Lock failures within Window (defaults: per login 3 and 10,
// per address 20 and 100). A blocked attempt is answered 429 with
// Retry-After and not checked. A success clears the login's counter (not
// the address's).
type LoginThrottle struct {
	PerLogin, PerIP Limit
	Window          time.Duration    // default 15 min
	LockFor         time.Duration    // default 15 min
	Now             func() time.Time // default time.Now
}

// Limit is one counter's allowance: failures before the first wait, and
// failures that lock.
type Limit struct{ Free, Lock int }

func (t LoginThrottle) orDefaults() LoginThrottle {
	if t.PerLogin == (Limit{}) {
		t.PerLogin = Limit{Free: 3, Lock: 10}
	}
	if t.PerIP == (Limit{}) {
		t.PerIP = Limit{Free: 20, Lock: 100}
	}
	if t.Window <= 0 {
		t.Window = 15 * time.Minute
	}
	if t.LockFor <= 0 {
		t.LockFor = 15 * time.Minute
	}
	if t.Now == nil {
		t.Now = time.Now
	}
	return t
}

// block is how long a key is blocked after its failures-th failure.
func (t LoginThrottle) block(l Limit) func(failures int) time.Duration {
	return func(failures int) time.Duration {
		switch {
		case failures >= l.Lock:
			return t.LockFor
		case failures < l.Free:
			return 0
		}
		d := time.Duration(math.Pow(2, float64(min(failures-l.Free, 30)))) * time.Second
		return min(d, t.LockFor)
	}
}

// retryAfter is until-now in whole seconds, at least 1.
func retryAfter(until, now time.Time) int {
	return max(1, int(math.Ceil(until.Sub(now).Seconds())))
}

// maxLoginBytes is the longest login a staff row holds.
const maxLoginBytes = 128

// loginKey is the counter key of a login, "" when it is no possible login
// (too long, control characters): such attempts count against the address
// only.
func loginKey(login string) string {
	if login == "" || len(login) > maxLoginBytes || strings.ContainsFunc(login, unicode.IsControl) {
		return ""
	}
	return "login:" + strings.ToLower(login)
}

// clientIP is the connection's peer: X-Forwarded-For is not trusted unless
// the server sets an IPExtractor.
func clientIP(c echo.Context) string {
	if c.Echo().IPExtractor != nil {
		return c.RealIP()
	}
	ip, _, _ := net.SplitHostPort(c.Request().RemoteAddr)
	return ip
}

// ipKey is the counter key of an address; IPv6 by /64, since one host
// holds a whole /64.
func ipKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + truncate(ip, maxLoginBytes)
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + addr.String()
}

// attempt is one login attempt: what is logged and its counter keys.
type attempt struct {
	login, ip       string
	loginKey, ipKey string // loginKey is "" for an impossible login
	now             time.Time
}

func newAttempt(c echo.Context, login string, now time.Time) attempt {
	ip := clientIP(c)
	return attempt{login: truncate(login, maxLoginBytes), ip: ip, loginKey: loginKey(login), ipKey: ipKey(ip), now: now}
}

func (a attempt) keys() []string {
	if a.loginKey == "" {
		return []string{a.ipKey}
	}
	return []string{a.ipKey, a.loginKey}
}

// throttled answers 429 while the login or the address is blocked.
func (s *Server) throttled(c echo.Context, a attempt) error {
	until, err := s.opts.Store.LoginBlockedUntil(c.Request().Context(), a.keys(), a.now)
	if err != nil || until.IsZero() {
		return err
	}
	wait := retryAfter(until, a.now)
	s.log.Warn("staff login refused", "login", a.login, "ip", a.ip, "reason", "throttled", "retry_after", wait)
	return &web.RetryAfterError{Seconds: wait,
		Err: chat.Errorf(chat.ERATELIMIT, "too many failed logins; try again in %d s", wait)}
}

// loginFailed counts, audits and logs a failed attempt and answers 401.
func (s *Server) loginFailed(c echo.Context, a attempt, reason string) error {
	ctx := c.Request().Context()
	// The address's counter, always kept, carries the audit row.
	if _, _, err := s.opts.Store.RecordLoginFailureAudited(ctx, a.audit(reason), a.ipKey, a.now, s.throttle.Window,
		s.throttle.block(s.throttle.PerIP)); err != nil {
		return err
	}
	if a.loginKey != "" {
		if _, _, err := s.opts.Store.RecordLoginFailure(ctx, a.loginKey, a.now, s.throttle.Window,
			s.throttle.block(s.throttle.PerLogin)); err != nil {
			return err
		}
	}
	s.log.Warn("staff login failed", "login", a.login, "ip", a.ip, "reason", reason)
	return chat.Errorf(chat.EUNAUTHORIZED, "wrong login or password")
}

// audit is the failed attempt's audit entry: by the client's address, on
// the login as typed — never the password.
func (a attempt) audit(reason string) store.AuditEntry {
	return store.AuditEntry{Actor: "ip:" + storable(a.ip, 64), Target: "login:" + storable(a.login, maxLoginBytes),
		Details: store.AuditDetails(map[string]string{"reason": reason})}
}

// storable is s as both databases store it: valid UTF-8 without control
// characters (PostgreSQL refuses NUL), at most n characters.
func storable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, strings.ToValidUTF8(s, string(unicode.ReplacementChar)))
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
