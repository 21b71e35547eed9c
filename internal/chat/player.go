package chat

import "time"

// Locales the product speaks. A player's locale falls back to DefaultLocale.
const (
	LocaleRU      = "ru"
	LocaleEN      = "en"
	DefaultLocale = LocaleEN
)

// SupportedLocale reports whether l is a locale with content.
func SupportedLocale(l string) bool { return l == LocaleRU || l == LocaleEN }

// Player is an authenticated casino player. ID is the casino's own player id
// (the token's subject), so one player is one identity across channels.
type Player struct {
	ID         string
	Name       string
	Locale     string
	Attributes map[string]string // from the token: vip_level, verified, …
	CreatedAt  time.Time
	UpdatedAt  time.Time
}
