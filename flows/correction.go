package flows

import (
	"regexp"
	"slices"
	"strings"
)

// corrections are the ways players correct their last question: what they
// meant (group "want") instead of what they wrote (group "wrote"). Only
// the "I meant" forms may be a question of their own; "не X, а Y" is a
// correction only when X is in the last question ("не работает, а что
// делать?" is not one).
var (
	meant = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(?:sorry|oops|sry)?[,.!\s]*i meant (?:to say )?(?P<want>.+?)(?:,?\s+not (?:a |an |the )?(?P<wrote>.+?))?[.!?\s]*$`),
		regexp.MustCompile(`(?i)^(?:ой|извините|сорри|пардон)?[,.!\s]*(?:я\s+)?(?:имел|имела|имею)\s+в\s+виду\s+(?P<want>.+?)(?:,?\s+а\s+не\s+(?P<wrote>.+?))?[.!?\s]*$`),
	}
	insteadOf = regexp.MustCompile(`(?i)^(?:ой|извините|сорри|пардон)?[,.!\s]*не\s+(?P<wrote>[^,]+?),\s*а\s+(?P<want>.+?)[.!?\s]*$`)
)

// corrected reads a correction of the player's last question as that
// question corrected: "sorry i meant withdrawal not deposit" after "whats
// the minimum deposit" is "whats the minimum withdrawal". It needs what was
// written to be in the last question, or what was meant to be a question of
// its own (three words or more).
func corrected(text, last string) (string, bool) {
	if last == "" {
		return "", false
	}
	// "sorry. i meant cashback not free spins. when does it come?": the
	// correction may end at any sentence end, a question on what was
	// meant following it.
	for i, r := range text {
		if !strings.ContainsRune(".!?", r) {
			continue
		}
		rest := strings.TrimSpace(text[i+1:])
		if rest == "" {
			break
		}
		if c, ok := correctedWhole(text[:i+1], last); ok {
			return c + " " + rest, true
		}
	}
	return correctedWhole(text, last)
}

func correctedWhole(text, last string) (string, bool) {
	for _, re := range slices.Concat(meant, []*regexp.Regexp{insteadOf}) {
		m := re.FindStringSubmatch(strings.TrimSpace(text))
		if m == nil {
			continue
		}
		want, wrote := m[re.SubexpIndex("want")], m[re.SubexpIndex("wrote")]
		if wrote != "" {
			// Found in last itself, case-insensitively: the lower-case
			// text may be longer than last ("Ⱥ").
			if re, err := regexp.Compile(`(?i)` + regexp.QuoteMeta(wrote)); err == nil { // invalid UTF-8 does not compile
				if loc := re.FindStringIndex(last); loc != nil {
					return last[:loc[0]] + want + last[loc[1]:], true
				}
			}
		}
		if re != insteadOf && len(strings.Fields(want)) >= 3 {
			return want, true
		}
	}
	return "", false
}
