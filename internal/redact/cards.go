// Package redact removes what must never be stored: payment card numbers
// and the security codes written next to them.
package redact

import (
	"regexp"
	"strings"
)

// A run of digits, single spaces or dashes between them.
var digitRun = regexp.MustCompile(`\d(?:[ -]?\d)*`)

// A security code named as such: "cvv 123", "CVC2: 1234", "код 123".
var namedCode = regexp.MustCompile(`(?i)(cvv2?|cvc2?|csc|cvv-?код|код безопасности|код)(\W{0,3})(\d{3,4})\b`)

// What may follow a card number before its code: an expiry date
// ("12/26", "exp 01-2029") and a few other characters.
var expiry = regexp.MustCompile(`^\D{0,8}?(0[1-9]|1[0-2])\s?[/-]\s?(\d{4}|\d{2})`)

// A lone 3–4 digit group within a few characters (no sentence end).
var codeAfter = regexp.MustCompile(`^([^\d.!?\n]{0,12}?)(\d{3,4})(?:\D|$)`)

// groupFollows reports whether s goes on with another digit group (" 45"):
// the digits before it belong to a longer number, not a code.
func groupFollows(s string) bool {
	return len(s) >= 2 && (s[0] == ' ' || s[0] == '-') && s[1] >= '0' && s[1] <= '9'
}

// Cards masks every Luhn-valid card number in text — all digits but the
// last four become "*", separators kept — and the security code next to
// one (named "cvv"/"код", or a lone 3–4 digit group right after it or after
// its expiry date). It reports whether anything was masked. A 13–19 digit
// number that happens to pass the Luhn check (one in ten) is masked too.
func Cards(text string) (string, bool) {
	out := []byte(text)
	masked := false
	locs := digitRun.FindAllStringIndex(text, -1)
	for _, loc := range locs {
		run := text[loc[0]:loc[1]]
		lastCard, coded := -1, false
		// A run may hold several numbers, or start with other digits
		// ("order 12 4111 …"): try each group start in turn.
		for pos := 0; pos < len(run); {
			end, ok := cardPrefix(run[pos:])
			if !ok {
				next := strings.IndexAny(run[pos:], " -")
				if next < 0 {
					break
				}
				pos += next + 1
				continue
			}
			masked = true
			maskDigits(out[loc[0]+pos:loc[0]+pos+end], 4)
			pos += end
			lastCard = loc[0] + pos
			if rest := strings.TrimLeft(run[pos:], " -"); isCode(rest) { // "… 1111 123"
				maskDigits(out[loc[1]-len(rest):loc[1]], 0)
				coded = true
				break
			}
			pos = min(pos+1, len(run)) // past the separator: another number may follow
		}
		if lastCard < 0 || coded {
			continue
		}
		// The code after the last number, past an expiry date.
		from := lastCard
		if m := expiry.FindStringIndex(text[from:]); m != nil {
			from += m[1]
		}
		if m := codeAfter.FindStringSubmatchIndex(text[from:]); m != nil && !groupFollows(text[from+m[5]:]) {
			maskDigits(out[from+m[4]:from+m[5]], 0)
		}
	}
	if !masked {
		return text, false
	}
	return namedCode.ReplaceAllStringFunc(string(out), func(m string) string {
		parts := namedCode.FindStringSubmatch(m)
		return parts[1] + parts[2] + strings.Repeat("*", len(parts[3]))
	}), true
}

// cardPrefix finds the longest Luhn-valid card number (13–19 digits) that
// run starts with, ending at a group boundary or the run's end ("4111 1111
// 1111 1111 12" is a number and the month of its expiry date). It returns
// its length in run.
func cardPrefix(run string) (int, bool) {
	for end := len(run); end > 0; {
		if n := digits(run[:end]); n >= 13 && n <= 19 && luhn(run[:end]) {
			return end, true
		}
		cut := strings.LastIndexAny(run[:end], " -")
		if cut < 0 {
			return 0, false
		}
		end = cut
	}
	return 0, false
}

func isCode(s string) bool {
	return (len(s) == 3 || len(s) == 4) && digits(s) == len(s)
}

func digits(s string) int {
	n := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// maskDigits replaces all but the last keep digits of b with '*'.
func maskDigits(b []byte, keep int) {
	left := digits(string(b)) - keep
	for i := range b {
		if left > 0 && b[i] >= '0' && b[i] <= '9' {
			b[i] = '*'
			left--
		}
	}
}

// luhn reports whether the digits of s pass the Luhn check.
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
