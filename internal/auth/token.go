// Package auth verifies the player tokens the casino site signs and mints
// them for development. Staff accounts and sessions join it with the
// operator console.
package auth

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// PlayerClaims are the claims of a player token. sub, exp and aud are
// required; name and locale fill the player; vip_level and verified, and
// any string under attrs, become player attributes.
type PlayerClaims struct {
	Name     string            `json:"name,omitempty"`
	Locale   string            `json:"locale,omitempty"`
	VIPLevel *int              `json:"vip_level,omitempty"`
	Verified *bool             `json:"verified,omitempty"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	jwt.RegisteredClaims
}

// Verifier checks player tokens: the signature (HS256 with a shared secret,
// or EdDSA with the site's public key), the audience and the expiry.
type Verifier struct {
	key      any
	method   jwt.SigningMethod
	audience string
	maxTTL   time.Duration
	now      func() time.Time
}

// VerifierOptions configure a Verifier.
type VerifierOptions struct {
	Audience string        // required value of aud
	MaxTTL   time.Duration // tokens valid for longer than this are refused (0 = 24h)
	Now      func() time.Time
}

// NewHS256Verifier verifies tokens signed with a shared secret of at least
// 32 bytes.
func NewHS256Verifier(secret []byte, opts VerifierOptions) (*Verifier, error) {
	if len(secret) < 32 {
		return nil, chat.Errorf(chat.EINVALID, "HS256 secret must be at least 32 bytes, got %d", len(secret))
	}
	return newVerifier(secret, jwt.SigningMethodHS256, opts)
}

// NewEdDSAVerifier verifies tokens signed with the private half of pub.
func NewEdDSAVerifier(pub ed25519.PublicKey, opts VerifierOptions) (*Verifier, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, chat.Errorf(chat.EINVALID, "bad Ed25519 public key size %d", len(pub))
	}
	return newVerifier(pub, jwt.SigningMethodEdDSA, opts)
}

func newVerifier(key any, m jwt.SigningMethod, opts VerifierOptions) (*Verifier, error) {
	if opts.Audience == "" {
		return nil, chat.Errorf(chat.EINVALID, "token audience required")
	}
	if opts.MaxTTL == 0 {
		opts.MaxTTL = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Verifier{key: key, method: m, audience: opts.Audience, maxTTL: opts.MaxTTL, now: opts.Now}, nil
}

// ParseEd25519PublicKey reads a PEM "PUBLIC KEY" (PKIX) Ed25519 key.
func ParseEd25519PublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, chat.Errorf(chat.EINVALID, "public key is not PEM")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, chat.Errorf(chat.EINVALID, "parse public key: %v", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, chat.Errorf(chat.EINVALID, "public key is %T, want Ed25519", key)
	}
	return pub, nil
}

// maxTokenBytes bounds what is parsed at all.
const maxTokenBytes = 4096

// Verify checks a token and returns the player it names. Every failure is
// EUNAUTHORIZED with a message safe to show: missing, malformed, forged,
// wrong algorithm, expired, not yet valid, wrong audience, too long-lived,
// or without a subject.
func (v *Verifier) Verify(token string) (chat.Player, error) {
	p, _, err := v.VerifyExpiry(token)
	return p, err
}

// VerifyExpiry is Verify that also returns when the token expires, for
// connections that must end with it.
func (v *Verifier) VerifyExpiry(token string) (chat.Player, time.Time, error) {
	p, claims, err := v.verify(token)
	if err != nil {
		return chat.Player{}, time.Time{}, err
	}
	return p, claims.ExpiresAt.Time, nil
}

func (v *Verifier) verify(token string) (chat.Player, PlayerClaims, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return chat.Player{}, PlayerClaims{}, chat.Errorf(chat.EUNAUTHORIZED, "token required")
	}
	if len(token) > maxTokenBytes {
		return chat.Player{}, PlayerClaims{}, chat.Errorf(chat.EUNAUTHORIZED, "token too long")
	}
	var claims PlayerClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{v.method.Alg()}),
		jwt.WithAudience(v.audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(v.now),
		jwt.WithLeeway(30*time.Second),
		jwt.WithStrictDecoding(), // one spelling per signature: the unused low bits of its last character must be zero
	)
	_, err := parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil })
	if err != nil {
		return chat.Player{}, PlayerClaims{}, chat.Errorf(chat.EUNAUTHORIZED, "%s", tokenProblem(err))
	}
	if problem := claims.problem(); problem != "" {
		return chat.Player{}, PlayerClaims{}, chat.Errorf(chat.EUNAUTHORIZED, "%s", problem)
	}
	if claims.ExpiresAt.Sub(v.now()) > v.maxTTL {
		return chat.Player{}, PlayerClaims{}, chat.Errorf(chat.EUNAUTHORIZED, "token lives longer than %s", v.maxTTL)
	}
	return claims.player(), claims, nil
}

func tokenProblem(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "token audience mismatch"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token lacks a required claim"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "token signature invalid"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token malformed"
	}
	return "token invalid"
}

func (c PlayerClaims) player() chat.Player {
	p := chat.Player{ID: c.Subject, Name: c.Name, Locale: c.Locale, Attributes: map[string]string{}}
	if !chat.SupportedLocale(p.Locale) {
		p.Locale = chat.DefaultLocale
	}
	for k, val := range c.Attrs {
		if len(p.Attributes) >= 32 {
			break
		}
		p.Attributes[k] = val
	}
	if c.VIPLevel != nil {
		p.Attributes["vip_level"] = strconv.Itoa(*c.VIPLevel)
	}
	if c.Verified != nil {
		p.Attributes["verified"] = strconv.FormatBool(*c.Verified)
	}
	return p
}

// Signer mints player tokens, for development and the demo page.
type Signer struct {
	key      any
	method   jwt.SigningMethod
	audience string
}

// NewHS256Signer signs with a shared secret.
func NewHS256Signer(secret []byte, audience string) *Signer {
	return &Signer{key: secret, method: jwt.SigningMethodHS256, audience: audience}
}

// NewEdDSASigner signs with an Ed25519 private key.
func NewEdDSASigner(priv ed25519.PrivateKey, audience string) *Signer {
	return &Signer{key: priv, method: jwt.SigningMethodEdDSA, audience: audience}
}

// Sign returns a token for p valid for ttl.
func (s *Signer) Sign(p chat.Player, ttl time.Duration, now time.Time) (string, error) {
	c := PlayerClaims{Name: p.Name, Locale: p.Locale, RegisteredClaims: jwt.RegisteredClaims{
		Subject: p.ID, Audience: jwt.ClaimStrings{s.audience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	for k, v := range p.Attributes {
		switch k {
		case "vip_level":
			if n, err := strconv.Atoi(v); err == nil {
				c.VIPLevel = &n
				continue
			}
		case "verified":
			if b, err := strconv.ParseBool(v); err == nil {
				c.Verified = &b
				continue
			}
		}
		if c.Attrs == nil {
			c.Attrs = map[string]string{}
		}
		c.Attrs[k] = v
	}
	tok, err := jwt.NewWithClaims(s.method, c).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return tok, nil
}
