package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the player a token names: what both databases store the same
// way (PostgreSQL refuses NUL and counts varchar sizes in characters).
const (
	maxSubjectBytes = 128
	maxNameRunes    = 256
)

// problem says what makes the token's player unstorable or ambiguous, or "":
// a blank or over-long subject, control characters in the subject or name,
// an over-long name.
func (c PlayerClaims) problem() string {
	switch {
	case c.Subject == "":
		return "token has no subject"
	case strings.TrimSpace(c.Subject) == "":
		return "token subject is blank"
	case len(c.Subject) > maxSubjectBytes:
		return "token subject too long"
	case hasControl(c.Subject):
		return "token subject has control characters"
	case utf8.RuneCountInString(c.Name) > maxNameRunes:
		return "token name too long"
	case hasControl(c.Name):
		return "token name has control characters"
	}
	return ""
}

// hasControl reports C0 and C1 control characters, NUL included.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) })
}
