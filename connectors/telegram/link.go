package telegram

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// A link code is 24 random bytes (192 bits) in base64url: 32 characters,
// within the 64 Telegram allows after /start and of its alphabet. Only its
// SHA-256 is stored.
func newLinkCode() (code, hash string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	code = base64.RawURLEncoding.EncodeToString(b)
	return code, HashLinkCode(code)
}

// HashLinkCode is how a link code is stored.
func HashLinkCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// Link is a one-time deep link for a player.
type Link struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// LinkFor makes a one-time link https://t.me/<bot>?start=<code> that links
// the Telegram account opening it to player p (stored first, when the site
// asks for a player Switchboard has not seen).
func (c *Connector) LinkFor(ctx context.Context, playerID string) (Link, error) {
	name, err := c.botUsername(ctx)
	if err != nil {
		return Link{}, chat.Errorf(chat.EUNAVAILABLE, "Telegram is not reachable: %v", err)
	}
	code, hash := newLinkCode()
	expires := time.Now().Add(c.opt.LinkTTL).UTC().Truncate(time.Second)
	if err := c.opt.Store.CreateLinkCode(ctx, playerID, chat.ChannelTelegram, hash, expires); err != nil {
		return Link{}, err
	}
	return Link{URL: "https://t.me/" + url.PathEscape(name) + "?start=" + code, ExpiresAt: expires}, nil
}

func (c *Connector) botUsername(ctx context.Context) (string, error) {
	c.mu.Lock()
	name := c.username
	c.mu.Unlock()
	if name != "" {
		return name, nil
	}
	me, err := c.opt.Client.GetMe(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.username = me.Username
	c.mu.Unlock()
	return me.Username, nil
}

func (c *Connector) registerLinks(e *echo.Echo) {
	if c.opt.Verifier != nil {
		e.POST("/api/v1/telegram/link", c.handlePlayerLink)
		e.GET("/api/v1/telegram", c.handlePlayerStatus)
		e.DELETE("/api/v1/telegram", c.handlePlayerUnlink)
	}
	if c.opt.APIKey != "" {
		e.POST("/api/v1/telegram/links", c.siteOnly(c.handleSiteLink))
		e.DELETE("/api/v1/telegram/links/:player", c.siteOnly(c.handleSiteUnlink))
	}
}

// player authenticates a player's bearer token, as the web chat does.
func (c *Connector) player(e echo.Context) (chat.Player, error) {
	scheme, token, ok := strings.Cut(e.Request().Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return chat.Player{}, chat.Errorf(chat.EUNAUTHORIZED, "bearer token required")
	}
	return c.opt.Verifier.Verify(strings.TrimSpace(token))
}

// handlePlayerLink: the widget's "Continue in Telegram".
func (c *Connector) handlePlayerLink(e echo.Context) error {
	p, err := c.player(e)
	if err != nil {
		return err
	}
	if _, err := c.opt.Store.UpsertPlayer(e.Request().Context(), p); err != nil {
		return err
	}
	l, err := c.LinkFor(e.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	e.Response().Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, l)
}

// handlePlayerStatus says whether the player has linked Telegram (never
// which account).
func (c *Connector) handlePlayerStatus(e echo.Context) error {
	p, err := c.player(e)
	if err != nil {
		return err
	}
	_, err = c.opt.Store.PlayerIdentity(e.Request().Context(), chat.ChannelTelegram, p.ID)
	if err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
		return err
	}
	return e.JSON(http.StatusOK, map[string]bool{"linked": err == nil})
}

func (c *Connector) handlePlayerUnlink(e echo.Context) error {
	p, err := c.player(e)
	if err != nil {
		return err
	}
	if _, err := c.opt.Store.Unlink(e.Request().Context(), chat.ChannelTelegram, "", p.ID); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}

// siteOnly admits the casino site's servers: Authorization: Bearer <key>,
// compared in constant time.
func (c *Connector) siteOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(e echo.Context) error {
		scheme, key, ok := strings.Cut(e.Request().Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") ||
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(c.opt.APIKey)) != 1 {
			return chat.Errorf(chat.EUNAUTHORIZED, "API key required")
		}
		return next(e)
	}
}

type siteLinkRequest struct {
	PlayerID string `json:"player_id"`
	Name     string `json:"name"`
	Locale   string `json:"locale"`
}

// handleSiteLink makes a link for a player the site names (its own
// session vouches for them).
func (c *Connector) handleSiteLink(e echo.Context) error {
	var req siteLinkRequest
	dec := json.NewDecoder(http.MaxBytesReader(e.Response(), e.Request().Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return chat.Errorf(chat.EINVALID, "body must be {\"player_id\", \"name\", \"locale\"}: %v", err)
	}
	p := chat.Player{ID: strings.TrimSpace(req.PlayerID), Name: req.Name, Locale: req.Locale}
	if err := validSitePlayer(p); err != nil {
		return err
	}
	if _, err := c.opt.Store.UpsertPlayer(e.Request().Context(), p); err != nil {
		return err
	}
	l, err := c.LinkFor(e.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	e.Response().Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, l)
}

func (c *Connector) handleSiteUnlink(e echo.Context) error {
	ok, err := c.opt.Store.Unlink(e.Request().Context(), chat.ChannelTelegram, "", e.Param("player"))
	if err != nil {
		return err
	}
	if !ok {
		return chat.Errorf(chat.ENOTFOUND, "player has no Telegram account linked")
	}
	return e.NoContent(http.StatusNoContent)
}

// validSitePlayer holds a site-named player to the limits a token's claims
// have: an id of 1-128 bytes without control characters, a name of at most
// 256 characters, a short locale.
func validSitePlayer(p chat.Player) error {
	valid := func(s string) bool {
		return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
	}
	switch {
	case p.ID == "" || len(p.ID) > 128 || !valid(p.ID):
		return chat.Errorf(chat.EINVALID, "player_id must be 1-128 bytes of text")
	case utf8.RuneCountInString(p.Name) > 256 || !valid(p.Name):
		return chat.Errorf(chat.EINVALID, "name must be at most 256 characters of text")
	case len(p.Locale) > 8 || !valid(p.Locale):
		return chat.Errorf(chat.EINVALID, "locale must be a short language code")
	}
	return nil
}
