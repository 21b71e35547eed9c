package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-support/switchboard/internal/chat"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock  = func() time.Time { return now }
)

func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(mod func(*PlayerClaims)) PlayerClaims {
	c := PlayerClaims{Name: "Ann", Locale: "ru", RegisteredClaims: jwt.RegisteredClaims{
		Subject: "p-1", Audience: jwt.ClaimStrings{"switchboard"}, ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		IssuedAt: jwt.NewNumericDate(now)}}
	if mod != nil {
		mod(&c)
	}
	return c
}

func TestVerifyHS256Matrix(t *testing.T) {
	v, err := NewHS256Verifier(secret, VerifierOptions{Audience: "switchboard", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	level, verified := 3, true
	tests := []struct {
		name  string
		token string
		want  string // "" = valid; else the error message
	}{
		{"valid", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.VIPLevel, c.Verified = &level, &verified })), ""},
		{"empty", "", "token required"},
		{"garbage", "not.a.token", "token malformed"},
		{"forged", sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), claims(nil)), "token signature invalid"},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)), "token signature invalid"},
		{"other algorithm", sign(t, jwt.SigningMethodEdDSA, priv, claims(nil)), "token signature invalid"},
		{"expired", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute)) })), "token expired"},
		{"not yet valid", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour)) })), "token not valid yet"},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.Audience = jwt.ClaimStrings{"casino-admin"} })), "token audience mismatch"},
		{"no audience", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.Audience = nil })), "token"},
		{"no expiry", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.ExpiresAt = nil })), "token lacks a required claim"},
		{"no subject", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.Subject = "" })), "token has no subject"},
		{"lives too long", sign(t, jwt.SigningMethodHS256, secret, claims(func(c *PlayerClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(48 * time.Hour)) })), "token lives longer than 24h0m0s"},
		{"huge", strings.Repeat("a", 5000), "token too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(tt.token)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid token refused: %v", err)
				}
				if p.ID != "p-1" || p.Name != "Ann" || p.Locale != "ru" || p.Attributes["vip_level"] != "3" || p.Attributes["verified"] != "true" {
					t.Fatalf("player = %+v", p)
				}
				return
			}
			if chat.ErrorCode(err) != chat.EUNAUTHORIZED || !strings.Contains(chat.ErrorMessage(err), tt.want) {
				t.Fatalf("got %v, want unauthorized %q", err, tt.want)
			}
		})
	}
}

func TestVerifyEdDSA(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseEd25519PublicKey(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewEdDSAVerifier(parsed, VerifierOptions{Audience: "switchboard", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := NewEdDSASigner(priv, "switchboard").Sign(chat.Player{ID: "p-9", Name: "Bob", Locale: "xx",
		Attributes: map[string]string{"segment": "high-roller"}}, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "p-9" || p.Locale != chat.DefaultLocale || p.Attributes["segment"] != "high-roller" {
		t.Errorf("player = %+v (unsupported locale falls back to the default)", p)
	}
	// An HS256 token "signed" with the public key bytes (algorithm confusion) is refused.
	confused := sign(t, jwt.SigningMethodHS256, []byte(pub), claims(nil))
	if _, err := v.Verify(confused); chat.ErrorCode(err) != chat.EUNAUTHORIZED {
		t.Errorf("alg confusion accepted: %v", err)
	}
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	forged, _ := NewEdDSASigner(otherPriv, "switchboard").Sign(chat.Player{ID: "p-9"}, time.Hour, now)
	if _, err := v.Verify(forged); chat.ErrorCode(err) != chat.EUNAUTHORIZED {
		t.Errorf("forged EdDSA accepted: %v", err)
	}
}

func TestSignerRoundTripHS256(t *testing.T) {
	v, _ := NewHS256Verifier(secret, VerifierOptions{Audience: "aud", Now: clock})
	tok, err := NewHS256Signer(secret, "aud").Sign(chat.Player{ID: "x", Name: "Иван", Locale: "ru",
		Attributes: map[string]string{"vip_level": "2", "verified": "false"}}, 10*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(tok)
	if err != nil || p.Name != "Иван" || p.Attributes["vip_level"] != "2" || p.Attributes["verified"] != "false" {
		t.Fatalf("round trip: %+v %v", p, err)
	}
}

func TestVerifierConfig(t *testing.T) {
	if _, err := NewHS256Verifier([]byte("short"), VerifierOptions{Audience: "a"}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("short secret: %v", err)
	}
	if _, err := NewHS256Verifier(secret, VerifierOptions{}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("no audience: %v", err)
	}
	if _, err := ParseEd25519PublicKey([]byte("nope")); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("bad pem: %v", err)
	}
}

// TestVerifyOneSpellingPerSignature: a signature re-spelt in the unused low
// bits of its last base64 character decodes to the same bytes; it is
// refused, so a token has exactly one accepted form.
func TestVerifyOneSpellingPerSignature(t *testing.T) {
	v, _ := NewHS256Verifier(secret, VerifierOptions{Audience: "aud", Now: clock})
	tok, err := NewHS256Signer(secret, "aud").Sign(chat.Player{ID: "x"}, 10*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	respelt := tok[:len(tok)-1] + string(alphabet[last^1]) // an HS256 signature leaves 2 bits unused
	if _, err := v.Verify(respelt); chat.ErrorCode(err) != chat.EUNAUTHORIZED {
		t.Errorf("re-spelt signature accepted: %v", err)
	}
	if _, err := v.Verify(" " + tok + "\n"); err != nil {
		t.Errorf("token with surrounding white space refused: %v", err)
	}
}
