package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// normalizeWords lowercases text, folds ё to е, drops apostrophes inside
// words ("what's" → "whats") and splits on everything that is not a letter
// or a digit. The result never contains empty strings.
func normalizeWords(text string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	prevLetter := false
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			b.WriteRune(r)
			prevLetter = true
		case isApostrophe(r) && prevLetter && nextIsLetter(text[i+utf8.RuneLen(r):]):
			// keep the word together: "don't" → "dont"
		default:
			flush()
			prevLetter = false
		}
	}
	flush()
	return words
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '`' || r == 'ʼ'
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// script tells which stemmer applies to a normalized word.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
)

func wordScript(w string) script {
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
			return scriptLatin
		case r >= 'а' && r <= 'я':
			return scriptCyrillic
		}
	}
	return scriptOther
}

// stemWord returns the snowball stem of a normalized word: Russian for
// Cyrillic words, English for Latin ones, the word itself otherwise.
func stemWord(w string) string {
	switch wordScript(w) {
	case scriptCyrillic:
		return russian.Stem(w, true)
	case scriptLatin:
		return english.Stem(w, true)
	}
	return w
}

// isNumber reports whether w consists of digits only.
func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}
