package redact

import (
	"regexp"
	"strings"
	"testing"
)

// Whatever the text, no Luhn-valid card number survives, masking only
// replaces digits, and nothing panics.
func FuzzCards(f *testing.F) {
	for _, seed := range []string{"4111 1111 1111 1111 12/26 123", "карта 5555-5555-5555-4444 код 321", "1234567890123456",
		"tel +7 916 123 45 67", "4111111111111111411111111111111141111111111111114111111111111111"} {
		f.Add(seed)
	}
	// Maximal runs of digits (single spaces or dashes between them): a run
	// of 13–19 digits, or its leading groups, may be a card number; longer
	// unbroken runs are not card numbers.
	digitsRun := regexp.MustCompile(`\d(?:[ -]?\d)*`)
	f.Fuzz(func(t *testing.T, text string) {
		out, _ := Cards(text)
		if len(out) != len(text) {
			t.Fatalf("length changed: %q → %q", text, out)
		}
		for i := range len(text) {
			if out[i] != text[i] && (out[i] != '*' || text[i] < '0' || text[i] > '9') {
				t.Fatalf("byte %d changed from %q to %q", i, text[i], out[i])
			}
		}
		marked := strings.ReplaceAll(out, "*", "x")
		for _, loc := range digitsRun.FindAllStringIndex(marked, -1) {
			m := marked[loc[0]:loc[1]]
			if loc[0] > 0 && marked[loc[0]-1] == 'x' ||
				loc[0] > 1 && strings.ContainsRune(" -", rune(marked[loc[0]-1])) && marked[loc[0]-2] == 'x' {
				continue // the kept last four of a masked number and what follows
			}
			if n := strings.Count(m, "") - 1 - strings.Count(m, " ") - strings.Count(m, "-"); n > 19 {
				continue
			}
			for end := len(m); end > 0; {
				if n := digits(m[:end]); n >= 13 && n <= 19 && luhn(m[:end]) {
					t.Fatalf("card number %q left in %q", m[:end], out)
				}
				cut := strings.LastIndexAny(m[:end], " -")
				if cut < 0 {
					break
				}
				end = cut
			}
		}
	})
}
