package console

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

const (
	cookieName = "sb_session"
	staffKey   = "switchboard.staff"
	sessionKey = "switchboard.session"
)

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// handleLogin checks a staff login and password and starts a session.
// Unknown logins take as long as wrong passwords. Guessing is throttled
// (LoginThrottle) and every failure logged and audited, never with the
// password; a login is audited with its session.
func (s *Server) handleLogin(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	login := strings.TrimSpace(req.Login)
	at := newAttempt(c, login, s.throttle.Now())
	if err := s.throttled(c, at); err != nil {
		return err
	}
	if at.loginKey == "" {
		auth.CheckNoPassword(req.Password)
		return s.loginFailed(c, at, "malformed login")
	}
	op, hash, err := s.opts.Store.StaffByLogin(ctx, login)
	switch {
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		auth.CheckNoPassword(req.Password)
		return s.loginFailed(c, at, "unknown login")
	case err != nil:
		return err
	case !auth.CheckPassword(hash, req.Password):
		return s.loginFailed(c, at, "wrong password")
	case op.Disabled:
		return s.loginFailed(c, at, "account disabled")
	}
	if err := s.opts.Store.ClearLoginFailures(ctx, at.loginKey, at.now, s.throttle.Window); err != nil {
		return err
	}
	token, tokenHash, err := auth.NewSessionToken()
	if err != nil {
		return err
	}
	csrf, err := auth.NewCSRFToken()
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if err := s.opts.Store.CreateSessionAudited(ctx, staffAudit(op, at.ip), store.Session{TokenHash: tokenHash, StaffID: op.ID,
		CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.opts.SessionTTL)}); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: cookieName, Value: token, Path: "/console", HttpOnly: true,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: int(s.opts.SessionTTL.Seconds())})
	s.log.Info("staff login", "staff", op.ID, "login", op.Login)
	return c.JSON(http.StatusOK, map[string]any{"operator": toOperatorJSON(op), "csrf_token": csrf})
}

// handleLogout ends the session (audited).
func (s *Server) handleLogout(c echo.Context) error {
	sess := c.Get(sessionKey).(store.Session)
	if err := s.opts.Store.DeleteSessionAudited(c.Request().Context(), staffAudit(staff(c), clientIP(c)), sess.TokenHash); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: cookieName, Value: "", Path: "/console", HttpOnly: true, MaxAge: -1,
		Secure: s.opts.SecureCookies, SameSite: http.SameSiteStrictMode})
	return c.NoContent(http.StatusNoContent)
}

// staffAudit is the audit actor of op's login or logout from address ip.
func staffAudit(op handoff.Operator, ip string) store.AuditEntry {
	return store.AuditEntry{ActorID: op.ID, Actor: op.Login, Details: store.AuditDetails(map[string]string{"ip": ip})}
}

// session demands a live session cookie of an enabled staff account.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cookie, err := c.Cookie(cookieName)
		if err != nil || cookie.Value == "" {
			return chat.Errorf(chat.EUNAUTHORIZED, "log in first")
		}
		ctx := c.Request().Context()
		sess, err := s.opts.Store.Session(ctx, auth.HashSessionToken(cookie.Value))
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			return chat.Errorf(chat.EUNAUTHORIZED, "session expired; log in again")
		}
		if err != nil {
			return err
		}
		op, err := s.opts.Store.Staff(ctx, sess.StaffID)
		if err != nil {
			return err
		}
		if op.Disabled {
			return chat.Errorf(chat.EUNAUTHORIZED, "account disabled")
		}
		c.Set(staffKey, op)
		c.Set(sessionKey, sess)
		return next(c)
	}
}

// csrf demands the session's CSRF token on every state-changing request.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		sess := c.Get(sessionKey).(store.Session)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			return chat.Errorf(chat.EFORBIDDEN, "csrf token missing or wrong")
		}
		return next(c)
	}
}

// can demands a role permission.
func (s *Server) can(a handoff.Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !staff(c).Role.Can(a) {
				return chat.Errorf(chat.EFORBIDDEN, "your role may not do this")
			}
			return next(c)
		}
	}
}

func staff(c echo.Context) handoff.Operator {
	op, _ := c.Get(staffKey).(handoff.Operator)
	return op
}

// decodeJSON reads a small JSON body strictly. The Content-Type must say
// JSON: a cross-site form cannot send that without a CORS preflight, so a
// forged login or call is refused before its body is read.
func decodeJSON(c echo.Context, v any) error { return decodeJSONMax(c, v, 64<<10) }

// decodeJSONMax is decodeJSON for bodies of up to limit bytes.
func decodeJSONMax(c echo.Context, v any, limit int64) error {
	if ct := c.Request().Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return chat.Errorf(chat.EINVALID, "content type must be application/json")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, limit))
	if err != nil {
		return chat.Errorf(chat.EINVALID, "read body: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return chat.Errorf(chat.EINVALID, "malformed JSON: %v", err)
	}
	return nil
}

func sessionCSRF(v any) string {
	sess, _ := v.(store.Session)
	return sess.CSRFToken
}
