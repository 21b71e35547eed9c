package flows

import (
	"strings"
	"unicode"
)

// detectLocale guesses the language a message is written in: "ru" for
// mostly Cyrillic text, "en" for Latin text of at least two words, "" when
// it cannot tell (short answers, numbers, codes, mixed text). A player
// writing Russian on the English site gets Russian answers, and the
// choice sticks for the rest of the conversation.
func detectLocale(text string) string {
	var cyr, lat, letters int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if letters < 4 {
		return ""
	}
	switch {
	case float64(cyr) >= 0.6*float64(letters):
		return "ru"
	case float64(lat) >= 0.9*float64(letters) && len(strings.Fields(text)) >= 2:
		return "en"
	}
	return ""
}
