package auth

import (
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// TestVerifyRefusesUnstorablePlayers: what PostgreSQL would refuse (NUL,
// names over 256 characters) or what makes no player (a blank subject) is
// refused at the edge, the same on every database.
func TestVerifyRefusesUnstorablePlayers(t *testing.T) {
	v, err := NewHS256Verifier(secret, VerifierOptions{Audience: "switchboard", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mod  func(*PlayerClaims)
		want string
	}{
		{"blank subject", func(c *PlayerClaims) { c.Subject = " " }, "token subject is blank"},
		{"tab subject", func(c *PlayerClaims) { c.Subject = "\t\n" }, "token subject is blank"},
		{"NUL subject", func(c *PlayerClaims) { c.Subject = "\x00staff" }, "token subject has control characters"},
		{"newline in subject", func(c *PlayerClaims) { c.Subject = "p-1\nadmin" }, "token subject has control characters"},
		{"long subject", func(c *PlayerClaims) { c.Subject = strings.Repeat("p", 129) }, "token subject too long"},
		{"long name", func(c *PlayerClaims) { c.Name = strings.Repeat("я", 257) }, "token name too long"},
		{"NUL in name", func(c *PlayerClaims) { c.Name = "Ann\x00" }, "token name has control characters"},
		{"escape in name", func(c *PlayerClaims) { c.Name = "Ann\x1b[31m" }, "token name has control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, claims(tt.mod)))
			if chat.ErrorCode(err) != chat.EUNAUTHORIZED || !strings.HasSuffix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// At the limits, and with spaces inside, the player is accepted.
	ok := claims(func(c *PlayerClaims) { c.Subject, c.Name = strings.Repeat("p", 128), strings.Repeat("я", 256) })
	if _, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, ok)); err != nil {
		t.Fatalf("token at the limits refused: %v", err)
	}
	if p, err := v.Verify(sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.Name = "Анна Ли" }))); err != nil || p.Name != "Анна Ли" {
		t.Fatalf("name with a space: %+v %v", p, err)
	}
}
