package intents

import (
	"strings"
	"unicode"
)

// Keyboard layouts: the same key on an English QWERTY and a Russian ЙЦУКЕН
// keyboard, unshifted and shifted.
const (
	layoutEN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?"
	layoutRU = "ёйцукенгшщзхъфывапролджэячсмитьбю.ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,"
)

// convertLayout retypes s as if the same keys were pressed on the other
// layout: toRU maps English keys to Russian letters, otherwise Cyrillic
// letters are mapped to the English keys. Other characters are kept.
func convertLayout(s string, toRU bool) string {
	from, to := []rune(layoutEN), []rune(layoutRU)
	if !toRU {
		from, to = to, from
	}
	var b strings.Builder
	for _, r := range s {
		out := r
		for i, f := range from {
			if f == r {
				if toRU || unicode.IsLetter(r) {
					out = to[i]
				}
				break
			}
		}
		b.WriteRune(out)
	}
	return b.String()
}

// chunkScript returns the script of the letters of a whitespace-separated
// chunk, or scriptOther when it mixes scripts or has no letters.
func chunkScript(s string) script {
	sc := scriptOther
	for _, r := range s {
		var this script
		switch {
		case r < 128 && unicode.IsLetter(r):
			this = scriptLatin
		case unicode.Is(unicode.Cyrillic, r):
			this = scriptCyrillic
		case unicode.IsLetter(r):
			return scriptOther
		default:
			continue
		}
		if sc != scriptOther && sc != this {
			return scriptOther
		}
		sc = this
	}
	return sc
}

// knownScore rates how familiar the words of s are: 2 per word seen in
// training (or whose stem was), 1 per word one typo away from one.
func (l *lexicon) knownScore(s string) (score int) {
	for _, w := range normalizeWords(s) {
		switch {
		case l.knownWord(w):
			score += 2
		default:
			if _, ok := l.correct(w); ok {
				score++
			}
		}
	}
	return score
}

// repairLayout undoes a wrong keyboard layout, word by word: a chunk typed
// in one script is retyped on the other layout when the retyped reading is
// more familiar to the model. Chunks familiar in neither reading follow the
// majority of the chunks that were decided.
func (l *lexicon) repairLayout(text string) string {
	if l == nil {
		return text
	}
	chunks := strings.Fields(text)
	if len(chunks) == 0 {
		return text
	}
	alt := make([]string, len(chunks))
	undecided := make([]bool, len(chunks))
	converted, kept := 0, 0
	for i, c := range chunks {
		sc := chunkScript(c)
		if sc == scriptOther || sc == scriptLatin && !l.cyrillic || sc == scriptCyrillic && !l.latin {
			continue // nothing to repair into
		}
		if l.allKnown(c) {
			kept++
			continue
		}
		a := convertLayout(c, sc == scriptLatin)
		if sc == scriptLatin {
			// A trailing comma or full stop is more likely punctuation.
			if t := strings.TrimRight(c, ",."); t != c && t != "" {
				if l.knownScore(convertLayout(t, true)) > 0 {
					a = convertLayout(t, true) + c[len(t):]
				}
			}
		}
		orig, conv := l.knownScore(c), l.knownScore(a)
		alt[i] = a
		switch {
		case conv > orig:
			chunks[i] = a
			converted++
		case orig > 0:
			kept++
		default:
			undecided[i] = true
		}
	}
	if converted == 0 {
		return text
	}
	if converted > kept {
		for i, u := range undecided {
			if u {
				chunks[i] = alt[i]
			}
		}
	}
	return strings.Join(chunks, " ")
}

// allKnown reports whether every word of s occurred in training.
func (l *lexicon) allKnown(s string) bool {
	for _, w := range normalizeWords(s) {
		if _, ok := l.stems[w]; !ok {
			return false
		}
	}
	return true
}
