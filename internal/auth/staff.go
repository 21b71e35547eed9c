package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// MinPasswordLength is the shortest staff password accepted.
const MinPasswordLength = 10

// HashPassword returns the bcrypt hash of a staff password. Too short or too
// long (bcrypt reads at most 72 bytes) passwords are EINVALID.
func HashPassword(password string) ([]byte, error) {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return nil, chat.Errorf(chat.EINVALID, "password must have at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		return nil, chat.Errorf(chat.EINVALID, "password must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// CheckPassword reports whether password matches hash, in constant time.
func CheckPassword(hash []byte, password string) bool {
	return len(hash) > 0 && bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// dummyHash is compared against when a login does not exist, so a wrong
// login takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password at all"), bcrypt.DefaultCost)

// CheckNoPassword spends the time of a password check, for unknown logins.
func CheckNoPassword(password string) { _ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) }

// NewSessionToken returns a random session token for the cookie and the
// hash to store: a stolen database does not hand out live sessions.
func NewSessionToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("auth: session token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashSessionToken(token), nil
}

// HashSessionToken is the stored form of a session token.
func HashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewCSRFToken returns a random token a session's pages must echo in the
// X-CSRF-Token header of every state-changing request.
func NewCSRFToken() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: csrf token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
