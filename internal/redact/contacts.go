package redact

import (
	"regexp"
	"strings"
)

var (
	email = regexp.MustCompile(`(?i)\b([a-z0-9._%+-])[a-z0-9._%+-]*@([a-z0-9.-]+\.[a-z]{2,})\b`)
	// A phone number: 7–15 digits, optionally with a leading +, spaces,
	// dashes, dots or parentheses between them.
	phone = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
	// Dates look like short phone numbers: "2026-12-06", "06.12.2026".
	date = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}|\d{2}[./-]\d{2}[./-]\d{2,4})$`)
)

// Contacts masks e-mail addresses (the first letter and the domain stay:
// "a***@example.com") and phone numbers (the last two digits stay), for
// staff views where an operator needs to see that the player wrote one,
// not the address itself. It reports whether anything was masked.
func Contacts(text string) (string, bool) {
	masked := false
	out := email.ReplaceAllStringFunc(text, func(m string) string {
		masked = true
		p := email.FindStringSubmatch(m)
		return p[1] + "***@" + p[2]
	})
	out = phone.ReplaceAllStringFunc(out, func(m string) string {
		n := digits(m)
		if n < 7 || n > 15 || strings.Contains(m, "*") || date.MatchString(m) {
			return m
		}
		masked = true
		b := []byte(m)
		maskDigits(b, 2)
		return string(b)
	})
	return out, masked
}
