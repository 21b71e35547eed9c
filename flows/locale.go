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
	if l := scriptLocale(text); l != "" {
		return l
	}
	// "sorry can i write in russian? деньги так и не пришли": in a mixed
	// message the last sentence, when it is long enough to tell, says
	// which language the player goes on in.
	if i := strings.LastIndexAny(strings.TrimRight(text, "?!. "), "?!."); i > 0 {
		if rest := text[i+1:]; len(strings.Fields(rest)) >= 3 {
			return scriptLocale(rest)
		}
	}
	return ""
}

// scriptLocale is detectLocale for one piece of text, by its letters.
func scriptLocale(text string) string {
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

// isLatinWord reports whether text is a single word of four or more Latin
// letters (surrounding punctuation allowed).
func isLatinWord(text string) bool {
	w := strings.TrimFunc(strings.TrimSpace(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len([]rune(w)) < 4 || strings.ContainsFunc(w, func(r rune) bool { return !unicode.Is(unicode.Latin, r) }) {
		return false
	}
	return true
}

// partlyTransliterated reports whether the classifier's reading of a
// message spelled at least one of its Latin words in Cyrillic ("vy bot?" →
// "вы bot?") and the Latin words it left are too few to be an English
// sentence of their own: fewer than three, or no more than the words it
// transliterated. Such a message is Russian typed in Latin letters, with a
// borrowed word or two left as typed; "my vyvod is pending" stays English.
func partlyTransliterated(typed, read string) bool {
	_, cyrTyped := wordScripts(typed)
	latRead, cyrRead := wordScripts(read)
	converted := cyrRead - cyrTyped
	return converted > 0 && (latRead < 3 || latRead <= converted)
}

// wordScripts counts the words of text written wholly in Latin letters and
// those with a Cyrillic letter.
func wordScripts(text string) (latin, cyrillic int) {
	for _, w := range strings.Fields(text) {
		var lat, cyr bool
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyr = true
			case unicode.Is(unicode.Latin, r):
				lat = true
			}
		}
		switch {
		case cyr:
			cyrillic++
		case lat:
			latin++
		}
	}
	return latin, cyrillic
}
