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
		_, inVocabulary := l.vocabulary[w]
		switch {
		case l.knownWord(w) || inVocabulary:
			score += 2
		default:
			if _, ok := l.correct(w); ok {
				score++
			}
		}
	}
	return score
}

// repairLayout undoes a wrong keyboard layout and Russian typed in Latin
// letters, word by word: a chunk is retyped on the other layout, or
// spelled in Cyrillic (translitVariants), when that reading is more
// familiar to the model than the chunk as typed. Once most decided chunks
// were retyped, the rest follow the majority when their retyped reading is
// at least as familiar (short words like "ещ" for "to"), and so do chunks
// familiar in neither reading.
func (l *lexicon) repairLayout(text string) string {
	if l == nil {
		return text
	}
	chunks := strings.Fields(text)
	if len(chunks) == 0 {
		return text
	}
	type reading struct {
		layout, translit           string
		layoutScore, translitScore int
	}
	readings := make([]reading, len(chunks))
	layoutSum, translitSum := 0, 0
	for i, c := range chunks {
		if chunkScript(c) != scriptLatin || !l.cyrillic || l.allKnown(c) && !l.rare(c) {
			continue
		}
		r := &readings[i]
		r.layout, r.layoutScore = l.layoutReading(c, scriptLatin)
		r.translit, r.translitScore = l.translitReading(c)
		layoutSum += r.layoutScore
		translitSum += r.translitScore
	}
	// A message is typed either on the wrong layout or in translit:
	// judge its Latin chunks one way.
	useTranslit := translitSum > layoutSum
	alt := make([]string, len(chunks))
	follow, weak := make([]bool, len(chunks)), make([]bool, len(chunks))
	converted, kept := 0, 0
	for i, c := range chunks {
		sc := chunkScript(c)
		if sc == scriptOther || sc == scriptLatin && !l.cyrillic || sc == scriptCyrillic && !l.latin {
			continue // nothing to repair into
		}
		if sc == scriptLatin && letterCount(c) == 1 {
			// "k", "u", "v": a letter alone is a word in both languages
			// ("k ty" is "ok, thank you"); it follows the message.
			if useTranslit {
				alt[i], _ = l.translitReading(c)
			} else {
				alt[i], _ = l.layoutReading(c, sc)
			}
			follow[i] = alt[i] != ""
			continue
		}
		if l.allKnown(c) && !(sc == scriptLatin && useTranslit && l.translitWord(c)) {
			kept++
			// "kak otygrat bonus": a word known in English that is also a
			// Russian word in Latin letters follows the message's other
			// transliterated words.
			if sc == scriptLatin && useTranslit {
				if v := l.exactTranslit(c); v != "" {
					alt[i], follow[i] = v, true
				}
			}
			continue
		}
		var a string
		var conv int
		switch {
		case sc == scriptCyrillic:
			a, conv = l.layoutReading(c, sc)
		case useTranslit:
			a, conv = readings[i].translit, readings[i].translitScore
		default:
			a, conv = readings[i].layout, readings[i].layoutScore
		}
		orig := l.knownScore(c)
		alt[i] = a
		switch {
		case conv > orig:
			chunks[i] = a
			converted++
			weak[i] = !useTranslit && conv < 2*len(normalizeWords(a)) // retyped, only a typo away from a known word
		case orig > 0:
			kept++
			follow[i] = conv > 0 && conv == orig
		default:
			follow[i] = true
		}
	}
	if converted == 0 {
		return text
	}
	if converted > kept {
		for i, f := range follow {
			if f {
				chunks[i] = alt[i]
			}
		}
	} else {
		// "bruh. fine thx": in a message mostly kept as typed, a chunk
		// retyped on the other layout whose reading is only a typo away
		// from a known word ("икгр") stays as typed. (A transliterated
		// one stays converted: an unknown Latin word read as Russian is
		// evidence of Russian.)
		original := strings.Fields(text)
		for i, w := range weak {
			if w {
				chunks[i] = original[i]
			}
		}
	}
	return strings.Join(chunks, " ")
}

// layoutReading returns a chunk typed in script sc retyped on the other
// keyboard layout, and its knownScore.
func (l *lexicon) layoutReading(c string, sc script) (string, int) {
	a := convertLayout(c, sc == scriptLatin)
	if sc == scriptLatin {
		// A trailing comma or full stop is more likely punctuation.
		if t := strings.TrimRight(c, ",."); t != c && t != "" {
			if l.knownScore(convertLayout(t, true)) > 0 {
				a = convertLayout(t, true) + c[len(t):]
			}
		}
	}
	return a, l.knownScore(a)
}

// translitReading returns the best Cyrillic spelling of a Latin chunk read
// as transliterated Russian, spelling-corrected, and its knownScore; a
// chunk no spelling of which is known ("dollary") keeps its first
// spelling, so that a message read in translit does not lose the word.
func (l *lexicon) translitReading(c string) (string, int) {
	best, score := "", 0
	variants := translitVariants(c)
	if len(variants) > 0 {
		best = variants[0]
	}
	for _, v := range variants {
		if s := l.knownScore(v); s > score {
			best, score = l.spellCorrected(v), s
		}
	}
	return best, score
}

// spellCorrected replaces the words of a transliterated chunk that never
// occurred in training by their one-typo corrections ("денги" →
// "деньги"), so that what the search and the reply-language check see is
// the word the player meant.
func (l *lexicon) spellCorrected(s string) string {
	words := normalizeWords(s)
	changed := false
	for i, w := range words {
		if _, seen := l.stems[w]; seen {
			continue
		}
		if c, ok := l.correct(w); ok {
			words[i], changed = c, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// rare reports whether some word of s occurred in at most one training
// text (a stray spelling rather than a word of the language).
func (l *lexicon) rare(s string) bool {
	for _, w := range normalizeWords(s) {
		if l.freq[w] <= 1 {
			return true
		}
	}
	return false
}

// translitWord reports whether a Latin chunk known to the model is still
// better read as transliterated Russian: a known Russian word in every
// spelling-exact reading ("ne", "kak" when an English example misspelt
// them would otherwise win).
func (l *lexicon) translitWord(c string) bool {
	if !l.rare(c) {
		return false
	}
	for _, v := range translitVariants(c) {
		if l.allKnown(v) {
			return true
		}
	}
	return false
}

// exactTranslit returns the Cyrillic spelling of a Latin chunk whose every
// word occurred in training or the vocabulary as spelled (no correction),
// or "".
func (l *lexicon) exactTranslit(c string) string {
	for _, v := range translitVariants(c) {
		ok := true
		for _, w := range normalizeWords(v) {
			_, inVocabulary := l.vocabulary[w]
			if !l.knownWord(w) && !inVocabulary {
				ok = false
				break
			}
		}
		if ok && len(normalizeWords(v)) > 0 {
			return v
		}
	}
	return ""
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

// RetypeLayout retypes s as if its keys had been pressed on the other
// keyboard layout: toRU maps English QWERTY keys to the Russian ЙЦУКЕН
// letters on them ("ytn" → "нет"), otherwise Russian letters are mapped to
// the English keys ("рщц" → "how").
func RetypeLayout(s string, toRU bool) string { return convertLayout(s, toRU) }

// letterCount counts the letters of a chunk.
func letterCount(c string) int {
	n := 0
	for _, r := range c {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
