package webchat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
)

//go:embed assets/widget.js assets/demo.html assets/demo.css assets/demo.js
var assets embed.FS

func (s *Server) handleWidget(c echo.Context) error {
	b, err := assets.ReadFile("assets/widget.js")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return c.Blob(http.StatusOK, "application/javascript; charset=utf-8", b)
}

func (s *Server) handleDemoPage(c echo.Context) error {
	b, err := assets.ReadFile("assets/demo.html")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", b)
}

// handleDemoStyles serves the demo page's styles (no inline style: CSP).
func (s *Server) handleDemoStyles(c echo.Context) error {
	b, err := assets.ReadFile("assets/demo.css")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", b)
}

// handleDemoScript serves the demo page's script (no inline script: CSP).
func (s *Server) handleDemoScript(c echo.Context) error {
	b, err := assets.ReadFile("assets/demo.js")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/javascript; charset=utf-8", b)
}

var demoPlayerID = regexp.MustCompile(`^demo-[0-9a-f]{16}$`)

// demoCookie holds "<player id>.<HMAC of it>".
const demoCookie = "sb_demo"

// demoCookiePlayer returns the demo player id of the request's cookie when
// its signature holds, else "".
func (s *Server) demoCookiePlayer(c echo.Context) string {
	ck, err := c.Cookie(demoCookie)
	if err != nil {
		return ""
	}
	id, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || !demoPlayerID.MatchString(id) || !hmac.Equal([]byte(mac), []byte(s.demoMAC(id))) {
		return ""
	}
	return id
}

// demoMAC signs a demo player id with the server's demo key.
func (s *Server) demoMAC(id string) string {
	m := hmac.New(sha256.New, s.demoKey)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// demoTokenTTL is short: the demo page asks again whenever it needs one.
const demoTokenTTL = time.Hour

// handleDemoToken mints a token for a demo player, keeping the id the page
// remembers so history survives reloads.
func (s *Server) handleDemoToken(c echo.Context) error {
	var req struct {
		PlayerID string `json:"player_id"`
		Locale   string `json:"locale"`
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 4096))
	if err != nil {
		return chat.Errorf(chat.EINVALID, "read body: %v", err)
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return chat.Errorf(chat.EINVALID, "malformed JSON: %v", err)
		}
	}
	// The demo player is the browser's: its id lives in a signed,
	// HttpOnly cookie set on the first call, never taken from the body, so
	// nobody can ask for a token of another browser's demo player.
	req.PlayerID = s.demoCookiePlayer(c)
	if req.PlayerID == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		req.PlayerID = "demo-" + hex.EncodeToString(b[:])
		c.SetCookie(&http.Cookie{Name: demoCookie, Value: req.PlayerID + "." + s.demoMAC(req.PlayerID), Path: "/demo",
			HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: int(30 * 24 * time.Hour / time.Second)})
	}
	if !chat.SupportedLocale(req.Locale) {
		req.Locale = chat.DefaultLocale
	}
	name := "Demo Player"
	if req.Locale == chat.LocaleRU {
		name = "Демо-игрок"
	}
	p := chat.Player{ID: req.PlayerID, Name: name, Locale: req.Locale, Attributes: map[string]string{"verified": "true", "vip_level": "1"}}
	tok, err := s.opts.DemoSigner.Sign(p, demoTokenTTL, time.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"token": tok, "player": map[string]string{"id": p.ID, "name": p.Name, "locale": p.Locale}})
}
