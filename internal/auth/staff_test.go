package auth

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") || CheckPassword(nil, "") {
		t.Fatal("password check wrong")
	}
	for _, bad := range []string{"short", string(make([]byte, 73))} {
		if _, err := HashPassword(bad); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("HashPassword(%d bytes) = %v, want invalid", len(bad), err)
		}
	}
}

func TestSessionTokens(t *testing.T) {
	tok, hash, err := NewSessionToken()
	if err != nil {
		t.Fatal(err)
	}
	tok2, _, _ := NewSessionToken()
	if tok == tok2 || len(tok) < 40 || HashSessionToken(tok) != hash || hash == tok {
		t.Fatalf("tokens %q %q hash %q", tok, tok2, hash)
	}
	c1, _ := NewCSRFToken()
	c2, _ := NewCSRFToken()
	if c1 == c2 || len(c1) < 30 {
		t.Fatalf("csrf tokens %q %q", c1, c2)
	}
}
