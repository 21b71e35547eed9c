package auth

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// No string but a token the signer made verifies, and a verified player's
// id and name are storable; nothing panics.
func FuzzVerify(f *testing.F) {
	secret := []byte("fuzz-secret-fuzz-secret-fuzz-1234")
	// A fixed clock: every fuzz worker process runs this setup again, and
	// the good token must be the same in each (time.Now() could differ by
	// a second between them, and then the seed from another process looks
	// forged).
	issued := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	v, err := NewHS256Verifier(secret, VerifierOptions{Audience: "switchboard", Now: func() time.Time { return issued.Add(time.Minute) }})
	if err != nil {
		f.Fatal(err)
	}
	good, err := NewHS256Signer(secret, "switchboard").Sign(chat.Player{ID: "42", Name: "Anna"}, time.Hour, issued)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{good, "", "a.b.c", good + "x", strings.Replace(good, ".", "..", 1),
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiI0MiJ9.", "Bearer " + good} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(token)
		if err != nil {
			return
		}
		if strings.TrimSpace(token) != good { // surrounding white space is trimmed on purpose
			t.Fatalf("a token the signer did not make verified: %q → %+v", token, p)
		}
		if p.ID == "" || len(p.ID) > 128 || strings.ContainsFunc(p.ID, unicode.IsControl) {
			t.Fatalf("verified an unstorable player id %q", p.ID)
		}
	})
}
